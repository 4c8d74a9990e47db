"""Texts of "My requests" and the request card, in the reader's language and timezone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime

from bot.durations import time_left
from bot.i18n import BoundTranslator
from domain.enums import ActorRole, Language, PlaceKind
from domain.lifecycle import ACTIVE_STATUSES
from domain.services.requests import RequestCard, RequestPage, TimelineEntry

MAX_TIMELINE = 12
"""Latest timeline lines shown; older ones are counted."""
MAX_DESCRIPTION = 800
MAX_ENTRY_TEXT = 200

_ENTRANCE_PLACES = frozenset({PlaceKind.ENTRANCE, PlaceKind.STAIRWELL, PlaceKind.ELEVATOR})
# Locale data is read from disk once; doing it at import keeps it off the event loop later.
_LOCALES = {lang.value: Locale.parse(lang.value) for lang in Language}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, limit: int) -> str:
    """User-typed text, on one line and shortened (messages are sent as plain text)."""
    return _short(text, limit)


def format_when(when: datetime, lang: str, tz: ZoneInfo, now: datetime | None = None) -> str:
    """``12 Mar, 14:05`` in the business timezone and the reader's language (year if not this one)."""
    locale = _LOCALES.get(lang) or _LOCALES[Language.EN.value]
    local = when.astimezone(tz)
    same_year = now is None or now.astimezone(tz).year == local.year
    pattern = "d MMM, HH:mm" if same_year else "d MMM y, HH:mm"
    return str(format_datetime(local, pattern, tzinfo=tz, locale=locale))


def format_deadline(t: BoundTranslator, due: datetime, tz: ZoneInfo, now: datetime) -> str:
    """``28 Nov, 15:00 · 2 hours 15 minutes left`` or ``… · overdue by 1 day 3 hours``:
    every card's deadline (resident, executor, manager) reads the same."""
    return t("time-deadline", due=format_when(due, t.lang, tz, now), left=time_left(t, due, now))


def render_list(t: BoundTranslator, page: RequestPage) -> str:
    if page.total == 0:
        return t("tracking-list-empty-archive" if page.archive else "tracking-list-empty-active")
    return t(
        "tracking-list-archive" if page.archive else "tracking-list-active",
        total=page.total,
        page=page.page + 1,
        pages=page.pages,
    )


def _place(t: BoundTranslator, card: RequestCard) -> str:
    details = card.details
    address = details.address
    if details.place_kind is PlaceKind.APARTMENT and details.apartment_number:
        return t(
            "tracking-card-place-apartment",
            address=address,
            apartment=details.apartment_number,
        )
    place = t(f"place-{details.place_kind}")
    if details.place_kind in _ENTRANCE_PLACES and details.entrance_number:
        return t(
            "tracking-card-place-entrance",
            address=address,
            place=place,
            entrance=details.entrance_number,
        )
    return t("tracking-card-place-common", address=address, place=place)


def _who(t: BoundTranslator, entry: TimelineEntry, viewer_id: int) -> str:
    if entry.author_id == viewer_id:
        return t("tracking-who-you")
    if entry.author_role is ActorRole.RESIDENT:
        return t("tracking-who-resident")
    if entry.author_role is ActorRole.EXECUTOR:
        return t("tracking-who-executor", name=entry.author_name or "")
    return t("tracking-who-manager")


def _timeline_line(
    t: BoundTranslator, entry: TimelineEntry, viewer_id: int, tz: ZoneInfo, now: datetime
) -> str:
    at = format_when(entry.at, t.lang, tz, now)
    text = plain(entry.text, MAX_ENTRY_TEXT) if entry.text else None
    if entry.action is None:
        return t("tracking-card-comment", at=at, who=_who(t, entry, viewer_id), text=text or "")
    action = t(f"action-{entry.action}")
    if entry.hold_reason is not None:
        reason = t(f"tracking-hold-{entry.hold_reason}")
        action = t("tracking-card-action-reason", action=action, reason=reason)
    if text:
        return t("tracking-card-event-text", at=at, action=action, text=text)
    return t("tracking-card-event", at=at, action=action)


def render_card(
    t: BoundTranslator, card: RequestCard, *, viewer_id: int, tz: ZoneInfo, now: datetime
) -> str:
    state, details = card.state, card.details
    lines = [
        t("tracking-card-title", number=state.number),
        t("tracking-card-status", status=t(f"status-{state.status}")),
        t(
            "tracking-card-category",
            category=t(f"category-{state.category}"),
            urgency=t(f"urgency-{state.urgency}"),
        ),
        _place(t, card),
        t("tracking-card-description", description=plain(details.description, MAX_DESCRIPTION)),
    ]
    if state.assignee_id is not None and details.executor_first_name:
        lines.append(t("tracking-card-executor", name=details.executor_first_name))
    elif state.status in ACTIVE_STATUSES:
        lines.append(t("tracking-card-no-executor"))
    if card.accept_due is not None:
        key = "card-accept-late" if card.accept_overdue else "tracking-card-accept-due"
        lines.append(t(key, due=format_deadline(t, card.accept_due, tz, now)))
    if card.complete_due is not None:
        key = "card-complete-late" if card.complete_overdue else "tracking-card-complete-due"
        lines.append(t(key, due=format_deadline(t, card.complete_due, tz, now)))
    if card.paused:
        lines.append(t("tracking-card-paused"))
    if details.media_count:
        lines.append(t("tracking-card-files", count=details.media_count))
    if state.rating is not None:
        lines.append(t("tracking-card-rating", stars=state.rating))
    timeline = card.timeline
    lines += ["", t("tracking-card-history")]
    if len(timeline) > MAX_TIMELINE:
        lines.append(t("tracking-card-earlier", count=len(timeline) - MAX_TIMELINE))
        timeline = timeline[-MAX_TIMELINE:]
    lines += [_timeline_line(t, entry, viewer_id, tz, now) for entry in timeline]
    return "\n".join(lines)
