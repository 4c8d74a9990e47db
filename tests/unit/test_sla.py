"""SLA arithmetic: examples, cross-checks against a brute-force reference, properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from domain.enums import Category, Urgency
from domain.errors import ValidationFailed
from domain.sla import (
    DEFAULT_CALENDAR,
    DEFAULT_SLA,
    BusinessCalendar,
    Hold,
    QuietHours,
    SlaPolicy,
    SlaTarget,
    add_working_time,
    deadline,
    default_sla,
    working_time_between,
)

TASHKENT = ZoneInfo("Asia/Tashkent")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
M = timedelta(minutes=1)
ZERO = timedelta(0)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


CALENDARS = {
    "tashkent": DEFAULT_CALENDAR,
    "tashkent-6day-holidays": BusinessCalendar(
        tz=TASHKENT,
        day_start=time(8, 30),
        day_end=time(17, 15),
        working_weekdays=frozenset({0, 1, 2, 3, 4, 5}),
        holidays=frozenset(
            {date(2025, 1, 1), date(2025, 3, 21), date(2025, 3, 24), date(2025, 9, 1)}
            | {date(2025, 12, 29) + timedelta(days=i) for i in range(10)}
        ),
    ),
    "berlin": BusinessCalendar(tz=BERLIN),
    # windows that contain the DST switch (02:00-03:00) itself
    "berlin-night": BusinessCalendar(
        tz=BERLIN,
        day_start=time(0, 30),
        day_end=time(23, 30),
        working_weekdays=frozenset(range(7)),
        holidays=frozenset({date(2025, 3, 29)}),
    ),
    "berlin-switch": BusinessCalendar(
        tz=BERLIN, day_start=time(1, 0), day_end=time(4, 0), working_weekdays=frozenset({5, 6})
    ),
}

DST_SWITCHES = [
    utc(2024, 3, 31, 1),
    utc(2024, 10, 27, 1),
    utc(2025, 3, 30, 1),
    utc(2025, 10, 26, 1),
    utc(2025, 3, 21, 6),  # Tashkent holidays
    utc(2025, 12, 31, 6),
]

calendars = st.sampled_from(sorted(CALENDARS)).map(CALENDARS.__getitem__)
instants = st.one_of(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 6, 30)).map(
        lambda value: value.replace(tzinfo=UTC)
    ),
    st.tuples(
        st.sampled_from(DST_SWITCHES), st.integers(min_value=-7 * 24 * 60, max_value=7 * 24 * 60)
    ).map(lambda pair: pair[0] + pair[1] * M),
)
durations = st.integers(min_value=0, max_value=15 * 24 * 3600).map(lambda s: timedelta(seconds=s))
closed_holds = st.lists(
    st.tuples(
        st.integers(min_value=-2 * 24 * 60, max_value=10 * 24 * 60),
        st.integers(min_value=0, max_value=3 * 24 * 60),
    ),
    max_size=3,
)


def to_holds(start: datetime, raw: list[tuple[int, int]]) -> list[Hold]:
    return [(start + offset * M, start + (offset + length) * M) for offset, length in raw]


# --------------------------------------------------------------------------- references

SLOT = timedelta(minutes=15)


def slot_reference(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Brute force on a 15-minute grid using local wall time (independent of the code)."""
    total = ZERO
    cursor = start
    while cursor < end:
        wall = cursor.astimezone(calendar.tz)
        if (
            wall.weekday() in calendar.working_weekdays
            and wall.date() not in calendar.holidays
            and calendar.day_start <= wall.time() < calendar.day_end
        ):
            total += SLOT
        cursor += SLOT
    return total


def day_loop_add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """Naive day-by-day walk (no week skipping)."""
    remaining = duration
    day = start.astimezone(calendar.tz).date()
    if remaining == ZERO:
        return start
    while True:
        window = calendar.window(day)
        if window is not None:
            begin = max(start, window[0])
            if begin < window[1]:
                if remaining <= window[1] - begin:
                    return begin + remaining
                remaining -= window[1] - begin
        day += timedelta(days=1)


def day_loop_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    total = ZERO
    day = start.astimezone(calendar.tz).date()
    while day <= end.astimezone(calendar.tz).date():
        window = calendar.window(day)
        if window is not None:
            total += max(ZERO, min(end, window[1]) - max(start, window[0]))
        day += timedelta(days=1)
    return total


