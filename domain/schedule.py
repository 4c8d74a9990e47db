"""A request's deadlines and its pending timers, derived from a few stored facts.

``SlaClocks`` is what is stored with a request: when each clock started and by
how much a manager extended it. ``plan`` turns the clocks, the request's
state, its holds and the desk's ``SlaConfig`` into the two deadlines and the
timer instants (reminder at 75 %, escalation to managers at 100 %, to admins
at 150 %, the auto-accept and its reminder, a late follow-up). It is pure and
cheap, so every transition simply recomputes everything; the storage keeps one
row per pending timer and the sweeper fires what is due (``pick``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.enums import Action, RequestStatus, TimerKind, Urgency
from domain.model import RequestState
from domain.sla import Hold, SlaConfig, deadline

__all__ = [
    "ACCEPT_TIMERS",
    "COMPLETE_TIMERS",
    "EXTENSIONS",
    "Firing",
    "Schedule",
    "SlaClocks",
    "clocks_after",
    "extend",
    "pick",
    "plan",
    "resident_wrote",
]

_S = RequestStatus

ACCEPT_TIMERS: Mapping[TimerKind, float] = {
    TimerKind.ACCEPT_REMINDER: 0.75,
    TimerKind.ACCEPT_OVERDUE: 1.0,
    TimerKind.ACCEPT_CRITICAL: 1.5,
}
COMPLETE_TIMERS: Mapping[TimerKind, float] = {
    TimerKind.COMPLETE_REMINDER: 0.75,
    TimerKind.COMPLETE_OVERDUE: 1.0,
    TimerKind.COMPLETE_CRITICAL: 1.5,
}

EXTENSIONS: Mapping[str, timedelta] = {"2h": timedelta(hours=2), "1d": timedelta(days=1)}
"""The escalation card's one-tap extensions."""

_WAITING_FOR_ACCEPT = frozenset({_S.NEW, _S.ASSIGNED})
_WORKING = frozenset({_S.NEW, _S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.RETURNED})

# The most severe first: when a sweep finds several due timers of one request
# (say, after the bot was down), only the first of them is announced.
_SEVERITY: tuple[TimerKind, ...] = (
    TimerKind.COMPLETE_CRITICAL,
    TimerKind.ACCEPT_CRITICAL,
    TimerKind.COMPLETE_OVERDUE,
    TimerKind.ACCEPT_OVERDUE,
    TimerKind.COMPLETE_REMINDER,
    TimerKind.ACCEPT_REMINDER,
)


@dataclass(frozen=True, slots=True)
class SlaClocks:
    """When the request's clocks started and how far managers extended them.

    ``accept_from`` restarts when another executor takes over; ``complete_from``
    when the resident returns the work; ``auto_accept_from`` is when the work
    was completed or the resident last wrote since.
    """

    accept_from: datetime
    complete_from: datetime
    accept_extension: timedelta = timedelta(0)
    complete_extension: timedelta = timedelta(0)
    auto_accept_from: datetime | None = None
    incident_due: datetime | None = None
    """The target of the outage incident the request is linked to: while set, the
    request's completion deadline is the incident's (and nobody is chased to accept
    it: the incident is the work)."""

    @classmethod
    def started(cls, at: datetime) -> SlaClocks:
        return cls(accept_from=at, complete_from=at)


@dataclass(frozen=True, slots=True)
class Schedule:
    accept_due: datetime
    complete_due: datetime | None
    """``None`` while an open hold stops the clock."""
    timers: Mapping[TimerKind, datetime]


def clocks_after(
    clocks: SlaClocks, before: RequestState, after: RequestState, action: Action, now: datetime
) -> SlaClocks:
    """The clocks once ``action`` moved the request from ``before`` to ``after``."""
    if before.assignee_id is not None and after.assignee_id != before.assignee_id:
        # A new executor (or none yet) gets a whole time to accept.
        clocks = dataclasses.replace(clocks, accept_from=now, accept_extension=timedelta(0))
    if action is Action.RETURN_WORK:
        clocks = dataclasses.replace(
            clocks, complete_from=now, complete_extension=timedelta(0), auto_accept_from=None
        )
    if after.status is _S.COMPLETED and before.status is not _S.COMPLETED:
        clocks = dataclasses.replace(clocks, auto_accept_from=now)
    return clocks


def resident_wrote(clocks: SlaClocks, state: RequestState, now: datetime) -> SlaClocks:
    """The resident answered a completed request: the auto-accept waits again."""
    if state.status is not _S.COMPLETED:
        return clocks
    return dataclasses.replace(clocks, auto_accept_from=now)


