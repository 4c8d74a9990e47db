"""📢 Announcements: the draft as kept in the conversation, and the screens' texts and
keyboards (no I/O; ``handlers.manager.announcements`` loads what they show)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.services import announcements as uc
from domain.services.announcements import (
    AnnouncementKind,
    Attachment,
    DeliveryReport,
    Draft,
    HistoryPage,
)
from fsm.announcements import AnnounceCb
from fsm.desk import DeskPanelCb

DRAFT = "announce"
"""The conversation data's key of the draft."""
REPORT_TEXT_LIMIT = 3900
"""Characters of the report before its "…and N more" line (a message holds 4,096)."""


def draft_of(data: dict[str, Any]) -> Draft | None:
    raw = data.get(DRAFT)
    if not raw:
        return None
    attachment = raw.get("attachment")
    return Draft(
        token=raw["token"],
        building_ids=tuple(raw.get("buildings", ())),
        verified_only=raw.get("verified_only", True),
        entrance_ids=tuple(raw.get("entrances", ())),
        kind=AnnouncementKind(raw.get("kind", AnnouncementKind.INFORMATION.value)),
        text=raw.get("text", ""),
        attachment=Attachment(**attachment) if attachment else None,
        starts_at=datetime.fromisoformat(raw["starts_at"]) if raw.get("starts_at") else None,
        ends_at=datetime.fromisoformat(raw["ends_at"]) if raw.get("ends_at") else None,
        remind=raw.get("remind", False),
    )


def draft_data(draft: Draft) -> dict[str, Any]:
    return {
        "token": draft.token,
        "buildings": list(draft.building_ids),
        "verified_only": draft.verified_only,
        "entrances": list(draft.entrance_ids),
        "kind": draft.kind.value,
        "text": draft.text,
        "attachment": draft.attachment.to_json() if draft.attachment else None,
        "starts_at": draft.starts_at.isoformat() if draft.starts_at else None,
        "ends_at": draft.ends_at.isoformat() if draft.ends_at else None,
        "remind": draft.remind,
    }


def home_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("announce-btn-new"), callback_data=AnnounceCb(action="new"))
    builder.button(text=t("announce-btn-history"), callback_data=AnnounceCb(action="hist"))
    builder.button(text=t("desk-btn-panel"), callback_data=DeskPanelCb(action="show"))
    builder.adjust(1)
    return builder.as_markup()


def cancel_button(t: BoundTranslator, builder: InlineKeyboardBuilder) -> None:
    builder.button(text=t("announce-btn-cancel"), callback_data=AnnounceCb(action="cancel"))


def kinds_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in AnnouncementKind:
        builder.button(
            text=t(f"announce-btn-kind-{kind.value}"),
            callback_data=AnnounceCb(action="kind", arg=kind.value),
        )
    cancel_button(t, builder)
    builder.adjust(1)
    return builder.as_markup()


def cancel_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    cancel_button(t, builder)
    return builder.as_markup()


def render_message(t: BoundTranslator, draft: Draft, organisation: str, tz: ZoneInfo) -> str:
    """The announcement as a resident reading ``t``'s language sees it."""
    works = draft.kind is AnnouncementKind.PLANNED_WORKS
    params = uc.announcement_params(
        draft.kind,
        draft.text,
        draft.starts_at if works else None,
        draft.ends_at if works else None,
        tz,
    )
    params = {
        name: t(value["key"]) if isinstance(value, dict) else value
        for name, value in params.items()
    }
    return t(uc.message_template(draft.kind), organisation=html.escape(organisation), **params)


def render_report(t: BoundTranslator, report: DeliveryReport, tz: ZoneInfo) -> str:
    tz = tz
    lines = [
        t(
            "announce-report-title",
            id=report.announcement_id,
            kind=t(f"announce-kind-{report.kind.value}"),
            at=report.created_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
        ),
        t("announce-report-buildings", buildings="; ".join(report.addresses)),
        *(
            [t("announce-audience-entrances", entrances=", ".join(report.entrances))]
            if report.entrances
            else []
        ),
        f"«{report.preview}»",
    ]
    if report.starts_at and report.ends_at:
        lines.append(
            t(
                "announce-report-window",
                window=uc.format_window(report.starts_at, report.ends_at, tz),
            )
        )
    if report.reminder_due_at:
        at = report.reminder_due_at.astimezone(tz).strftime("%d.%m.%Y %H:%M")
        key = (
            "announce-report-reminder-sent"
            if report.reminder_sent_at
            else "announce-report-reminder"
        )
        lines.append(t(key, at=at))
    if report.paid_broadcast:
        lines.append(t("announce-report-paid"))
    lines += [
        "",
        t(
            "announce-report-counts",
            total=report.total,
            queued=report.queued,
            delivered=report.delivered,
            blocked=report.blocked,
            failed=report.failed,
        ),
        t("announce-report-sending" if not report.done else "announce-report-done"),
    ]
    if report.unreachable:
        lines += ["", t("announce-report-unreachable")]
        shown = 0
        for person in report.unreachable:
            line = t(
                "announce-report-person-blocked"
                if person.blocked
                else "announce-report-person-failed",
                name=person.name,
                apartment=person.apartment,
                phone=person.phone,
            )
            if sum(len(x) + 1 for x in lines) + len(line) > REPORT_TEXT_LIMIT:
                break  # a Telegram message holds 4,096 characters
            lines.append(line)
            shown += 1
        more = report.blocked + report.failed - shown
        if more > 0:
            lines.append(t("announce-report-more", count=more))
    return "\n".join(lines)


def report_keyboard(t: BoundTranslator, announcement_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("announce-btn-refresh"),
        callback_data=AnnounceCb(action="report", id=announcement_id),
    )
    builder.button(text=t("announce-btn-home"), callback_data=AnnounceCb(action="home"))
    builder.adjust(1)
    return builder.as_markup()


def render_history(t: BoundTranslator, page: HistoryPage, tz: ZoneInfo) -> str:
    lines = [
        t("announce-history-title", address=page.address, page=page.page + 1, pages=page.pages)
    ]
    if not page.items:
        lines.append(t("announce-history-empty"))
    for item in page.items:
        lines.append(
            t(
                "announce-history-line",
                id=item.id,
                at=item.created_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
                kind=t(f"announce-kind-{item.kind.value}"),
                count=item.recipients,
                preview=item.preview,
            )
        )
    return "\n".join(lines)


def history_keyboard(t: BoundTranslator, page: HistoryPage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=t("announce-btn-report", id=item.id),
            callback_data=AnnounceCb(action="report", id=item.id),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(
            text=t("nav-prev"),
            callback_data=AnnounceCb(action="hb", id=page.building_id, page=page.page - 1),
        )
    if page.page + 1 < page.pages:
        nav.button(
            text=t("nav-next"),
            callback_data=AnnounceCb(action="hb", id=page.building_id, page=page.page + 1),
        )
    builder.attach(nav)
    back = InlineKeyboardBuilder()
    back.button(text=t("announce-btn-history"), callback_data=AnnounceCb(action="hist"))
    builder.attach(back)
    return builder.as_markup()