# --------------------------------------------------------------------------- examples


def test_defaults() -> None:
    assert DEFAULT_CALENDAR.tz.key == "Asia/Tashkent"
    assert DEFAULT_CALENDAR.hours_per_day == 9 * H
    assert DEFAULT_SLA[Urgency.EMERGENCY] == SlaTarget(15 * M, 4 * H, False)
    assert DEFAULT_SLA[Urgency.URGENT] == SlaTarget(H, 24 * H, False)
    assert DEFAULT_SLA[Urgency.NORMAL] == SlaTarget(4 * H, 27 * H, True)
    eight_hours = BusinessCalendar(day_start=time(9), day_end=time(17))
    assert default_sla(eight_hours)[Urgency.NORMAL].complete == 24 * H


def test_policy_overrides_fall_back_to_defaults() -> None:
    special = SlaTarget(30 * M, 2 * H, False)
    policy = SlaPolicy(overrides={(Category.ELEVATOR, Urgency.URGENT): special})
    assert policy.target_for(Category.ELEVATOR, Urgency.URGENT) == special
    assert policy.target_for(Category.ELEVATOR, Urgency.NORMAL) == DEFAULT_SLA[Urgency.NORMAL]
    assert SlaPolicy().target_for(Category.OTHER, Urgency.URGENT) == DEFAULT_SLA[Urgency.URGENT]
    calendar = BusinessCalendar(day_start=time(8), day_end=time(20))
    scaled = SlaPolicy.for_calendar(calendar, {(Category.OTHER, Urgency.NORMAL): special})
    assert scaled.target_for(Category.PLUMBING, Urgency.NORMAL).complete == 36 * H
    assert scaled.target_for(Category.OTHER, Urgency.NORMAL) == special
    assert SlaPolicy.for_calendar(calendar).overrides == {}


def test_normal_request_filed_friday_evening() -> None:
    friday_evening = local(TASHKENT, 2025, 3, 7, 17, 0)
    target = DEFAULT_SLA[Urgency.NORMAL]
    accept_due = deadline(friday_evening, target.accept, DEFAULT_CALENDAR, True)
    complete_due = deadline(friday_evening, target.complete, DEFAULT_CALENDAR, True)
    assert accept_due == local(TASHKENT, 2025, 3, 10, 12, 0)  # 1 h Friday + 3 h Monday
    assert complete_due == local(TASHKENT, 2025, 3, 12, 17, 0)  # Fri 1 + Mon 9 + Tue 9 + Wed 8 h
    assert working_time_between(friday_evening, accept_due, DEFAULT_CALENDAR, True) == 4 * H


def test_emergency_counts_calendar_time_and_holds_pause_it() -> None:
    start = local(TASHKENT, 2025, 3, 8, 23, 50)  # Saturday night
    target = DEFAULT_SLA[Urgency.EMERGENCY]
    held: list[Hold] = [(start + H, start + 2 * H)]
    assert deadline(start, target.accept, DEFAULT_CALENDAR, False) == start + 15 * M
    assert deadline(start, target.complete, DEFAULT_CALENDAR, False, held) == start + 5 * H
    assert deadline(start, target.complete, DEFAULT_CALENDAR, False, [(start + H, None)]) is None


def test_start_inside_a_window_and_exact_window_end() -> None:
    start = local(TASHKENT, 2025, 3, 10, 14, 0)
    assert add_working_time(start, 4 * H, DEFAULT_CALENDAR, True) == local(
        TASHKENT, 2025, 3, 10, 18, 0
    )  # the earliest instant, not the next morning
    assert add_working_time(start, 4 * H + M, DEFAULT_CALENDAR, True) == local(
        TASHKENT, 2025, 3, 11, 9, 1
    )
    assert add_working_time(start, ZERO, DEFAULT_CALENDAR, True) == start


