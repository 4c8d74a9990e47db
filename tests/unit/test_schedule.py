"""Deadlines and timers of a request (``domain.schedule``) and the deadline use cases
(``domain.services.deadlines``: re-planning, extensions, follow-ups, the sweep),
against in-memory fakes; hypothesis properties for ``plan`` and ``pick``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.enums import Action, FollowUpReason, RequestStatus, TimerKind, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.lifecycle import MAX_TEXT_LENGTH, RequestState
from domain.schedule import (
    ACCEPT_TIMERS,
    COMPLETE_TIMERS,
    EXTENSIONS,
    Firing,
    SlaClocks,
    clocks_after,
    extend,
    pick,
    plan,
    resident_wrote,
)
from domain.services.deadlines import (
    ESCALATION_CALL_DATA,
    ESCALATION_CONTACTED_DATA,
    ESCALATION_EXTEND_DATA,
    OpenFollowUp,
    close_follow_up,
    escalation_buttons,
    extend_deadline,
    mark_contacted,
    open_follow_up,
    replan_batch,
    reschedule,
    reschedule_as_stored,
    resident_call_info,
    sweep,
)
from domain.sla import (
    DEFAULT_CALENDAR,
    Hold,
    QuietHours,
    SlaConfig,
    deadline,
    working_time_between,
)
from tests.unit.factories import (
    ADMIN,
    AUTHOR,
    BUILDING,
    EXECUTOR,
    MANAGER,
    OTHER_EXECUTOR,
    T0,
    FakeAudit,
    FakeOutbox,
    FakeSchedule,
    admin,
    executor,
    make_request,
    manager,
)

TASHKENT = ZoneInfo("Asia/Tashkent")
H = timedelta(hours=1)
M = timedelta(minutes=1)
ZERO = timedelta(0)
CONFIG = SlaConfig()
OTHER_MANAGER = 3001

_S = RequestStatus
WAITING = (_S.NEW, _S.ASSIGNED)
WORKING = (_S.NEW, _S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.RETURNED)
DEADLINE_KINDS = (*ACCEPT_TIMERS, *COMPLETE_TIMERS)
SEVERITY = (
    TimerKind.COMPLETE_CRITICAL,
    TimerKind.ACCEPT_CRITICAL,
    TimerKind.COMPLETE_OVERDUE,
    TimerKind.ACCEPT_OVERDUE,
    TimerKind.COMPLETE_REMINDER,
    TimerKind.ACCEPT_REMINDER,
)

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TASHKENT).astimezone(UTC)


def request(status: RequestStatus = _S.NEW, **overrides: Any) -> RequestState:
    return make_request(status, **overrides)


# --------------------------------------------------------------------------- strategies

instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)).map(
    lambda value: value.replace(tzinfo=UTC)
)
urgencies = st.sampled_from(list(Urgency))
statuses = st.sampled_from(list(RequestStatus))
extensions = st.integers(min_value=0, max_value=7 * 24 * 60).map(lambda m: m * M)
offsets = st.integers(min_value=0, max_value=10 * 24 * 60).map(lambda m: m * M)
lengths = st.integers(min_value=1, max_value=3 * 24 * 60).map(lambda m: m * M)


def target_of(state: RequestState) -> Any:
    return CONFIG.policy.target_for(state.category, state.urgency)


def point(start: datetime, duration: timedelta, business: bool, holds: Sequence[Hold] = ()) -> Any:
    return deadline(start, duration, DEFAULT_CALENDAR, business, holds)


# --------------------------------------------------------------------------- plan: examples


def test_plan_of_a_new_normal_request() -> None:
    planned = plan(request(), SlaClocks.started(T0), CONFIG)  # Monday 11:00 in Tashkent
    assert planned.accept_due == local(2025, 3, 10, 15, 0)  # 4 business hours
    assert planned.complete_due == local(2025, 3, 13, 11, 0)  # 7 + 9 + 9 + 2 business hours
    assert planned.timers == {
        TimerKind.ACCEPT_REMINDER: local(2025, 3, 10, 14, 0),
        TimerKind.ACCEPT_OVERDUE: local(2025, 3, 10, 15, 0),
        TimerKind.ACCEPT_CRITICAL: local(2025, 3, 10, 17, 0),
        TimerKind.COMPLETE_REMINDER: local(2025, 3, 12, 13, 15),  # 20.25 h
        TimerKind.COMPLETE_OVERDUE: local(2025, 3, 13, 11, 0),
        TimerKind.COMPLETE_CRITICAL: local(2025, 3, 14, 15, 30),  # 40.5 h
    }


def test_plan_of_an_emergency_counts_calendar_time() -> None:
    friday_night = local(2025, 3, 14, 23, 0)
    planned = plan(request(urgency=Urgency.EMERGENCY), SlaClocks.started(friday_night), CONFIG)
    assert planned.accept_due == friday_night + 15 * M
    assert planned.complete_due == friday_night + 4 * H
    assert planned.timers[TimerKind.ACCEPT_REMINDER] == friday_night + timedelta(minutes=11.25)
    assert planned.timers[TimerKind.COMPLETE_CRITICAL] == friday_night + 6 * H


def test_final_statuses_have_no_timers_but_a_follow_up() -> None:
    clocks = SlaClocks.started(T0)
    for status in (_S.CLOSED, _S.REJECTED, _S.CANCELLED):
        assert plan(request(status), clocks, CONFIG).timers == {}
    due = T0 + 24 * H
    planned = plan(request(_S.CLOSED), clocks, CONFIG, follow_up_due=due)
    assert planned.timers == {TimerKind.FOLLOW_UP_OVERDUE: due}


def test_on_hold_has_no_completion_timers_and_no_completion_deadline() -> None:
    held: list[Hold] = [(T0 + H, None)]
    planned = plan(request(_S.ON_HOLD), SlaClocks.started(T0), CONFIG, held)
    assert planned.complete_due is None
    assert planned.timers == {}


def test_completed_request_waits_for_the_resident() -> None:
    clocks = SlaClocks(accept_from=T0, complete_from=T0, auto_accept_from=T0 + H)
    planned = plan(request(_S.COMPLETED), clocks, CONFIG)
    assert planned.timers == {
        TimerKind.AUTO_ACCEPT: T0 + 73 * H,
        TimerKind.AUTO_ACCEPT_REMINDER: T0 + 49 * H,
    }
    no_reminder = dataclasses.replace(CONFIG, auto_accept_reminder_before=72 * H)
    assert plan(request(_S.COMPLETED), clocks, no_reminder).timers == {
        TimerKind.AUTO_ACCEPT: T0 + 73 * H
    }
    # completed without a recorded completion instant (old rows): nothing to auto-accept
    assert plan(request(_S.COMPLETED), SlaClocks.started(T0), CONFIG).timers == {}


# --------------------------------------------------------------------------- plan: properties


@PROPS
@given(
    status=statuses,
    urgency=urgencies,
    start=instants,
    accept_ext=extensions,
    complete_ext=extensions,
    hold_at=offsets,
    hold_for=lengths,
    hold_open=st.booleans(),
)
def test_timers_are_ordered_and_accept_timers_only_while_waiting(
    status: RequestStatus,
    urgency: Urgency,
    start: datetime,
    accept_ext: timedelta,
    complete_ext: timedelta,
    hold_at: timedelta,
    hold_for: timedelta,
    hold_open: bool,
) -> None:
    state = request(status, urgency=urgency)
    clocks = SlaClocks(start, start, accept_ext, complete_ext, auto_accept_from=start)
    holds: list[Hold] = [(start + hold_at, None if hold_open else start + hold_at + hold_for)]
    planned = plan(state, clocks, CONFIG, holds)
    timers = planned.timers
    waiting = status in WAITING and state.accepted_at is None
    assert (TimerKind.ACCEPT_OVERDUE in timers) is waiting
    assert set(ACCEPT_TIMERS) <= set(timers) or not set(ACCEPT_TIMERS) & set(timers)
    for family in (ACCEPT_TIMERS, COMPLETE_TIMERS):
        at = [timers[kind] for kind in family if kind in timers]
        assert at == sorted(at)  # 75 % <= 100 % <= 150 %
    if waiting:
        assert timers[TimerKind.ACCEPT_OVERDUE] == planned.accept_due
    if status not in WORKING:
        assert not set(COMPLETE_TIMERS) & set(timers)
    elif TimerKind.COMPLETE_OVERDUE in timers:
        assert timers[TimerKind.COMPLETE_OVERDUE] == planned.complete_due
    if status is _S.COMPLETED:
        assert timers[TimerKind.AUTO_ACCEPT_REMINDER] < timers[TimerKind.AUTO_ACCEPT]
    else:
        assert TimerKind.AUTO_ACCEPT not in timers
    assert TimerKind.FOLLOW_UP_OVERDUE not in timers


@PROPS
@given(urgency=urgencies, start=instants, hold_at=offsets, status=st.sampled_from(WORKING))
def test_an_open_hold_stops_the_completion_clock(
    urgency: Urgency, start: datetime, hold_at: timedelta, status: RequestStatus
) -> None:
    state = request(status, urgency=urgency)
    clocks = SlaClocks.started(start)
    free = plan(state, clocks, CONFIG)
    hold_start = start + hold_at
    held = plan(state, clocks, CONFIG, [(hold_start, None)])
    for kind in COMPLETE_TIMERS:
        if free.timers[kind] <= hold_start:  # reached before the hold began
            assert held.timers[kind] == free.timers[kind]
        else:
            assert kind not in held.timers
    assert (held.complete_due is None) is (TimerKind.COMPLETE_OVERDUE not in held.timers)
    # the wait for acceptance is not paused by holds
    assert held.accept_due == free.accept_due
    on_hold = plan(request(_S.ON_HOLD, urgency=urgency), clocks, CONFIG, [(hold_start, None)])
    assert not set(COMPLETE_TIMERS) & set(on_hold.timers)


@PROPS
@given(
    urgency=urgencies,
    start=instants,
    hold_at=offsets,
    hold_for=lengths,
    status=st.sampled_from(WORKING),
)
def test_a_closed_hold_shifts_the_completion_timers(
    urgency: Urgency,
    start: datetime,
    hold_at: timedelta,
    hold_for: timedelta,
    status: RequestStatus,
) -> None:
    state = request(status, urgency=urgency)
    target = target_of(state)
    clocks = SlaClocks.started(start)
    hold: Hold = (start + hold_at, start + hold_at + hold_for)
    free = plan(state, clocks, CONFIG)
    held = plan(state, clocks, CONFIG, [hold])
    for kind, fraction in COMPLETE_TIMERS.items():
        assert held.timers[kind] >= free.timers[kind]
        if not target.business_hours:  # calendar time: by exactly the hold's overlap
            if hold[0] < free.timers[kind]:
                assert held.timers[kind] == free.timers[kind] + hold_for
            else:
                assert held.timers[kind] == free.timers[kind]
        worked = working_time_between(
            start, held.timers[kind], DEFAULT_CALENDAR, target.business_hours, [hold]
        )
        assert worked == target.complete * fraction
    assert held.accept_due == free.accept_due
    for kind in ACCEPT_TIMERS:
        assert held.timers.get(kind) == free.timers.get(kind)


@PROPS
@given(
    urgency=urgencies,
    start=instants,
    status=st.sampled_from(WORKING),
    key=st.sampled_from(sorted(EXTENSIONS)),
    earlier=extensions,
    hold_at=offsets,
    hold_for=lengths,
)
def test_an_extension_moves_the_running_deadline_by_exactly_the_extension(
    urgency: Urgency,
    start: datetime,
    status: RequestStatus,
    key: str,
    earlier: timedelta,
    hold_at: timedelta,
    hold_for: timedelta,
) -> None:
    state = request(status, urgency=urgency)
    holds: list[Hold] = [(start + hold_at, start + hold_at + hold_for)]
    clocks = SlaClocks(start, start, earlier, earlier)
    by = EXTENSIONS[key]
    before = plan(state, clocks, CONFIG, holds)
    extended = extend(clocks, state, by)
    after = plan(state, extended, CONFIG, holds)
    if status in WAITING:
        running, other = ACCEPT_TIMERS, COMPLETE_TIMERS
        assert extended.accept_extension == earlier + by
        assert after.accept_due == before.accept_due + by
        assert after.complete_due == before.complete_due
    else:
        running, other = COMPLETE_TIMERS, ACCEPT_TIMERS
        assert extended.complete_extension == earlier + by
        assert before.complete_due is not None
        assert after.complete_due == before.complete_due + by
        assert after.accept_due == before.accept_due
    for kind in running:
        assert after.timers[kind] == before.timers[kind] + by
    for kind in other:
        assert after.timers.get(kind) == before.timers.get(kind)


@PROPS
@given(
    urgency=urgencies,
    start=instants,
    later=st.integers(min_value=1, max_value=20 * 24 * 60).map(lambda m: m * M),
    earlier=extensions,
    from_status=st.sampled_from((_S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.RETURNED)),
    to_new_executor=st.booleans(),
)
def test_a_reassignment_restarts_the_accept_clock(
    urgency: Urgency,
    start: datetime,
    later: timedelta,
    earlier: timedelta,
    from_status: RequestStatus,
    to_new_executor: bool,
) -> None:
    now = start + later
    before = request(from_status, urgency=urgency)
    if to_new_executor:
        after = request(_S.ASSIGNED, urgency=urgency, assignee_id=OTHER_EXECUTOR)
        action = Action.REASSIGN
    else:
        after = request(_S.NEW, urgency=urgency)
        action = Action.UNASSIGN
    clocks = SlaClocks(start, start, earlier, earlier)
    restarted = clocks_after(clocks, before, after, action, now)
    assert restarted.accept_from == now
    assert restarted.accept_extension == ZERO
    assert (restarted.complete_from, restarted.complete_extension) == (start, earlier)
    target = target_of(after)
    planned = plan(after, restarted, CONFIG)
    assert planned.accept_due == point(now, target.accept, target.business_hours)
    for kind, fraction in ACCEPT_TIMERS.items():
        assert planned.timers[kind] == point(now, target.accept * fraction, target.business_hours)
        assert planned.timers[kind] > now
    # the first assignment of a new request keeps the clock running from filing
    first = clocks_after(clocks, request(_S.NEW), request(_S.ASSIGNED), Action.ASSIGN, now)
    assert first == clocks
    # the same executor throughout: nothing restarts
    assert clocks_after(clocks, before, before, Action.START, now) == clocks


@PROPS
@given(
    urgency=urgencies,
    start=instants,
    done_after=st.integers(min_value=1, max_value=10 * 24 * 60).map(lambda m: m * M),
    returned_after=st.integers(min_value=0, max_value=71 * 60).map(lambda m: m * M),
    earlier=extensions,
)
def test_a_return_restarts_the_complete_clock_and_drops_the_auto_accept(
    urgency: Urgency,
    start: datetime,
    done_after: timedelta,
    returned_after: timedelta,
    earlier: timedelta,
) -> None:
    completed_at = start + done_after
    clocks = SlaClocks(start, start, earlier, earlier)
    working = request(_S.IN_PROGRESS, urgency=urgency)
    completed = request(_S.COMPLETED, urgency=urgency)
    done = clocks_after(clocks, working, completed, Action.COMPLETE, completed_at)
    assert done.auto_accept_from == completed_at
    waiting = plan(completed, done, CONFIG)
    assert waiting.timers == {
        TimerKind.AUTO_ACCEPT: completed_at + CONFIG.auto_accept_after,
        TimerKind.AUTO_ACCEPT_REMINDER: completed_at
        + CONFIG.auto_accept_after
        - CONFIG.auto_accept_reminder_before,
    }
    assert waiting.timers[TimerKind.AUTO_ACCEPT_REMINDER] > completed_at

    # the resident answers: the auto-accept waits again from then
    wrote_at = completed_at + returned_after
    answered = resident_wrote(done, completed, wrote_at)
    assert plan(completed, answered, CONFIG).timers[TimerKind.AUTO_ACCEPT] == (
        wrote_at + CONFIG.auto_accept_after
    )
    assert resident_wrote(done, working, wrote_at) is done  # only a completed request waits

    returned = request(_S.RETURNED, urgency=urgency, completed_at=None)
    again = clocks_after(answered, completed, returned, Action.RETURN_WORK, wrote_at)
    assert again.complete_from == wrote_at
    assert again.complete_extension == ZERO
    assert again.auto_accept_from is None
    assert (again.accept_from, again.accept_extension) == (start, earlier)
    planned = plan(returned, again, CONFIG)
    target = target_of(returned)
    assert TimerKind.AUTO_ACCEPT not in planned.timers
    assert TimerKind.AUTO_ACCEPT_REMINDER not in planned.timers
    for kind, fraction in COMPLETE_TIMERS.items():
        assert planned.timers[kind] == point(
            wrote_at, target.complete * fraction, target.business_hours
        )


def test_follow_up_timer_rides_along() -> None:
    due = T0 + 3 * H
    planned = plan(request(_S.IN_PROGRESS), SlaClocks.started(T0), CONFIG, follow_up_due=due)
    assert planned.timers[TimerKind.FOLLOW_UP_OVERDUE] == due


# --------------------------------------------------------------------------- pick

QUIET_NIGHT = local(2025, 3, 10, 23, 0)  # Monday 23:00 in Tashkent


def test_quiet_hours_postpone_a_normal_request_to_eight_in_the_morning() -> None:
    due = {TimerKind.COMPLETE_REMINDER}
    firing = pick(due, request(_S.IN_PROGRESS), QUIET_NIGHT, CONFIG, follow_up_open=False)
    assert firing == Firing(announce=(), postponed_until=local(2025, 3, 11, 8, 0))
    early = local(2025, 3, 11, 3, 0)
    firing = pick(due, request(_S.IN_PROGRESS), early, CONFIG, follow_up_open=False)
    assert firing.postponed_until == local(2025, 3, 11, 8, 0)
    urgent = request(_S.IN_PROGRESS, urgency=Urgency.URGENT)
    assert pick(due, urgent, QUIET_NIGHT, CONFIG, follow_up_open=False).postponed_until


def test_quiet_hours_never_hold_back_an_emergency() -> None:
    emergency = request(_S.IN_PROGRESS, urgency=Urgency.EMERGENCY)
    firing = pick(
        {TimerKind.COMPLETE_OVERDUE}, emergency, QUIET_NIGHT, CONFIG, follow_up_open=False
    )
    assert firing == Firing(announce=(TimerKind.COMPLETE_OVERDUE,))


def test_no_quiet_hours_configured() -> None:
    config = dataclasses.replace(CONFIG, quiet=QuietHours(time(0), time(0)))
    firing = pick({TimerKind.ACCEPT_REMINDER}, request(), QUIET_NIGHT, config, follow_up_open=False)
    assert firing.announce == (TimerKind.ACCEPT_REMINDER,)


@PROPS
@given(
    day=st.integers(min_value=0, max_value=700),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    urgency=urgencies,
    due=st.sets(st.sampled_from(DEADLINE_KINDS), min_size=1),
)
def test_quiet_hours_property(day: int, minute: int, urgency: Urgency, due: set[TimerKind]) -> None:
    now = local(2025, 1, 1, 0, 0) + timedelta(days=day, minutes=minute)
    wall = now.astimezone(TASHKENT)
    quiet = wall.time() >= time(22) or wall.time() < time(8)
    firing = pick(due, request(urgency=urgency), now, CONFIG, follow_up_open=False)
    if quiet and urgency is not Urgency.EMERGENCY:
        assert firing.announce == ()
        assert firing.postponed_until is not None
        until = firing.postponed_until.astimezone(TASHKENT)
        assert until.time() == time(8)
        assert now < firing.postponed_until <= now + 10 * H
    else:
        assert firing.postponed_until is None
        assert len([k for k in firing.announce if k in DEADLINE_KINDS]) == 1


@PROPS
@given(
    due=st.sets(
        st.sampled_from([*DEADLINE_KINDS, TimerKind.AUTO_ACCEPT_REMINDER, TimerKind.AUTO_ACCEPT]),
        min_size=1,
    ),
    status=statuses,
)
def test_due_timers_are_coalesced_to_the_most_severe_relevant_one(
    due: set[TimerKind], status: RequestStatus
) -> None:
    state = request(status)
    noon = local(2025, 3, 10, 12, 0)
    firing = pick(due, state, noon, CONFIG, follow_up_open=False)
    relevant = set()
    if status in WAITING:
        relevant |= set(ACCEPT_TIMERS)
    if status in WORKING:
        relevant |= set(COMPLETE_TIMERS)
    expected = [kind for kind in SEVERITY if kind in due & relevant][:1]
    if status is _S.COMPLETED:
        if TimerKind.AUTO_ACCEPT in due:
            expected.append(TimerKind.AUTO_ACCEPT)
        elif TimerKind.AUTO_ACCEPT_REMINDER in due:
            expected.append(TimerKind.AUTO_ACCEPT_REMINDER)
    assert firing == Firing(announce=tuple(expected))


def test_stale_timers_are_not_announced() -> None:
    noon = local(2025, 3, 10, 12, 0)
    accepted = request(_S.ACCEPTED)
    assert pick(set(ACCEPT_TIMERS), accepted, noon, CONFIG, follow_up_open=False).announce == ()
    # an assigned request that was accepted already (row not yet re-planned) is not waiting
    odd = request(_S.ASSIGNED, accepted_at=T0)
    assert pick(set(ACCEPT_TIMERS), odd, noon, CONFIG, follow_up_open=False).announce == ()
    completed = request(_S.COMPLETED)
    assert pick(set(DEADLINE_KINDS), completed, noon, CONFIG, follow_up_open=False).announce == ()
    closed = request(_S.CLOSED)
    every = set(TimerKind)
    assert pick(every, closed, noon, CONFIG, follow_up_open=False).announce == ()
    assert pick(every, closed, noon, CONFIG, follow_up_open=True).announce == (
        TimerKind.FOLLOW_UP_OVERDUE,
    )
    assert (
        pick(
            {TimerKind.AUTO_ACCEPT}, request(_S.RETURNED), noon, CONFIG, follow_up_open=False
        ).announce
        == ()
    )


# --------------------------------------------------------------------------- use cases: fakes


class FakeRequests:
    def __init__(self) -> None:
        self.states: dict[int, RequestState] = {}
        self.locked: list[int] = []

    async def get_state(self, request_id: int, *, for_update: bool = False) -> RequestState | None:
        if for_update:
            self.locked.append(request_id)
        return self.states.get(request_id)


class FakePeople:
    def __init__(self) -> None:
        self.managers: dict[int, list[int]] = {BUILDING: [MANAGER, OTHER_MANAGER]}
        self.admin_ids = [ADMIN, MANAGER]  # a manager who is an admin too gets one message

    async def managers_of(self, building_id: int) -> list[int]:
        return list(self.managers.get(building_id, []))

    async def admins(self) -> list[int]:
        return list(self.admin_ids)


class FakeUow:
    def __init__(self) -> None:
        self.schedule = FakeSchedule()
        self.requests = FakeRequests()
        self.schedule.states = self.requests.states
        self.directory = FakePeople()
        self.outbox = FakeOutbox()
        self.audit = FakeAudit()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    def put(self, state: RequestState) -> RequestState:
        self.requests.states[state.id] = state
        return state

    def sent(self) -> list[tuple[int, str]]:
        return [(note.chat_id, note.template) for note in self.outbox.notes]


class AutoAccepted:
    def __init__(self) -> None:
        self.calls: list[tuple[int, datetime]] = []

    async def __call__(self, request_id: int, now: datetime) -> None:
        self.calls.append((request_id, now))


@pytest.fixture
def uow() -> FakeUow:
    return FakeUow()


# --------------------------------------------------------------------------- re-planning


async def test_reschedule_stores_the_plan_and_reads_holds_only_when_paused(uow: FakeUow) -> None:
    state = uow.put(request(_S.IN_PROGRESS))
    uow.schedule.held[state.id] = [(T0, None)]  # ignored: never paused
    planned = await reschedule_as_stored(uow.schedule, state, T0)
    assert uow.schedule.plans[state.id] == planned
    assert TimerKind.COMPLETE_OVERDUE in planned.timers

    paused = uow.put(request(_S.ON_HOLD, id=2))
    uow.schedule.held[paused.id] = [(T0 - H, None)]
    planned = await reschedule_as_stored(uow.schedule, paused, T0)
    assert planned.complete_due is None

    resumed = uow.put(request(_S.IN_PROGRESS, id=3, held_seconds=3600))
    uow.schedule.held[resumed.id] = [(T0 - H, T0)]  # 10:00-11:00 on Monday
    free = plan(resumed, await uow.schedule.clocks(resumed.id), CONFIG)
    shifted = await reschedule_as_stored(uow.schedule, resumed, T0)
    assert shifted.complete_due is not None
    assert free.complete_due is not None
    assert shifted.complete_due > free.complete_due


async def test_open_follow_up_is_planned(uow: FakeUow) -> None:
    state = uow.put(request(_S.CLOSED, rating=2))
    await open_follow_up(uow.schedule, state, FollowUpReason.LOW_RATING, T0, CONFIG)
    planned = await reschedule_as_stored(uow.schedule, state, T0)
    assert planned.timers == {TimerKind.FOLLOW_UP_OVERDUE: T0 + CONFIG.follow_up_within}


# --------------------------------------------------------------------------- extensions


async def test_extend_the_accept_deadline(uow: FakeUow) -> None:
    state = uow.put(request(_S.ASSIGNED))
    before = await reschedule_as_stored(uow.schedule, state, T0)
    planned = await extend_deadline(uow, manager(), state.id, "2h", T0)
    assert planned.accept_due == before.accept_due + 2 * H
    assert uow.schedule.stored_clocks[state.id].accept_extension == 2 * H
    assert uow.requests.locked == [state.id]
    assert uow.commits == 1
    (record,) = uow.audit.records
    assert record[:4] == (MANAGER, "request.deadline_extended", "request", str(state.id))
    assert record[4] == {"by": "2h", "due": planned.accept_due.isoformat()}
    (note,) = uow.outbox.notes
    assert (note.chat_id, note.template) == (EXECUTOR, "sla-extended-executor")
    assert note.params["due"] == "10.03.2025 15:00"  # filed 06:00: 09:00 + 4 h + 2 h, local


async def test_extend_the_complete_deadline_without_an_executor_to_tell(uow: FakeUow) -> None:
    state = uow.put(request(_S.IN_PROGRESS, assignee_id=MANAGER))  # the manager works it
    before = await reschedule_as_stored(uow.schedule, state, T0)
    planned = await extend_deadline(uow, manager(), state.id, "1d", T0)
    assert before.complete_due is not None
    assert planned.complete_due == before.complete_due + timedelta(days=1)
    assert uow.audit.records[0][4]["due"] == planned.complete_due.isoformat()
    assert uow.outbox.notes == []


async def test_extend_a_completion_stopped_by_a_hold_reports_no_due(uow: FakeUow) -> None:
    state = uow.put(request(_S.ACCEPTED, held_seconds=60, assignee_id=None))
    uow.schedule.held[state.id] = [(T0 - 6 * H, None)]
    planned = await extend_deadline(uow, admin(), state.id, "2h", T0)
    assert planned.complete_due is None
    assert uow.audit.records[0][4] == {"by": "2h", "due": None}


async def test_extension_rules(uow: FakeUow) -> None:
    state = uow.put(request(_S.IN_PROGRESS))
    with pytest.raises(ValidationFailed):
        await extend_deadline(uow, manager(), state.id, "3w", T0)
    with pytest.raises(NotAllowed):
        await extend_deadline(uow, executor(), state.id, "2h", T0)
    with pytest.raises(NotAllowed):
        await extend_deadline(uow, manager(), 404, "2h", T0)
    for status in (_S.ON_HOLD, _S.COMPLETED, _S.CLOSED, _S.CANCELLED, _S.REJECTED):
        uow.put(request(status, id=7))
        with pytest.raises(ValidationFailed) as error:
            await extend_deadline(uow, manager(), 7, "2h", T0)
        assert error.value.key == "sla-error-nothing-to-extend"
    assert uow.commits == 0


# --------------------------------------------------------------------------- call, contacted, follow-ups


async def test_resident_call_info_and_contacted(uow: FakeUow) -> None:
    state = uow.put(request(_S.IN_PROGRESS))
    facts = await resident_call_info(uow, manager(), state.id)
    assert (facts.author_name, facts.author_phone) == ("Aziza", "+998901234567")
    with pytest.raises(NotAllowed):
        await resident_call_info(uow, manager(MANAGER, managed_building_ids=frozenset()), 1)
    assert await mark_contacted(uow, manager(), state.id, T0) == state
    assert uow.audit.records == [
        (MANAGER, "request.resident_contacted", "request", "1", {"at": T0.isoformat()})
    ]
    assert uow.commits == 1


async def test_close_follow_up(uow: FakeUow) -> None:
    state = uow.put(request(_S.CLOSED, rating=1))
    with pytest.raises(ValidationFailed) as error:
        await close_follow_up(uow, manager(), state.id, "  ", T0)
    assert error.value.key == "follow-up-error-comment-required"
    with pytest.raises(ValidationFailed) as error:
        await close_follow_up(uow, manager(), state.id, "x" * (MAX_TEXT_LENGTH + 1), T0)
    assert error.value.key == "error-text-too-long"
    with pytest.raises(ValidationFailed) as error:
        await close_follow_up(uow, manager(), state.id, "called", T0)
    assert error.value.key == "follow-up-error-none-open"

    await open_follow_up(uow.schedule, state, FollowUpReason.LOW_RATING, T0, CONFIG)
    await reschedule_as_stored(uow.schedule, state, T0)
    assert TimerKind.FOLLOW_UP_OVERDUE in uow.schedule.plans[state.id].timers
    closed = await close_follow_up(uow, manager(), state.id, "  called, fixed  ", T0 + H)
    assert closed.reason is FollowUpReason.LOW_RATING
    assert uow.schedule.closed == [(closed.id, MANAGER, "called, fixed")]
    assert uow.schedule.plans[state.id].timers == {}  # re-planned without the follow-up
    assert uow.audit.records[-1][1] == "request.follow_up_closed"
    assert uow.audit.records[-1][4] == {"reason": "low_rating", "comment": "called, fixed"}
    assert uow.commits == 1


def test_escalation_buttons() -> None:
    rows = escalation_buttons(5)
    data = [button.callback_data for row in rows for button in row]
    assert ESCALATION_EXTEND_DATA.format(request_id=5, by="2h") in data
    assert ESCALATION_EXTEND_DATA.format(request_id=5, by="1d") in data
    assert ESCALATION_CALL_DATA.format(request_id=5) in data
    assert ESCALATION_CONTACTED_DATA.format(request_id=5) in data
    assert rows[1][0].text_key == "sla-btn-extend-2h"


# --------------------------------------------------------------------------- the sweep

NOON = local(2025, 3, 10, 12, 0)


async def test_an_idle_sweep_does_nothing(uow: FakeUow) -> None:
    report = await sweep(uow, NOON, AutoAccepted())
    assert report.idle
    assert uow.commits == 0


async def test_catch_up_announces_only_the_most_severe_timer(uow: FakeUow) -> None:
    state = uow.put(request(_S.NEW, urgency=Urgency.URGENT))
    filed = NOON - 3 * H
    planned = await reschedule(
        uow.schedule, state, filed, clocks=SlaClocks.started(filed), follow_up=None
    )
    for kind, at in planned.timers.items():
        uow.schedule.arm(state.id, kind, at)
    late = planned.timers[TimerKind.ACCEPT_CRITICAL] + 10 * M
    report = await sweep(uow, late, AutoAccepted())
    assert (report.claimed, report.announced, report.postponed) == (3, 1, 0)
    assert set(uow.schedule.fired) == {1, 2, 3}  # the three accept timers, done
    assert uow.sent() == [
        (MANAGER, "sla-escalation-critical"),
        (OTHER_MANAGER, "sla-escalation-critical"),
        (ADMIN, "sla-escalation-critical"),
    ]
    keys = [note.dedupe_key for note in uow.outbox.notes]
    assert keys == [f"sla:1:accept_critical:{user}" for user in (MANAGER, OTHER_MANAGER, ADMIN)]
    params = uow.outbox.notes[0].params
    assert params["phase"] == {"key": "sla-phase-accept"}
    assert params["address"] == "Navoi 5"
    assert params["executor"] == "—"
    assert params["due"] == "10.03.2025 10:00"  # the stored accept deadline, local
    assert uow.outbox.notes[0].buttons == escalation_buttons(state.id)
    assert uow.commits == 1
    # nothing left: the next sweep is idle
    assert (await sweep(uow, late, AutoAccepted())).idle


async def test_sweep_limit_and_several_requests(uow: FakeUow) -> None:
    for request_id in (1, 2, 3):
        uow.put(request(_S.ASSIGNED, id=request_id))
        uow.schedule.arm(request_id, TimerKind.ACCEPT_REMINDER, NOON - H)
    report = await sweep(uow, NOON, AutoAccepted(), limit=2)
    assert (report.claimed, report.announced) == (2, 2)
    assert uow.sent() == [(EXECUTOR, "sla-reminder-accept")] * 2
    report = await sweep(uow, NOON, AutoAccepted(), limit=2)
    assert (report.claimed, report.announced) == (1, 1)


async def test_quiet_hours_postpone_the_sweep(uow: FakeUow) -> None:
    normal = uow.put(request(_S.IN_PROGRESS, id=1))
    emergency = uow.put(request(_S.IN_PROGRESS, id=2, urgency=Urgency.EMERGENCY))
    uow.schedule.arm(normal.id, TimerKind.COMPLETE_REMINDER, QUIET_NIGHT - M)
    uow.schedule.arm(emergency.id, TimerKind.COMPLETE_REMINDER, QUIET_NIGHT - M)
    report = await sweep(uow, QUIET_NIGHT, AutoAccepted())
    assert (report.claimed, report.announced, report.postponed) == (2, 1, 1)
    morning = local(2025, 3, 11, 8, 0)
    assert uow.schedule.postponed == {1: morning}
    assert set(uow.schedule.fired) == {2}
    assert uow.sent() == [(EXECUTOR, "sla-reminder-complete")]
    assert uow.outbox.notes[0].params["phase"] == {"key": "sla-phase-complete"}
    # still quiet: nothing claimable; in the morning the reminder goes out
    assert (await sweep(uow, QUIET_NIGHT + H, AutoAccepted())).idle
    report = await sweep(uow, morning, AutoAccepted())
    assert (report.claimed, report.announced) == (1, 1)


async def test_reminders_of_an_unassigned_request_go_to_the_managers(uow: FakeUow) -> None:
    state = uow.put(request(_S.NEW))
    uow.schedule.arm(state.id, TimerKind.ACCEPT_REMINDER, NOON)
    await sweep(uow, NOON, AutoAccepted())
    assert uow.sent() == [
        (MANAGER, "sla-reminder-unassigned"),
        (OTHER_MANAGER, "sla-reminder-unassigned"),
    ]
    assert uow.outbox.notes[0].params["due"] == "—"  # nothing stored for the request


async def test_overdue_goes_to_the_managers(uow: FakeUow) -> None:
    state = uow.put(request(_S.IN_PROGRESS))
    uow.schedule.arm(state.id, TimerKind.COMPLETE_OVERDUE, NOON)
    uow.schedule.arm(state.id, TimerKind.COMPLETE_REMINDER, NOON - H)
    report = await sweep(uow, NOON, AutoAccepted())
    assert (report.claimed, report.announced) == (2, 1)
    assert uow.sent() == [(MANAGER, "sla-escalation"), (OTHER_MANAGER, "sla-escalation")]


async def test_auto_accept_and_its_reminder(uow: FakeUow) -> None:
    state = uow.put(request(_S.COMPLETED))
    clocks = SlaClocks(T0, T0, auto_accept_from=T0)
    planned = await reschedule(uow.schedule, state, T0, clocks=clocks, follow_up=None)
    reminder_at = planned.timers[TimerKind.AUTO_ACCEPT_REMINDER]
    auto_at = planned.timers[TimerKind.AUTO_ACCEPT]
    uow.schedule.arm(state.id, TimerKind.AUTO_ACCEPT_REMINDER, reminder_at)
    uow.schedule.arm(state.id, TimerKind.AUTO_ACCEPT, auto_at)
    accepted = AutoAccepted()
    report = await sweep(uow, reminder_at, accepted)
    assert (report.announced, report.auto_accepted) == (1, 0)
    assert uow.sent() == [(AUTHOR, "auto-accept-reminder")]
    assert uow.outbox.notes[0].params["at"] == "13.03.2025 11:00"  # T0 + 72 h, local
    report = await sweep(uow, auto_at, accepted)
    assert (report.announced, report.auto_accepted) == (1, 1)
    assert accepted.calls == [(state.id, auto_at)]
    assert len(uow.outbox.notes) == 1


async def test_follow_up_overdue_is_announced_while_open_and_late(uow: FakeUow) -> None:
    state = uow.put(request(_S.CLOSED))
    uow.schedule.follow_ups[state.id] = OpenFollowUp(9, FollowUpReason.RETURNED, NOON - H, NOON)
    uow.schedule.arm(state.id, TimerKind.FOLLOW_UP_OVERDUE, NOON)
    report = await sweep(uow, NOON - M, AutoAccepted())
    assert report.idle
    report = await sweep(uow, NOON, AutoAccepted())
    assert report.announced == 1
    assert uow.sent() == [(MANAGER, "follow-up-overdue"), (OTHER_MANAGER, "follow-up-overdue")]
    params = uow.outbox.notes[0].params
    assert params["reason"] == {"key": "follow-up-reason-returned"}
    assert params["due"] == "10.03.2025 12:00"
    # a follow-up that is no longer open: the timer is simply done
    other = uow.put(request(_S.CLOSED, id=2))
    uow.schedule.arm(other.id, TimerKind.FOLLOW_UP_OVERDUE, NOON)
    report = await sweep(uow, NOON + H, AutoAccepted())
    assert (report.claimed, report.announced) == (1, 0)
    assert 2 in uow.schedule.fired


async def test_critical_escalation_of_the_completion(uow: FakeUow) -> None:
    state = uow.put(request(_S.RETURNED))
    uow.directory.managers = {}  # nobody manages the building: the admins hear of it
    for kind in COMPLETE_TIMERS:
        uow.schedule.arm(state.id, kind, NOON - H)
    report = await sweep(uow, NOON, AutoAccepted())
    assert (report.claimed, report.announced) == (3, 1)
    assert uow.sent() == [
        (ADMIN, "sla-escalation-critical"),
        (MANAGER, "sla-escalation-critical"),
    ]


async def test_replan_batch_walks_the_planned_requests_in_id_order(uow: FakeUow) -> None:
    for request_id in (1, 2, 3):
        uow.put(request(_S.ASSIGNED, id=request_id))
    assert await replan_batch(uow, 0, T0, limit=2) == 2
    assert uow.requests.locked == [1, 2] and uow.commits == 1
    assert set(uow.schedule.plans) == {1, 2}
    assert await replan_batch(uow, 2, T0, limit=2) == 3
    assert await replan_batch(uow, 3, T0, limit=2) is None
    assert set(uow.schedule.plans) == {1, 2, 3} and uow.commits == 2


def test_reminder_at_75_managers_at_100_admins_at_150_percent() -> None:
    assert dict(ACCEPT_TIMERS) == {
        TimerKind.ACCEPT_REMINDER: 0.75,
        TimerKind.ACCEPT_OVERDUE: 1.0,
        TimerKind.ACCEPT_CRITICAL: 1.5,
    }
    assert dict(COMPLETE_TIMERS) == {
        TimerKind.COMPLETE_REMINDER: 0.75,
        TimerKind.COMPLETE_OVERDUE: 1.0,
        TimerKind.COMPLETE_CRITICAL: 1.5,
    }