def extend(clocks: SlaClocks, state: RequestState, by: timedelta) -> SlaClocks:
    """A manager extends the running deadline: accepting, or else completing."""
    if state.accepted_at is None and state.status in _WAITING_FOR_ACCEPT:
        return dataclasses.replace(clocks, accept_extension=clocks.accept_extension + by)
    return dataclasses.replace(clocks, complete_extension=clocks.complete_extension + by)


def plan(
    state: RequestState,
    clocks: SlaClocks,
    config: SlaConfig,
    holds: Sequence[Hold] = (),
    follow_up_due: datetime | None = None,
) -> Schedule:
    """The deadlines and the pending timers of a request as of its current state."""
    target = config.policy.target_for(state.category, state.urgency)
    calendar, business = config.calendar, target.business_hours

    def accept_point(fraction: float) -> datetime:
        # Holds pause the work, not the wait for an executor to take it.
        due = deadline(clocks.accept_from, target.accept * fraction, calendar, business)
        assert due is not None  # no holds, so always known
        return due + clocks.accept_extension

    def complete_point(fraction: float) -> datetime | None:
        due = deadline(clocks.complete_from, target.complete * fraction, calendar, business, holds)
        return None if due is None else due + clocks.complete_extension

    if clocks.incident_due is not None and state.status in _WORKING | {_S.ON_HOLD}:
        return _incident_plan(state, clocks, clocks.incident_due, follow_up_due)

    timers: dict[TimerKind, datetime] = {}
    if state.status in _WAITING_FOR_ACCEPT and state.accepted_at is None:
        for kind, fraction in ACCEPT_TIMERS.items():
            timers[kind] = accept_point(fraction)
    if state.status in _WORKING:
        for kind, fraction in COMPLETE_TIMERS.items():
            at = complete_point(fraction)
            if at is not None:
                timers[kind] = at
    if state.status is _S.COMPLETED and clocks.auto_accept_from is not None:
        auto_at = clocks.auto_accept_from + config.auto_accept_after
        timers[TimerKind.AUTO_ACCEPT] = auto_at
        if config.auto_accept_reminder_before < config.auto_accept_after:
            timers[TimerKind.AUTO_ACCEPT_REMINDER] = auto_at - config.auto_accept_reminder_before
    if follow_up_due is not None:
        timers[TimerKind.FOLLOW_UP_OVERDUE] = follow_up_due
    return Schedule(accept_due=accept_point(1.0), complete_due=complete_point(1.0), timers=timers)


def _incident_plan(
    state: RequestState, clocks: SlaClocks, due: datetime, follow_up_due: datetime | None
) -> Schedule:
    """A request linked to an incident follows the incident's target: its deadline is
    the target, the reminder and escalations fall at the usual fractions of the time
    from the request's start to it (holds do not move an outage's target)."""
    span = max(due - clocks.complete_from, timedelta(0))
    timers: dict[TimerKind, datetime] = {
        kind: clocks.complete_from + span * fraction for kind, fraction in COMPLETE_TIMERS.items()
    }
    if follow_up_due is not None:
        timers[TimerKind.FOLLOW_UP_OVERDUE] = follow_up_due
    return Schedule(accept_due=due, complete_due=due, timers=timers)


@dataclass(frozen=True, slots=True)
class Firing:
    """What a sweep does with the due timers of one request.

    ``announce``: the timers to act on now (at most one deadline message, the
    auto-accept step and a late follow-up); ``postponed_until``: quiet hours
    hold everything back until then; every other due timer is simply done.
    """

    announce: tuple[TimerKind, ...]
    postponed_until: datetime | None = None


def pick(
    due: Collection[TimerKind],
    state: RequestState,
    now: datetime,
    config: SlaConfig,
    *,
    follow_up_open: bool,
) -> Firing:
    """Which of a request's due timers to act on now (the sweep's rule)."""
    if state.urgency is not Urgency.EMERGENCY and config.quiet.contains(now, config.calendar.tz):
        return Firing(announce=(), postponed_until=config.quiet.next_end(now, config.calendar.tz))
    announce: list[TimerKind] = []
    still_relevant = {
        kind
        for kind in due
        if (
            kind in ACCEPT_TIMERS
            and state.status in _WAITING_FOR_ACCEPT
            and state.accepted_at is None
        )
        or (kind in COMPLETE_TIMERS and state.status in _WORKING)
    }
    for kind in _SEVERITY:
        if kind in still_relevant:
            announce.append(kind)
            break
    if state.status is _S.COMPLETED:
        if TimerKind.AUTO_ACCEPT in due:
            announce.append(TimerKind.AUTO_ACCEPT)
        elif TimerKind.AUTO_ACCEPT_REMINDER in due:
            announce.append(TimerKind.AUTO_ACCEPT_REMINDER)
    if TimerKind.FOLLOW_UP_OVERDUE in due and follow_up_open:
        announce.append(TimerKind.FOLLOW_UP_OVERDUE)
    return Firing(announce=tuple(announce))