def test_nights_weekends_and_holidays_count_nothing() -> None:
    calendar = CALENDARS["tashkent-6day-holidays"]
    night = (local(TASHKENT, 2025, 3, 10, 17, 15), local(TASHKENT, 2025, 3, 11, 8, 30))
    assert working_time_between(*night, calendar, True) == ZERO
    sunday = (local(TASHKENT, 2025, 3, 16, 0, 0), local(TASHKENT, 2025, 3, 17, 0, 0))
    assert working_time_between(*sunday, calendar, True) == ZERO
    holiday = (local(TASHKENT, 2025, 3, 21, 0, 0), local(TASHKENT, 2025, 3, 22, 0, 0))
    assert working_time_between(*holiday, calendar, True) == ZERO
    assert working_time_between(*holiday, calendar, False) == 24 * H
    week = (local(TASHKENT, 2025, 3, 3, 0, 0), local(TASHKENT, 2025, 3, 10, 0, 0))
    assert working_time_between(*week, calendar, True) == 6 * (8 * H + 45 * M)


def test_dst_inside_a_window_counts_real_time() -> None:
    calendar = CALENDARS["berlin-switch"]  # 01:00-04:00 local on weekends
    spring = (local(BERLIN, 2025, 3, 30, 0, 0), local(BERLIN, 2025, 3, 30, 6, 0))
    assert working_time_between(*spring, calendar, True) == 2 * H  # 02:00-03:00 does not exist
    autumn = (
        datetime(2025, 10, 26, 0, 0, tzinfo=BERLIN).astimezone(UTC),
        datetime(2025, 10, 26, 6, 0, tzinfo=BERLIN).astimezone(UTC),
    )
    assert working_time_between(*autumn, calendar, True) == 4 * H  # 02:00-03:00 twice
    assert add_working_time(spring[0], 2 * H, calendar, True) == local(BERLIN, 2025, 3, 30, 4, 0)


def test_long_spans_are_cheap_and_exact() -> None:
    start = local(TASHKENT, 2025, 1, 1, 12, 0)
    year = working_time_between(start, start + timedelta(days=365), DEFAULT_CALENDAR, True)
    assert year == day_loop_between(DEFAULT_CALENDAR, start, start + timedelta(days=365))
    assert add_working_time(start, year, DEFAULT_CALENDAR, True) == day_loop_add(
        DEFAULT_CALENDAR, start, year
    )


def test_open_hold() -> None:
    start = local(TASHKENT, 2025, 3, 10, 9, 0)
    hold_start = start + 2 * H
    now = start + 5 * H
    holds: list[Hold] = [(hold_start, None)]
    assert working_time_between(start, now, DEFAULT_CALENDAR, True, holds) == 2 * H
    assert deadline(start, 4 * H, DEFAULT_CALENDAR, True, holds) is None
    assert deadline(start, 2 * H, DEFAULT_CALENDAR, True, holds) == hold_start
    assert deadline(start, H, DEFAULT_CALENDAR, True, [(start, None)]) is None
    assert deadline(start, ZERO, DEFAULT_CALENDAR, True, [(start, None)]) == start
    # an open hold swallows every later hold
    many: list[Hold] = [(hold_start, None), (hold_start + H, hold_start + 2 * H)]
    assert working_time_between(start, now, DEFAULT_CALENDAR, True, many) == 2 * H
    assert deadline(start, 4 * H, DEFAULT_CALENDAR, True, many) is None
    # a hold before the start does not matter
    early: list[Hold] = [(start - 3 * H, start - H)]
    assert deadline(start, H, DEFAULT_CALENDAR, True, early) == start + H


def test_fractions_of_a_target() -> None:
    start = local(TASHKENT, 2025, 3, 10, 9, 0)
    target = 8 * H
    points = [deadline(start, target * f, DEFAULT_CALENDAR, True) for f in (0.75, 1.0, 1.5)]
    assert points == [start + 6 * H, start + 8 * H, local(TASHKENT, 2025, 3, 11, 12, 0)]
    assert working_time_between(start, start + 6 * H, DEFAULT_CALENDAR, True) / target == 0.75
    assert working_time_between(start, start - H, DEFAULT_CALENDAR, True) == ZERO


