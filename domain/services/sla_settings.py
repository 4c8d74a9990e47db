"""Deadline (SLA) settings an admin edits from the bot: parsing, validation, saving.

Every editable value lives in ``DeskSettings`` (one settings row per field). Each
use case here checks that the actor is an admin, parses and validates the typed
value, and only then saves it and writes the audit log in one transaction: bad
input raises ``ValidationFailed`` with a translated message key and changes
nothing.

Durations are typed the way people write them: ``30m``, ``4h``, ``3d``,
``1h30m``, ``1 h 30 min`` (also in Russian and Uzbek: ``30 мин``, ``4 ч``,
``3 д``, ``2 soat``, ``1 kun``). For a target that counts business hours a day
(``d``) is one working day of the current business calendar (9 h for
09:00–18:00), so "3d" means three working days, as the product's defaults do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain.access import Actor
from domain.enums import Category, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.users import AuditLog
from domain.sla import DEFAULT_TIMEZONE, SlaTarget

__all__ = [
    "MAX_DURATION_MINUTES",
    "MAX_HOLIDAYS",
    "MAX_HOURS",
    "MIN_HOURS",
    "SlaRow",
    "SlaSettingsUnitOfWork",
    "add_holiday",
    "duration_parts",
    "effective_targets",
    "load_desk_settings",
    "parse_date",
    "parse_duration",
    "parse_hours",
    "parse_time_range",
    "remove_holiday",
    "reset_sla_target",
    "set_auto_accept_hours",
    "set_auto_accept_reminder_hours",
    "set_business_hours",
    "set_follow_up_hours",
    "set_quiet_hours",
    "set_sla_duration",
    "toggle_sla_business_hours",
    "toggle_working_weekday",
    "turn_off_quiet_hours",
]

MIN_HOURS = 1
MAX_HOURS = 720
"""Auto-accept delay and follow-up: 1 hour to 30 days."""
MAX_DURATION_MINUTES = 90 * 24 * 60
"""An SLA target is at most 90 days."""
MAX_HOLIDAYS = 40
"""Each holiday gets a 🗑 button; Telegram refuses keyboards of about 100 buttons."""

ERROR_ADMINS_ONLY = "settings-error-admins-only"
ERROR_DURATION = "settings-error-duration"
ERROR_DURATION_RANGE = "settings-error-duration-range"
ERROR_ACCEPT_AFTER_COMPLETE = "settings-error-accept-after-complete"
ERROR_TIME_RANGE = "settings-error-time-range"
ERROR_BUSINESS_ORDER = "settings-error-business-order"
ERROR_LAST_WEEKDAY = "settings-error-last-weekday"
ERROR_DATE = "settings-error-date"
ERROR_HOLIDAY_EXISTS = "settings-error-holiday-exists"
ERROR_TOO_MANY_HOLIDAYS = "settings-error-too-many-holidays"
ERROR_HOURS = "settings-error-hours"
ERROR_REMINDER = "settings-error-reminder"
ERROR_DELAY_BELOW_REMINDER = "settings-error-delay-below-reminder"
ERROR_OUTDATED = "settings-error-outdated"

SLA_KIND_ACCEPT = "accept"
SLA_KIND_COMPLETE = "complete"
_SLA_KINDS = {SLA_KIND_ACCEPT: "accept_minutes", SLA_KIND_COMPLETE: "complete_minutes"}

_UNITS: dict[str, int] = {}
for _names, _minutes in (
    (("m", "min", "mins", "minute", "minutes", "м", "мин", "минут", "минуты", "минута"), 1),
    (("daq", "daqiqa", "minut"), 1),
    (("h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов", "soat"), 60),
    (("d", "day", "days", "д", "дн", "день", "дня", "дней", "kun"), 24 * 60),
):
    for _name in _names:
        _UNITS[_name] = _minutes
_DAY_MINUTES = 24 * 60

_DURATION_PART = re.compile(r"(\d{1,6})\s*([^\W\d_]+)\.?", re.UNICODE)
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
_RANGE_SEPARATORS = re.compile(r"^\s*[-–—]?\s*$|^\s*(?:to|до|gacha)?\s*$", re.IGNORECASE)


class SettingsStore(Protocol):
    async def load(self) -> DeskSettings: ...
    async def save(self, key: str, value: Any, *, by: int | None) -> None: ...


class SlaSettingsUnitOfWork(Protocol):
    @property
    def settings(self) -> SettingsStore: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


# --------------------------------------------------------------------------- parsing


def parse_duration(text: str | None, *, day: timedelta = timedelta(days=1)) -> int:
    """Minutes of a typed duration ("30m", "4h", "3d", "1h30m"); ``day``: what "d" means.

    Raises ``ValidationFailed``: not a duration, or outside 1 minute .. 90 days.
    """
    cleaned = (text or "").strip().casefold().replace(",", " ")
    if not cleaned:
        raise ValidationFailed(ERROR_DURATION)
    position = 0
    total = 0
    seen: set[int] = set()
    day_minutes = int(day.total_seconds() // 60)
    for match in _DURATION_PART.finditer(cleaned):
        if cleaned[position : match.start()].strip():
            raise ValidationFailed(ERROR_DURATION)
        unit = _UNITS.get(match.group(2))
        if unit is None or unit in seen:
            raise ValidationFailed(ERROR_DURATION)
        seen.add(unit)
        total += int(match.group(1)) * (day_minutes if unit == _DAY_MINUTES else unit)
        position = match.end()
    if position == 0 or cleaned[position:].strip():
        raise ValidationFailed(ERROR_DURATION)
    if not 1 <= total <= MAX_DURATION_MINUTES:
        raise ValidationFailed(ERROR_DURATION_RANGE, max=MAX_DURATION_MINUTES // _DAY_MINUTES)
    return total


def duration_parts(minutes: int, *, days: bool = True) -> tuple[int, int, int]:
    """(days, hours, minutes) of a duration; ``days=False``: hours are not folded into days."""
    hours, rest = divmod(minutes, 60)
    if not days:
        return 0, hours, rest
    whole_days, hours = divmod(hours, 24)
    return whole_days, hours, rest


def _parse_time(hours: str, minutes: str) -> time:
    try:
        return time(int(hours), int(minutes))
    except ValueError as error:
        raise ValidationFailed(ERROR_TIME_RANGE) from error


def parse_time_range(text: str | None) -> tuple[str, str]:
    """Two local times typed as "09:00-18:00" (or "9:00 18:00", "09.00–18.00") → "HH:MM"s."""
    cleaned = (text or "").strip()
    found = list(_TIME.finditer(cleaned))
    if len(found) != 2:
        raise ValidationFailed(ERROR_TIME_RANGE)
    first, second = found
    if (
        cleaned[: first.start()].strip()
        or cleaned[second.end() :].strip()
        or not _RANGE_SEPARATORS.match(cleaned[first.end() : second.start()])
    ):
        raise ValidationFailed(ERROR_TIME_RANGE)
    start = _parse_time(*first.groups())
    end = _parse_time(*second.groups())
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def parse_date(text: str | None) -> date:
    """A date typed as DD.MM.YYYY (also with / or -) or YYYY-MM-DD."""
    cleaned = (text or "").strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValidationFailed(ERROR_DATE)


def parse_hours(text: str | None, *, low: int = MIN_HOURS, high: int = MAX_HOURS) -> int:
    """A whole number of hours in ``low..high`` (a trailing "h", "ч" or "soat" is allowed)."""
    cleaned = (text or "").strip().casefold()
    match = re.fullmatch(r"(\d{1,6})\s*(?:h|hours?|ч|час(?:а|ов)?|soat)?", cleaned)
    if match is None or not low <= int(match.group(1)) <= high:
        raise ValidationFailed(ERROR_HOURS, min=low, max=high)
    return int(match.group(1))


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class SlaRow:
    """The target in force for one (category, urgency) and whether the admin changed it."""

    category: Category
    urgency: Urgency
    target: SlaTarget
    overridden: bool

    @property
    def accept_minutes(self) -> int:
        return int(self.target.accept.total_seconds() // 60)

    @property
    def complete_minutes(self) -> int:
        return int(self.target.complete.total_seconds() // 60)


URGENCY_ORDER: tuple[Urgency, ...] = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL)


def _tz(tz: ZoneInfo | None) -> ZoneInfo:
    return tz or ZoneInfo(DEFAULT_TIMEZONE)


def effective_targets(
    settings: DeskSettings, category: Category, tz: ZoneInfo | None = None
) -> tuple[SlaRow, ...]:
    """The three urgencies of ``category`` (emergency first) as the deadline rules see them."""
    policy = settings.sla_config(_tz(tz)).policy
    overridden = settings.sla_targets()
    return tuple(
        SlaRow(
            category,
            urgency,
            policy.target_for(category, urgency),
            (category, urgency) in overridden,
        )
        for urgency in URGENCY_ORDER
    )


async def load_desk_settings(uow: SlaSettingsUnitOfWork) -> DeskSettings:
    return await uow.settings.load()


# --------------------------------------------------------------------------- writing


def _ensure_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(ERROR_ADMINS_ONLY)


async def _save(
    uow: SlaSettingsUnitOfWork,
    actor: Actor,
    key: str,
    value: Any,
    previous: Any,
    extra: Mapping[str, object] | None = None,
) -> DeskSettings:
    await uow.settings.save(key, value, by=actor.user_id)
    data: dict[str, object] = {"value": value, "previous": previous, **(extra or {})}
    await uow.audit.record(actor.user_id, "setting.changed", "setting", key, data)
    await uow.commit()
    return await uow.settings.load()


def _pair_key(category: Category, urgency: Urgency) -> str:
    return f"{category.value}:{urgency.value}"


def _target_dict(target: SlaTarget) -> dict[str, Any]:
    return {
        "accept_minutes": int(target.accept.total_seconds() // 60),
        "complete_minutes": int(target.complete.total_seconds() // 60),
        "business_hours": target.business_hours,
    }


async def _save_target(
    uow: SlaSettingsUnitOfWork,
    actor: Actor,
    settings: DeskSettings,
    category: Category,
    urgency: Urgency,
    target: dict[str, Any] | None,
) -> DeskSettings:
    previous = dict(settings.sla_overrides or {})
    updated = dict(previous)
    key = _pair_key(category, urgency)
    if target is None:
        updated.pop(key, None)
    else:
        updated[key] = target
    return await _save(
        uow,
        actor,
        "sla_overrides",
        updated,
        previous.get(key),
        {"pair": key, "target": target},
    )


def _hours_per_day(settings: DeskSettings, tz: ZoneInfo | None) -> timedelta:
    return settings.calendar(_tz(tz)).hours_per_day


async def set_sla_duration(
    uow: SlaSettingsUnitOfWork,
    actor: Actor,
    category: Category,
    urgency: Urgency,
    kind: str,
    text: str | None,
    tz: ZoneInfo | None = None,
) -> DeskSettings:
    """Sets the time to accept (``kind="accept"``) or to complete of one pair.

    Time to accept may not exceed time to complete.
    """
    _ensure_admin(actor)
    if kind not in _SLA_KINDS:
        raise ValidationFailed(ERROR_OUTDATED)
    settings = await uow.settings.load()
    current = settings.sla_config(_tz(tz)).policy.target_for(category, urgency)
    day = _hours_per_day(settings, tz) if current.business_hours else timedelta(days=1)
    minutes = parse_duration(text, day=day)
    target = _target_dict(current)
    target[_SLA_KINDS[kind]] = minutes
    if target["accept_minutes"] > target["complete_minutes"]:
        raise ValidationFailed(ERROR_ACCEPT_AFTER_COMPLETE)
    return await _save_target(uow, actor, settings, category, urgency, target)


async def toggle_sla_business_hours(
    uow: SlaSettingsUnitOfWork,
    actor: Actor,
    category: Category,
    urgency: Urgency,
    tz: ZoneInfo | None = None,
) -> DeskSettings:
    """Switches one pair between business hours and calendar time (durations are kept)."""
    _ensure_admin(actor)
    settings = await uow.settings.load()
    current = settings.sla_config(_tz(tz)).policy.target_for(category, urgency)
    target = _target_dict(current)
    target["business_hours"] = not current.business_hours
    return await _save_target(uow, actor, settings, category, urgency, target)


async def reset_sla_target(
    uow: SlaSettingsUnitOfWork, actor: Actor, category: Category, urgency: Urgency
) -> DeskSettings:
    """Back to the product default of the urgency ("outdated" when there is nothing to reset)."""
    _ensure_admin(actor)
    settings = await uow.settings.load()
    if _pair_key(category, urgency) not in (settings.sla_overrides or {}):
        raise ValidationFailed(ERROR_OUTDATED)
    return await _save_target(uow, actor, settings, category, urgency, None)


async def set_business_hours(
    uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """The working day, typed as "09:00-18:00"; the start must come before the end."""
    _ensure_admin(actor)
    start, end = parse_time_range(text)
    if not start < end:
        raise ValidationFailed(ERROR_BUSINESS_ORDER)
    settings = await uow.settings.load()
    previous = f"{settings.business_day_start}-{settings.business_day_end}"
    await uow.settings.save("business_day_start", start, by=actor.user_id)
    return await _save(uow, actor, "business_day_end", end, previous, {"business_day_start": start})


async def toggle_working_weekday(
    uow: SlaSettingsUnitOfWork, actor: Actor, weekday: int
) -> DeskSettings:
    """Turns a weekday (Monday = 0) on or off; at least one working day remains."""
    _ensure_admin(actor)
    if not 0 <= weekday <= 6:
        raise ValidationFailed(ERROR_OUTDATED)
    settings = await uow.settings.load()
    days = set(settings.working_weekdays)
    if weekday in days:
        if len(days) == 1:
            raise ValidationFailed(ERROR_LAST_WEEKDAY)
        days.remove(weekday)
    else:
        days.add(weekday)
    return await _save(
        uow, actor, "working_weekdays", sorted(days), list(settings.working_weekdays)
    )


async def add_holiday(uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None) -> DeskSettings:
    """Adds a day off (typed DD.MM.YYYY or YYYY-MM-DD); the list is kept sorted."""
    _ensure_admin(actor)
    day = parse_date(text).isoformat()
    settings = await uow.settings.load()
    if day in settings.holidays:
        raise ValidationFailed(ERROR_HOLIDAY_EXISTS)
    if len(settings.holidays) >= MAX_HOLIDAYS:
        raise ValidationFailed(ERROR_TOO_MANY_HOLIDAYS, max=MAX_HOLIDAYS)
    updated = sorted({*settings.holidays, day})
    return await _save(uow, actor, "holidays", updated, list(settings.holidays), {"added": day})


async def remove_holiday(uow: SlaSettingsUnitOfWork, actor: Actor, day: str) -> DeskSettings:
    """Removes a day off by its ISO date ("outdated" when it is not in the list)."""
    _ensure_admin(actor)
    settings = await uow.settings.load()
    if day not in settings.holidays:
        raise ValidationFailed(ERROR_OUTDATED)
    updated = sorted(set(settings.holidays) - {day})
    return await _save(uow, actor, "holidays", updated, list(settings.holidays), {"removed": day})


async def _save_quiet(
    uow: SlaSettingsUnitOfWork, actor: Actor, start: str, end: str
) -> DeskSettings:
    settings = await uow.settings.load()
    previous = f"{settings.quiet_start}-{settings.quiet_end}"
    await uow.settings.save("quiet_start", start, by=actor.user_id)
    return await _save(uow, actor, "quiet_end", end, previous, {"quiet_start": start})


async def set_quiet_hours(
    uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """Quiet hours typed as "22:00-08:00" (may wrap midnight; equal times: none)."""
    _ensure_admin(actor)
    start, end = parse_time_range(text)
    if start == end:
        start = end = "00:00"
    return await _save_quiet(uow, actor, start, end)


async def turn_off_quiet_hours(uow: SlaSettingsUnitOfWork, actor: Actor) -> DeskSettings:
    _ensure_admin(actor)
    return await _save_quiet(uow, actor, "00:00", "00:00")


async def set_auto_accept_hours(
    uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """Hours after which a completed request is accepted for a silent resident (1..720);
    must stay greater than the reminder."""
    _ensure_admin(actor)
    hours = parse_hours(text)
    settings = await uow.settings.load()
    if hours <= settings.auto_accept_reminder_hours:
        raise ValidationFailed(
            ERROR_DELAY_BELOW_REMINDER, reminder=settings.auto_accept_reminder_hours
        )
    return await _save(uow, actor, "auto_accept_hours", hours, settings.auto_accept_hours)


async def set_auto_accept_reminder_hours(
    uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """Hours before auto-accept the resident is reminded (1 .. delay − 1)."""
    _ensure_admin(actor)
    settings = await uow.settings.load()
    delay = settings.auto_accept_hours
    try:
        hours = parse_hours(text, high=MAX_HOURS)
    except ValidationFailed as error:
        raise ValidationFailed(ERROR_REMINDER, delay=delay) from error
    if hours >= delay:
        raise ValidationFailed(ERROR_REMINDER, delay=delay)
    return await _save(
        uow, actor, "auto_accept_reminder_hours", hours, settings.auto_accept_reminder_hours
    )


async def set_follow_up_hours(
    uow: SlaSettingsUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """Hours a manager has to follow up a low rating or a returned request (1..720)."""
    _ensure_admin(actor)
    hours = parse_hours(text)
    settings = await uow.settings.load()
    return await _save(uow, actor, "follow_up_hours", hours, settings.follow_up_hours)
