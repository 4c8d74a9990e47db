"""More properties of the SLA arithmetic (``domain.sla``), next to ``test_sla.py``:
starting at night, on a weekend or a holiday; spans that lie wholly outside
working time; holds in non-working time, in any order, overlapping, or open;
holidays only ever push a deadline later; quiet hours."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.sla import (
    BusinessCalendar,
    Hold,
    QuietHours,
    deadline,
    working_time_between,
)
from tests.unit.test_sla import CALENDARS, ZERO, M, calendars, closed_holds, durations, instants
from tests.unit.test_sla import to_holds as _to_holds

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TASHKENT = ZoneInfo("Asia/Tashkent")
DAY = timedelta(days=1)


def to_holds(start: datetime, raw: list[tuple[int, int]]) -> list[Hold]:
    return _to_holds(start, raw)


def next_opening(calendar: BusinessCalendar, instant: datetime) -> datetime:
    """The instant itself inside a window, else the start of the next window."""
    day = calendar.local_date(instant) - DAY
    while True:
        window = calendar.window(day)
        if window is not None and instant < window[1]:
            return max(instant, window[0])
        day += DAY


def day_bounds(calendar: BusinessCalendar, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=calendar.tz).astimezone(UTC)
    end = datetime.combine(day + DAY, time(0), tzinfo=calendar.tz).astimezone(UTC)
    return start, end


@PROPS
@given(calendar=calendars, start=instants, duration=durations, raw=closed_holds)
def test_starting_out_of_hours_is_starting_at_the_next_opening(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, raw: list[tuple[int, int]]
) -> None:
    """Filed at night, on a weekend or a holiday: the clock starts next morning."""
    assume(duration > ZERO)
    opening = next_opening(calendar, start)
    assert working_time_between(start, opening, calendar, True) == ZERO
    assert deadline(start, duration, calendar, True) == deadline(opening, duration, calendar, True)
    holds = [hold for hold in to_holds(start, raw) if hold[0] >= opening]
    assert deadline(start, duration, calendar, True, holds) == deadline(
        opening, duration, calendar, True, holds
    )


@PROPS
@given(calendar=calendars, start=instants)
def test_nights_days_off_and_holidays_count_nothing(
    calendar: BusinessCalendar, start: datetime
) -> None:
    day = calendar.local_date(start)
    window = calendar.window(day)
    begin, end = day_bounds(calendar, day)
    if window is None:  # a weekend day or a holiday: nothing at all
        assert working_time_between(begin, end, calendar, True) == ZERO
        assert working_time_between(begin, end, calendar, False) == end - begin
    else:  # the night before and after the window
        assert working_time_between(begin, window[0], calendar, True) == ZERO
        assert working_time_between(window[1], end, calendar, True) == ZERO
        assert working_time_between(begin, end, calendar, True) == window[1] - window[0]


@PROPS
@given(calendar=calendars, start=instants, duration=durations, raw=closed_holds)
def test_holds_outside_working_time_do_not_move_a_business_deadline(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, raw: list[tuple[int, int]]
) -> None:
    """Pausing a request overnight or over a weekend changes nothing in business time."""
    gaps: list[Hold] = []
    for hold_start, hold_end in to_holds(start, raw):
        assert hold_end is not None
        cursor = hold_start
        while cursor < hold_end:  # cut each hold to its non-working parts
            opening = next_opening(calendar, cursor)
            if opening > cursor:
                gaps.append((cursor, min(opening, hold_end)))
                cursor = opening
            else:
                window = calendar.window(calendar.local_date(cursor))
                assert window is not None
                cursor = window[1]
    assert deadline(start, duration, calendar, True, gaps) == deadline(
        start, duration, calendar, True
    )


@PROPS
@given(
    calendar=calendars,
    start=instants,
    duration=durations,
    raw=closed_holds,
    business=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_holds_in_any_order_and_overlapping_count_once(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[int, int]],
    business: bool,
    seed: int,
) -> None:
    holds = to_holds(start, raw)
    pieces: list[Hold] = []
    for hold_start, hold_end in holds:  # each hold as two overlapping halves, and once more
        assert hold_end is not None
        middle = hold_start + (hold_end - hold_start) * 2 / 3
        pieces += [(hold_start, middle), (hold_start + (middle - hold_start) / 2, hold_end)]
    pieces += holds
    random.Random(seed).shuffle(pieces)
    end = start + duration
    assert working_time_between(start, end, calendar, business, pieces) == working_time_between(
        start, end, calendar, business, holds
    )
    assert deadline(start, duration, calendar, business, pieces) == deadline(
        start, duration, calendar, business, holds
    )


@PROPS
@given(
    calendar=calendars,
    start=instants,
    duration=durations,
    raw=closed_holds,
    open_at=st.integers(min_value=-24 * 60, max_value=20 * 24 * 60).map(lambda m: m * M),
    business=st.booleans(),
)
def test_an_open_hold_stops_the_clock_exactly_when_it_starts_in_time(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[int, int]],
    open_at: timedelta,
    business: bool,
) -> None:
    closed = to_holds(start, raw)
    hold_start = start + open_at
    holds: list[Hold] = [*closed, (hold_start, None)]
    worked_before_hold = working_time_between(start, hold_start, calendar, business, closed)
    due = deadline(start, duration, calendar, business, holds)
    if worked_before_hold < duration:
        assert due is None  # the clock stopped before the deadline
    else:
        assert due == deadline(start, duration, calendar, business, closed)
        assert due is not None
        assert due <= max(start, hold_start)
    # whatever the deadline, time stands still while the hold is open
    later = max(start, hold_start) + timedelta(days=3)
    assert working_time_between(start, later, calendar, business, holds) == worked_before_hold


@PROPS
@given(
    start=instants,
    duration=durations,
    extra_days=st.sets(st.integers(min_value=-3, max_value=40), max_size=6),
    name=st.sampled_from(sorted(CALENDARS)),
)
def test_holidays_only_push_a_business_deadline_later(
    start: datetime, duration: timedelta, extra_days: set[int], name: str
) -> None:
    calendar = CALENDARS[name]
    first = calendar.local_date(start)
    more = BusinessCalendar(
        tz=calendar.tz,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        working_weekdays=calendar.working_weekdays,
        holidays=calendar.holidays | {first + timedelta(days=d) for d in extra_days},
    )
    before = deadline(start, duration, calendar, True)
    after = deadline(start, duration, more, True)
    assert before is not None
    assert after is not None
    assert after >= before
    new_days = more.holidays - calendar.holidays
    if duration > ZERO and all(day > calendar.local_date(before) for day in new_days):
        assert after == before  # holidays after the deadline do not matter
    end = start + duration
    assert working_time_between(start, end, more, True) <= working_time_between(
        start, end, calendar, True
    )


quiet_times = st.integers(min_value=0, max_value=23 * 4).map(lambda q: time(q // 4, (q % 4) * 15))


@PROPS
@given(start=quiet_times, end=quiet_times, now=instants)
def test_quiet_hours_end_at_their_end(start: time, end: time, now: datetime) -> None:
    quiet = QuietHours(start, end)
    until = quiet.next_end(now, TASHKENT)
    if not quiet.contains(now, TASHKENT):
        assert until == now
        return
    assert now < until <= now + DAY
    assert until.astimezone(TASHKENT).time() == end
    assert not quiet.contains(until, TASHKENT)
    assert quiet.contains(until - M, TASHKENT)
    assert quiet.contains(now + (until - now) / 2, TASHKENT)