def test_bad_inputs() -> None:
    start = utc(2025, 1, 1)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(start, -M, DEFAULT_CALENDAR, True)
    with pytest.raises(ValueError, match="negative"):
        deadline(start, -M, DEFAULT_CALENDAR, True)
    with pytest.raises(ValueError, match="aware"):
        working_time_between(datetime(2025, 1, 1), start, DEFAULT_CALENDAR, True)
    with pytest.raises(ValueError, match="aware"):
        deadline(start, H, DEFAULT_CALENDAR, True, [(datetime(2025, 1, 1), None)])
    bad_calendars: list[Callable[[], BusinessCalendar]] = [
        lambda: BusinessCalendar(day_start=time(18), day_end=time(9)),
        lambda: BusinessCalendar(day_start=time(9, tzinfo=UTC)),
        lambda: BusinessCalendar(working_weekdays=frozenset()),
        lambda: BusinessCalendar(working_weekdays=frozenset({7})),
    ]
    for make in bad_calendars:
        with pytest.raises(ValidationFailed):
            make()
    with pytest.raises(ValidationFailed):
        SlaTarget(ZERO, H, True)


def test_calendar_without_working_time_in_range_fails_loudly() -> None:
    start = utc(2025, 1, 6)
    every_day = frozenset(start.date() + timedelta(days=i) for i in range(-1, 366 * 200 + 7))
    closed = BusinessCalendar(working_weekdays=frozenset({0}), holidays=every_day)
    with pytest.raises(ValueError, match="no working time"):
        add_working_time(start, H, closed, True)


def test_quiet_hours() -> None:
    quiet = QuietHours(time(22), time(8))
    assert quiet.contains(local(TASHKENT, 2025, 3, 10, 23, 0), TASHKENT)
    assert quiet.contains(local(TASHKENT, 2025, 3, 10, 7, 59), TASHKENT)
    assert not quiet.contains(local(TASHKENT, 2025, 3, 10, 8, 0), TASHKENT)
    assert quiet.next_end(local(TASHKENT, 2025, 3, 10, 23, 0), TASHKENT) == local(
        TASHKENT, 2025, 3, 11, 8, 0
    )
    assert quiet.next_end(local(TASHKENT, 2025, 3, 10, 3, 0), TASHKENT) == local(
        TASHKENT, 2025, 3, 10, 8, 0
    )
    noon = local(TASHKENT, 2025, 3, 10, 12, 0)
    assert quiet.next_end(noon, TASHKENT) == noon
    lunch = QuietHours(time(13), time(14))
    assert lunch.contains(local(TASHKENT, 2025, 3, 10, 13, 30), TASHKENT)
    assert not lunch.contains(local(TASHKENT, 2025, 3, 10, 14, 30), TASHKENT)
    assert lunch.next_end(local(TASHKENT, 2025, 3, 10, 13, 30), TASHKENT) == local(
        TASHKENT, 2025, 3, 10, 14, 0
    )
    assert not QuietHours(time(0), time(0)).contains(noon, TASHKENT)


# --------------------------------------------------------------------------- properties

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(
    calendar=calendars,
    start_slot=st.integers(min_value=0, max_value=3 * 366 * 96),
    slots=st.integers(min_value=0, max_value=10 * 96),
)
@example(calendar=CALENDARS["berlin-night"], start_slot=(31 + 29 + 29) * 96, slots=3 * 96)
def test_matches_brute_force_reference(
    calendar: BusinessCalendar, start_slot: int, slots: int
) -> None:
    start = utc(2024, 1, 1) + start_slot * SLOT
    end = start + slots * SLOT
    assert working_time_between(start, end, calendar, True) == slot_reference(calendar, start, end)


@PROPS
@given(calendar=calendars, start=instants, duration=durations, business=st.booleans())
def test_round_trip_without_holds(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, business: bool
) -> None:
    due = deadline(start, duration, calendar, business)
    assert due is not None
    assert due == add_working_time(start, duration, calendar, business)
    assert working_time_between(start, due, calendar, business) == duration
    if duration > ZERO:  # the earliest such instant
        just_before = due - timedelta(microseconds=1)
        assert working_time_between(start, just_before, calendar, business) < duration
    if not business:
        assert due == start + duration


@PROPS
@given(
    calendar=calendars,
    start=instants,
    duration=durations,
    raw=closed_holds,
    business=st.booleans(),
)
def test_round_trip_with_holds(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[int, int]],
    business: bool,
) -> None:
    holds = to_holds(start, raw)
    due = deadline(start, duration, calendar, business, holds)
    assert due is not None
    assert working_time_between(start, due, calendar, business, holds) == duration
    if duration > ZERO:
        just_before = due - timedelta(microseconds=1)
        assert working_time_between(start, just_before, calendar, business, holds) < duration


