"""SLA arithmetic: targets, business calendars, deadlines, quiet hours, and the
desk's SLA configuration.

All inputs and outputs are aware datetimes (returned in UTC). "Business" time
is real elapsed time inside the calendar's working windows (``day_start`` to
``day_end`` local time on working weekdays that are not holidays), computed in
the calendar's timezone, so a DST change inside a window is counted exactly.
"Calendar" time (``business=False``) is plain elapsed time.

Holds are ``(start, end | None)`` intervals during which the clock is paused;
an open hold (``end is None``) lasts until the end of the measured span, and a
deadline that falls behind an open hold is unknown (``None``): the clock is
stopped.

The arithmetic walks day by day only over partial weeks and skips whole weeks
with a cached per-week total, so long spans cost a handful of steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from domain.clock import ensure_utc
from domain.enums import Category, Urgency
from domain.errors import ValidationFailed

Hold = tuple[datetime, datetime | None]

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_MAX_SPAN_DAYS = 366 * 200  # a calendar without any working time must not loop forever

DEFAULT_TIMEZONE = "Asia/Tashkent"


def _default_tz() -> ZoneInfo:
    return ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Working hours of the management company (``working_weekdays``: Mon=0)."""

    tz: ZoneInfo = field(default_factory=_default_tz)
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValidationFailed(field="business_hours")
        if not self.day_start < self.day_end:
            raise ValidationFailed(field="business_hours")
        if not self.working_weekdays or not self.working_weekdays <= frozenset(range(7)):
            raise ValidationFailed(field="working_weekdays")

    @property
    def hours_per_day(self) -> timedelta:
        """Nominal length of one working day (9 h for 09:00–18:00)."""
        anchor = date(2000, 1, 1)
        return datetime.combine(anchor, self.day_end) - datetime.combine(anchor, self.day_start)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date as UTC instants (``None``: day off)."""
        return _window(self, day)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


DEFAULT_CALENDAR = BusinessCalendar()


@lru_cache(maxsize=65536)
def _window(calendar: BusinessCalendar, day: date) -> tuple[datetime, datetime] | None:
    if not calendar.is_working_day(day):
        return None
    start = datetime.combine(day, calendar.day_start, tzinfo=calendar.tz).astimezone(UTC)
    end = datetime.combine(day, calendar.day_end, tzinfo=calendar.tz).astimezone(UTC)
    if end <= start:  # pragma: no cover - only a window swallowed by a DST gap
        return None
    return start, end


@lru_cache(maxsize=16384)
def _week_total(calendar: BusinessCalendar, first_day: date) -> timedelta:
    """Working time of the seven local dates starting at ``first_day``."""
    total = _ZERO
    for offset in range(7):
        window = _window(calendar, first_day + timedelta(days=offset))
        if window is not None:
            total += window[1] - window[0]
    return total


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class SlaTarget:
    """Time to accept and to complete; ``business_hours``: count working time only."""

    accept: timedelta
    complete: timedelta
    business_hours: bool

    def __post_init__(self) -> None:
        if self.accept <= _ZERO or self.complete <= _ZERO:
            raise ValidationFailed(field="sla_target")


def default_sla(calendar: BusinessCalendar = DEFAULT_CALENDAR) -> Mapping[Urgency, SlaTarget]:
    """Product defaults: emergency 15 min / 4 h and urgent 1 h / 24 h (calendar
    time); normal 4 business hours / 3 business days of ``calendar``."""
    return MappingProxyType(
        {
            Urgency.EMERGENCY: SlaTarget(timedelta(minutes=15), timedelta(hours=4), False),
            Urgency.URGENT: SlaTarget(timedelta(hours=1), timedelta(hours=24), False),
            Urgency.NORMAL: SlaTarget(timedelta(hours=4), 3 * calendar.hours_per_day, True),
        }
    )


DEFAULT_SLA: Mapping[Urgency, SlaTarget] = default_sla()
"""Defaults for ``DEFAULT_CALENDAR`` (normal: 4 h / 27 business hours)."""


@dataclass(frozen=True)
class SlaPolicy:
    """Per (category, urgency) overrides falling back to per-urgency defaults."""

    defaults: Mapping[Urgency, SlaTarget] = field(default_factory=lambda: DEFAULT_SLA)
    overrides: Mapping[tuple[Category, Urgency], SlaTarget] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @classmethod
    def for_calendar(
        cls,
        calendar: BusinessCalendar,
        overrides: Mapping[tuple[Category, Urgency], SlaTarget] | None = None,
    ) -> SlaPolicy:
        return cls(
            defaults=default_sla(calendar), overrides=MappingProxyType(dict(overrides or {}))
        )

    def target_for(self, category: Category, urgency: Urgency) -> SlaTarget:
        override = self.overrides.get((category, urgency))
        if override is not None:
            return override
        return self.defaults[urgency]


# --------------------------------------------------------------------------- core arithmetic


def _business_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    if end <= start:
        return _ZERO
    first = calendar.local_date(start)
    last = calendar.local_date(end)
    total = _ZERO
    day = first
    while day <= last:
        if day > first and day.weekday() == 0 and day + timedelta(days=6) < last:
            total += _week_total(calendar, day)  # the whole week lies inside (start, end)
            day += _WEEK
            continue
        window = _window(calendar, day)
        if window is not None:
            overlap = min(end, window[1]) - max(start, window[0])
            if overlap > _ZERO:
                total += overlap
        day += _DAY
    return total


def _business_add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    if duration <= _ZERO:
        return start
    remaining = duration
    first = calendar.local_date(start)
    day = first
    limit = first + timedelta(days=_MAX_SPAN_DAYS)
    while day < limit:
        if day > first and day.weekday() == 0:
            week = _week_total(calendar, day)
            while week < remaining and day < limit:  # the end lies beyond this week
                remaining -= week
                day += _WEEK
                week = _week_total(calendar, day)
        window = _window(calendar, day)
        if window is not None:
            begin = max(start, window[0])
            if begin < window[1]:
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += _DAY
    raise ValueError("the business calendar has no working time in range")


def _elapsed(
    calendar: BusinessCalendar, start: datetime, end: datetime, business: bool
) -> timedelta:
    if business:
        return _business_between(calendar, start, end)
    return max(_ZERO, end - start)


def _merge_holds(
    holds: Sequence[Hold], lower: datetime, upper: datetime | None
) -> list[tuple[datetime, datetime | None]]:
    """UTC, clipped to ``[lower, upper]`` (open end -> ``upper``), sorted, merged."""
    clipped: list[tuple[datetime, datetime | None]] = []
    for hold_start, hold_end in holds:
        begin = max(ensure_utc(hold_start, "hold start"), lower)
        end = ensure_utc(hold_end, "hold end") if hold_end is not None else upper
        if upper is not None and end is not None:
            end = min(end, upper)
        if end is not None and end <= begin:
            continue
        clipped.append((begin, end))
    clipped.sort(key=lambda item: item[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for begin, end in clipped:
        if merged:
            last_begin, last_end = merged[-1]
            if last_end is None:
                break  # an open hold swallows everything after it
            if begin <= last_end:
                merged[-1] = (last_begin, None if end is None else max(last_end, end))
                continue
        merged.append((begin, end))
    return merged


# --------------------------------------------------------------------------- public API


def add_working_time(
    start_utc: datetime, duration: timedelta, calendar: BusinessCalendar, business: bool
) -> datetime:
    """The earliest instant at which ``duration`` of working time has elapsed
    since ``start_utc`` (plain addition when ``business`` is False)."""
    if duration < _ZERO:
        raise ValueError("duration must not be negative")
    start = ensure_utc(start_utc, "start_utc")
    if not business:
        return start + duration
    return _business_add(calendar, start, duration)


def working_time_between(
    start: datetime,
    end: datetime,
    calendar: BusinessCalendar,
    business: bool,
    holds: Sequence[Hold] = (),
) -> timedelta:
    """Working time in ``[start, end]`` minus the hold intervals (an open hold
    ends at ``end``). Zero when ``end <= start``."""
    start = ensure_utc(start, "start")
    end = ensure_utc(end, "end")
    if end <= start:
        return _ZERO
    total = _elapsed(calendar, start, end, business)
    for hold_start, hold_end in _merge_holds(holds, start, end):
        assert hold_end is not None  # closed by ``upper``
        total -= _elapsed(calendar, hold_start, hold_end, business)
    return total


def deadline(
    start: datetime,
    target_duration: timedelta,
    calendar: BusinessCalendar,
    business: bool,
    holds: Sequence[Hold] = (),
) -> datetime | None:
    """The earliest instant when working time since ``start`` (holds excluded)
    reaches ``target_duration``; ``None`` while an open hold stops the clock
    before that."""
    if target_duration < _ZERO:
        raise ValueError("target_duration must not be negative")
    start = ensure_utc(start, "start")
    if target_duration == _ZERO:
        return start
    remaining = target_duration
    cursor = start
    for hold_start, hold_end in _merge_holds(holds, start, None):
        if hold_start > cursor:
            segment = _elapsed(calendar, cursor, hold_start, business)
            if segment >= remaining:
                break
            remaining -= segment
        if hold_end is None:
            return None
        cursor = max(cursor, hold_end)
    if not business:
        return cursor + remaining
    return _business_add(calendar, cursor, remaining)


# --------------------------------------------------------------------------- quiet hours


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local times when no reminders go out (may wrap midnight: 22:00–08:00).
    ``start == end`` means no quiet hours."""

    start: time = time(22, 0)
    end: time = time(8, 0)

    def contains(self, now: datetime, tz: ZoneInfo) -> bool:
        local = ensure_utc(now, "now").astimezone(tz).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_end(self, now: datetime, tz: ZoneInfo) -> datetime:
        """When the quiet period containing ``now`` ends (``now`` if not quiet)."""
        now = ensure_utc(now, "now")
        if not self.contains(now, tz):
            return now
        local = now.astimezone(tz)
        day = local.date()
        if local.time() >= self.end:
            day += _DAY
        return datetime.combine(day, self.end, tzinfo=tz).astimezone(UTC)


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class SlaConfig:
    """Everything the deadline rules read from the desk settings."""

    calendar: BusinessCalendar = DEFAULT_CALENDAR
    policy: SlaPolicy = field(default_factory=SlaPolicy)
    quiet: QuietHours = QuietHours()
    auto_accept_after: timedelta = timedelta(hours=72)
    """A completed request the resident does not answer is accepted after this."""
    auto_accept_reminder_before: timedelta = timedelta(hours=24)
    follow_up_within: timedelta = timedelta(hours=24)
    """A low rating or a returned request needs a manager's follow-up within this."""
