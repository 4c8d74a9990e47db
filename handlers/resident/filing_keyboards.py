"""Screens of the filing wizard: the text and the inline keyboard of every step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.catalog import COMMON_AREAS
from domain.enums import AccessMode, Category, TimeSlot, Urgency
from domain.services.filing import (
    MAX_MEDIA,
    FiledRequest,
    FilingScope,
    SimilarRequest,
    format_local,
)
from domain.services.incidents import IncidentView
from domain.services.request_notifications import format_due
from fsm.callbacks import ProfileCb
from fsm.filing import (
    FilingAccessCb,
    FilingAreaCb,
    FilingCategoryCb,
    FilingCommonCb,
    FilingEditCb,
    FilingJoinCb,
    FilingNavCb,
    FilingPlaceCb,
    FilingSlotCb,
    FilingUrgencyCb,
)
from fsm.incidents import IncidentCb

EDITABLE = ("category", "place", "description", "media", "urgency", "access")
URGENCY_ICONS = {Urgency.NORMAL: "🟢", Urgency.URGENT: "🟠", Urgency.EMERGENCY: "🔴"}
SIMILAR_DESCRIPTION = 120

Screen = tuple[str, InlineKeyboardMarkup]


def _nav(
    builder: InlineKeyboardBuilder, t: BoundTranslator, step: str, draft: str, *, back: bool = True
) -> None:
    nav = InlineKeyboardBuilder()
    if back:
        nav.button(
            text=t("filing-back"), callback_data=FilingNavCb(action="back", step=step, draft=draft)
        )
    nav.button(
        text=t("filing-cancel"), callback_data=FilingNavCb(action="cancel", step=step, draft=draft)
    )
    builder.attach(nav)


def place_text(t: BoundTranslator, data: dict[str, Any]) -> str:
    if data.get("place") == "apartment":
        return t(
            "filing-place-apartment",
            address=data["address"],
            apartment=str(data["apartment"]),
        )
    return t("filing-place-common", address=data["address"], place=t(f"place-{data['place']}"))


# --------------------------------------------------------------------------- steps


def category_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    builder = InlineKeyboardBuilder()
    for category in Category:
        builder.button(
            text=t(f"category-{category}"), callback_data=FilingCategoryCb(category=category)
        )
    builder.adjust(2)
    # The first step has nothing to go back to, unless the summary sent us here.
    _nav(builder, t, "category", data["draft"], back=bool(data.get("editing")))
    return t("filing-ask-category"), builder.as_markup()


def place_screen(t: BoundTranslator, data: dict[str, Any], scope: FilingScope) -> Screen:
    builder = InlineKeyboardBuilder()
    buildings = scope.buildings
    several = len(buildings) > 1
    for home in scope.homes:
        label = (
            t("filing-home-in", apartment=home.apartment_number, address=home.address)
            if several
            else t("filing-home", apartment=home.apartment_number)
        )
        builder.button(text=label, callback_data=FilingPlaceCb(apartment_id=home.apartment_id))
    for building_id, address in buildings:
        label = t("filing-common-in", address=address) if several else t("filing-common")
        builder.button(text=label, callback_data=FilingCommonCb(building_id=building_id))
    builder.adjust(1)
    _nav(builder, t, "place", data["draft"])
    return t("filing-ask-place"), builder.as_markup()


def area_screen(t: BoundTranslator, data: dict[str, Any], building_id: int, address: str) -> Screen:
    builder = InlineKeyboardBuilder()
    for kind in COMMON_AREAS:
        builder.button(
            text=t(f"place-{kind}"), callback_data=FilingAreaCb(building_id=building_id, kind=kind)
        )
    builder.adjust(2)
    _nav(builder, t, "area", data["draft"])
    return t("filing-ask-area", address=address), builder.as_markup()


def description_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    builder = InlineKeyboardBuilder()
    _nav(builder, t, "description", data["draft"])
    text = t("filing-ask-description")
    if data.get("description"):
        text += "\n\n" + t("filing-current", value=data["description"])
    return text, builder.as_markup()


def media_keyboard(t: BoundTranslator, data: dict[str, Any]) -> InlineKeyboardMarkup:
    count = len(data.get("media") or [])
    draft = data["draft"]
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("filing-media-done") if count else t("filing-media-skip"),
        callback_data=FilingNavCb(action="done", step="media", draft=draft),
    )
    if count:
        builder.button(
            text=t("filing-media-clear"),
            callback_data=FilingNavCb(action="clear", step="media", draft=draft),
        )
    builder.adjust(1)
    _nav(builder, t, "media", draft)
    return builder.as_markup()


def media_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    count = len(data.get("media") or [])
    text = t("filing-ask-media", max=MAX_MEDIA)
    if count:
        text += "\n\n" + media_count_text(t, count)
    return text, media_keyboard(t, data)


def media_count_text(t: BoundTranslator, count: int) -> str:
    return t("filing-media-received", count=count, max=MAX_MEDIA)


def urgency_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    builder = InlineKeyboardBuilder()
    for urgency in Urgency:
        builder.button(
            text=f"{URGENCY_ICONS[urgency]} {t(f'urgency-{urgency}')}",
            callback_data=FilingUrgencyCb(urgency=urgency),
        )
    builder.adjust(1)
    _nav(builder, t, "urgency", data["draft"])
    return t("filing-ask-urgency"), builder.as_markup()


def access_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    builder = InlineKeyboardBuilder()
    for mode in AccessMode:
        builder.button(text=t(f"access-{mode}"), callback_data=FilingAccessCb(mode=mode))
    builder.adjust(1)
    _nav(builder, t, "access", data["draft"])
    return t("filing-ask-access"), builder.as_markup()


def slot_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    builder = InlineKeyboardBuilder()
    for slot in TimeSlot:
        builder.button(text=t(f"timeslot-{slot}"), callback_data=FilingSlotCb(slot=slot))
    builder.adjust(2)
    _nav(builder, t, "slot", data["draft"])
    return t("filing-ask-slot"), builder.as_markup()


def summary_text(t: BoundTranslator, data: dict[str, Any]) -> str:
    return t(
        "filing-summary",
        category=t(f"category-{data['category']}"),
        place=place_text(t, data),
        description=data["description"],
        files=len(data.get("media") or []),
        urgency=t(f"urgency-{data['urgency']}"),
        access=t(f"access-{data['access']}"),
        slot=t(f"timeslot-{data['slot']}"),
    )


def summary_screen(t: BoundTranslator, data: dict[str, Any]) -> Screen:
    draft = data["draft"]
    builder = InlineKeyboardBuilder()
    for field in EDITABLE:
        builder.button(
            text=t(f"filing-edit-{field}"), callback_data=FilingEditCb(field=field, draft=draft)
        )
    builder.adjust(2)
    confirm = InlineKeyboardBuilder()
    confirm.button(
        text=t("filing-confirm"),
        callback_data=FilingNavCb(action="confirm", step="summary", draft=draft),
    )
    builder.attach(confirm)
    _nav(builder, t, "summary", draft)
    return summary_text(t, data), builder.as_markup()


def duplicate_screen(
    t: BoundTranslator, data: dict[str, Any], similar: Sequence[SimilarRequest], tz: ZoneInfo
) -> Screen:
    draft = data["draft"]
    lines = [t("filing-duplicate-intro")]
    builder = InlineKeyboardBuilder()
    for request in similar:
        place = (
            t("filing-similar-apartment", apartment=request.apartment_number or "")
            if request.apartment_number
            else t(f"place-{request.place_kind}")
        )
        description = request.description
        if len(description) > SIMILAR_DESCRIPTION:
            description = description[: SIMILAR_DESCRIPTION - 1].rstrip() + "…"
        lines.append(
            t(
                "filing-similar",
                number=request.number,
                category=t(f"category-{request.category}"),
                place=place,
                status=t(f"status-{request.status}"),
                created=format_local(request.created_at, tz),
                description=description,
            )
        )
        builder.button(
            text=t("filing-join", number=request.number),
            callback_data=FilingJoinCb(request_id=request.id, draft=draft),
        )
    builder.button(
        text=t("filing-file-anyway"),
        callback_data=FilingNavCb(action="anyway", step="duplicate", draft=draft),
    )
    builder.adjust(1)
    _nav(builder, t, "duplicate", draft)
    return "\n\n".join(lines), builder.as_markup()


def resume_screen(t: BoundTranslator, step: str, draft: str) -> Screen:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("filing-resume-continue"),
        callback_data=FilingNavCb(action="resume", step=step, draft=draft),
    )
    builder.button(
        text=t("filing-resume-restart"),
        callback_data=FilingNavCb(action="restart", step=step, draft=draft),
    )
    builder.adjust(1)
    return t("filing-resume", step=t(f"filing-step-{step}")), builder.as_markup()


def filed_text(t: BoundTranslator, filed: FiledRequest, tz: ZoneInfo) -> str:
    key = "filing-already-filed" if filed.already_filed else "filing-filed"
    return t(
        key,
        number=filed.number,
        status=t(f"status-{filed.status}"),
        accept_due=format_local(filed.accept_due_at, tz),
        complete_due=format_local(filed.complete_due_at, tz),
    )


def link_home_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("filing-link-home"), callback_data=ProfileCb(action="add_apartment"))
    return builder.as_markup()


def outage_screen(
    t: BoundTranslator, data: dict[str, Any], incident: IncidentView, tz: ZoneInfo
) -> Screen:
    """A known outage of the category in the resident's building: follow it or file anyway."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("incident-btn-follow"), callback_data=IncidentCb(action="fo", id=incident.id)
    )
    builder.button(
        text=t("incident-btn-file-anyway"), callback_data=IncidentCb(action="fa", id=incident.id)
    )
    builder.adjust(1)
    _nav(builder, t, "category", data["draft"], back=False)
    text = t(
        "incident-known",
        category=t(f"incident-category-{incident.category.value}"),
        address=incident.address,
        since=format_due(incident.declared_at, tz),
        due=format_due(incident.due_at, tz),
        text=incident.text,
    )
    return text, builder.as_markup()