@PROPS
@given(
    calendar=calendars,
    start=instants,
    first=durations,
    second=durations,
    raw=closed_holds,
    business=st.booleans(),
)
def test_deadline_is_monotonic_in_duration(
    calendar: BusinessCalendar,
    start: datetime,
    first: timedelta,
    second: timedelta,
    raw: list[tuple[int, int]],
    business: bool,
) -> None:
    short, long = sorted((first, second))
    holds = to_holds(start, raw)
    early = deadline(start, short, calendar, business, holds)
    late = deadline(start, long, calendar, business, holds)
    assert early is not None
    assert late is not None
    assert early <= late


@PROPS
@given(
    calendar=calendars,
    start=instants,
    duration=durations,
    raw=closed_holds,
    business=st.booleans(),
)
def test_holds_shift_the_deadline_by_exactly_the_held_working_time(
    calendar: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    raw: list[tuple[int, int]],
    business: bool,
) -> None:
    holds = to_holds(start, raw)
    with_holds = deadline(start, duration, calendar, business, holds)
    assert with_holds is not None
    held = working_time_between(start, with_holds, calendar, business) - working_time_between(
        start, with_holds, calendar, business, holds
    )
    assert held >= ZERO
    assert deadline(start, duration + held, calendar, business) == with_holds


@PROPS
@given(calendar=calendars, start=instants, duration=durations)
def test_business_deadlines_land_inside_working_windows(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assume(duration > ZERO)
    due = add_working_time(start, duration, calendar, True)
    window = calendar.window(calendar.local_date(due))
    assert window is not None
    assert window[0] < due <= window[1]


@PROPS
@given(calendar=calendars, start=instants, gap=durations, business=st.booleans())
def test_working_time_is_additive_and_bounded(
    calendar: BusinessCalendar, start: datetime, gap: timedelta, business: bool
) -> None:
    middle = start + gap / 3
    end = start + gap
    whole = working_time_between(start, end, calendar, business)
    parts = working_time_between(start, middle, calendar, business) + working_time_between(
        middle, end, calendar, business
    )
    assert whole == parts
    assert ZERO <= whole <= gap
    assert working_time_between(end, start, calendar, business) == ZERO


@PROPS
@given(
    calendar=calendars,
    start=instants,
    business_days=st.integers(min_value=0, max_value=400),
    extra=st.integers(min_value=0, max_value=600),
)
def test_week_skipping_matches_a_day_by_day_walk(
    calendar: BusinessCalendar, start: datetime, business_days: int, extra: int
) -> None:
    duration = business_days * calendar.hours_per_day + extra * M
    due = add_working_time(start, duration, calendar, True)
    assert due == day_loop_add(calendar, start, duration)
    end = start + timedelta(days=business_days, minutes=extra)
    assert working_time_between(start, end, calendar, True) == day_loop_between(
        calendar, start, end
    )


@PROPS
@given(
    calendar=calendars,
    start=instants,
    target=durations,
    fraction=st.floats(min_value=0, max_value=2),
    business=st.booleans(),
    raw=closed_holds,
)
def test_working_time_inverts_deadline(
    calendar: BusinessCalendar,
    start: datetime,
    target: timedelta,
    fraction: float,
    business: bool,
    raw: list[tuple[int, int]],
) -> None:
    assume(target >= M)
    holds = to_holds(start, raw)
    point = deadline(start, target * fraction, calendar, business, holds)
    assert point is not None
    elapsed = working_time_between(start, point, calendar, business, holds)
    assert elapsed / target == pytest.approx(fraction, abs=1e-6)


@PROPS
@given(
    start=instants,
    duration=durations,
    offset=st.integers(min_value=0, max_value=20 * 24 * 60),
    length=st.integers(min_value=0, max_value=5 * 24 * 60),
)
def test_calendar_mode_is_plain_addition(
    start: datetime, duration: timedelta, offset: int, length: int
) -> None:
    hold: Hold = (start + offset * M, start + (offset + length) * M)
    due = deadline(start, duration, DEFAULT_CALENDAR, False, [hold])
    if offset * M >= duration:
        assert due == start + duration
    else:
        assert due == start + duration + length * M
    assert add_working_time(start, duration, DEFAULT_CALENDAR, False) == start + duration
