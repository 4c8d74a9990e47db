"""Deadlines at work: re-planning on every change, the sweep, extensions, follow-ups.

``reschedule`` is called inside the transaction of every change that can move
a deadline (filing, each lifecycle action, a resident's answer, an extension,
a follow-up); it recomputes the whole plan (``domain.schedule.plan``) and
stores it. ``sweep`` is what the scheduler runs every few seconds: it claims
due timers (other sweepers skip them), decides per request what to announce
(``domain.schedule.pick``: coalesced, quiet hours respected), writes the
messages to the outbox and marks the timers fired, all in one transaction, so
a message is written exactly once whoever sweeps and however late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.access import NOT_AVAILABLE, Actor
from domain.enums import FollowUpReason, RequestStatus, TimerKind
from domain.errors import NotAllowed, ValidationFailed
from domain.lifecycle import MAX_TEXT_LENGTH, RequestState
from domain.schedule import (
    ACCEPT_TIMERS,
    EXTENSIONS,
    Schedule,
    SlaClocks,
    extend,
    pick,
    plan,
)
from domain.services.notifications import Button, Notification, OutboxPort, tr
from domain.services.request_notifications import (
    ACCEPT_WORK_DATA,
    JOB_OPEN_DATA,
    OPEN_REQUEST_DATA,
    RETURN_WORK_DATA,
    format_due,
)
from domain.services.staff_posts import DESK_OPEN_DATA, DESK_PICK_DATA
from domain.services.users import AuditLog
from domain.sla import Hold, SlaConfig

__all__ = [
    "ESCALATION_CALL_DATA",
    "ESCALATION_CONTACTED_DATA",
    "ESCALATION_EXTEND_DATA",
    "AutoAccept",
    "DeadlinesUnitOfWork",
    "DueTimer",
    "OpenFollowUp",
    "RequestFacts",
    "ScheduleRepository",
    "SweepItem",
    "SweepReport",
    "close_follow_up",
    "escalation_buttons",
    "extend_deadline",
    "mark_contacted",
    "open_follow_up",
    "replan_batch",
    "reschedule",
    "resident_call_info",
    "sweep",
]

ESCALATION_EXTEND_DATA = "esc:ext:{request_id}:{by}"
"""Extend the running deadline by ``by`` (a key of ``domain.schedule.EXTENSIONS``)."""
ESCALATION_CALL_DATA = "esc:call:{request_id}"
"""Show the resident's phone to call."""
ESCALATION_CONTACTED_DATA = "esc:contacted:{request_id}"
"""Record that a manager reached the resident."""

SWEEP_BATCH = 500


@dataclass(frozen=True, slots=True)
class DueTimer:
    id: int
    request_id: int
    kind: TimerKind
    due_at: datetime


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    id: int
    reason: FollowUpReason
    opened_at: datetime
    due_at: datetime


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What deadline messages show about a request."""

    address: str
    executor_name: str | None
    author_name: str | None
    author_phone: str | None
    accept_due: datetime | None
    complete_due: datetime | None
    auto_accept_from: datetime | None = None


@dataclass(frozen=True, slots=True)
class SweepItem:
    """A request with due timers, as the sweep needs it (loaded in bulk)."""

    state: RequestState
    facts: RequestFacts
    follow_up: OpenFollowUp | None


# --------------------------------------------------------------------------- ports


class ScheduleRepository(Protocol):
    async def config(self) -> SlaConfig: ...
    async def clocks(self, request_id: int) -> SlaClocks: ...
    async def holds(self, request_id: int) -> list[Hold]: ...
    async def save(
        self, request_id: int, clocks: SlaClocks, schedule: Schedule, now: datetime
    ) -> None: ...
    async def claim_due(self, now: datetime, limit: int) -> Sequence[DueTimer]: ...
    async def mark_fired(self, timer_ids: Sequence[int], now: datetime) -> None: ...
    async def postpone(self, timer_ids: Sequence[int], until: datetime) -> None: ...
    async def open_follow_up(self, request_id: int) -> OpenFollowUp | None: ...
    async def add_follow_up(
        self, request_id: int, reason: FollowUpReason, at: datetime, due_at: datetime
    ) -> OpenFollowUp | None:
        """The follow-up opened, or None when one was open already (that one stands)."""
        ...

    async def close_follow_up(
        self, follow_up_id: int, by: int, comment: str, at: datetime
    ) -> None: ...
    async def facts(self, request_id: int) -> RequestFacts: ...
    async def sweep_items(self, request_ids: Sequence[int]) -> dict[int, SweepItem]: ...
    async def planned_request_ids(self, after_id: int, limit: int) -> list[int]:
        """Requests that may have timers (not final, or with an open follow-up), by id."""
        ...


class StatesPort(Protocol):
    async def get_state(
        self, request_id: int, *, for_update: bool = False
    ) -> RequestState | None: ...


class PeoplePort(Protocol):
    async def managers_of(self, building_id: int) -> list[int]: ...
    async def admins(self) -> list[int]: ...


class DeadlinesUnitOfWork(Protocol):
    @property
    def schedule(self) -> ScheduleRepository: ...
    @property
    def requests(self) -> StatesPort: ...
    @property
    def directory(self) -> PeoplePort: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


class AutoAccept(Protocol):
    """Closes a completed request for the system actor inside the caller's
    transaction (``domain.services.requests.apply_action``)."""

    async def __call__(self, request_id: int, now: datetime) -> None: ...


# --------------------------------------------------------------------------- planning


async def reschedule(
    schedule: ScheduleRepository,
    state: RequestState,
    now: datetime,
    *,
    clocks: SlaClocks,
    follow_up: OpenFollowUp | None,
    config: SlaConfig | None = None,
) -> Schedule:
    """Recompute and store the request's deadlines and timers from its ``clocks`` and
    the ``follow_up`` open now (caller commits)."""
    config = config or await schedule.config()
    paused_before = state.status is RequestStatus.ON_HOLD or state.held_seconds > 0
    holds = await schedule.holds(state.id) if paused_before else []
    planned = plan(state, clocks, config, holds, follow_up.due_at if follow_up else None)
    await schedule.save(state.id, clocks, planned, now)
    return planned


async def reschedule_as_stored(
    schedule: ScheduleRepository,
    state: RequestState,
    now: datetime,
    *,
    config: SlaConfig | None = None,
) -> Schedule:
    """``reschedule`` with the clocks and the follow-up as stored: for callers that
    changed neither (new settings, a closed follow-up is already gone)."""
    clocks = await schedule.clocks(state.id)
    follow_up = await schedule.open_follow_up(state.id)
    return await reschedule(schedule, state, now, clocks=clocks, follow_up=follow_up, config=config)


async def replan_batch(
    uow: DeadlinesUnitOfWork, after_id: int, now: datetime, *, limit: int = 200
) -> int | None:
    """Re-plan the next ``limit`` requests after ``after_id`` with the current
    settings (an admin changed them) and commit; the last id done, or ``None``
    when no request is left."""
    ids = await uow.schedule.planned_request_ids(after_id, limit)
    if not ids:
        return None
    config = await uow.schedule.config()
    for request_id in ids:
        state = await uow.requests.get_state(request_id, for_update=True)
        if state is not None:
            await reschedule_as_stored(uow.schedule, state, now, config=config)
    await uow.commit()
    return ids[-1]


async def open_follow_up(
    schedule: ScheduleRepository,
    state: RequestState,
    reason: FollowUpReason,
    now: datetime,
    config: SlaConfig,
) -> OpenFollowUp | None:
    """A low rating or a returned request: a manager must follow it up (caller re-plans
    with the follow-up returned, or the one already open when None)."""
    return await schedule.add_follow_up(state.id, reason, now, now + config.follow_up_within)


async def _managed(uow: DeadlinesUnitOfWork, actor: Actor, request_id: int) -> RequestState:
    state = await uow.requests.get_state(request_id, for_update=True)
    if state is None or not actor.is_manager_of(state.building_id):
        raise NotAllowed(NOT_AVAILABLE)
    return state


async def extend_deadline(
    uow: DeadlinesUnitOfWork, actor: Actor, request_id: int, by_key: str, now: datetime
) -> Schedule:
    """A manager's one-tap "extend by 2 h / 1 day" from an escalation card."""
    by = EXTENSIONS.get(by_key)
    if by is None:
        raise ValidationFailed(field="extension")
    state = await _managed(uow, actor, request_id)
    if state.status not in {
        RequestStatus.NEW,
        RequestStatus.ASSIGNED,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.RETURNED,
    }:
        raise ValidationFailed("sla-error-nothing-to-extend", status=state.status.value)
    config = await uow.schedule.config()
    clocks = extend(await uow.schedule.clocks(request_id), state, by)
    follow_up = await uow.schedule.open_follow_up(request_id)
    planned = await reschedule(
        uow.schedule, state, now, clocks=clocks, follow_up=follow_up, config=config
    )
    waiting = state.accepted_at is None and TimerKind.ACCEPT_OVERDUE in planned.timers
    new_due = planned.accept_due if waiting else planned.complete_due
    await uow.audit.record(
        actor.user_id,
        "request.deadline_extended",
        "request",
        str(request_id),
        {"by": by_key, "due": new_due.isoformat() if new_due else None},
    )
    if state.assignee_id is not None and state.assignee_id != actor.user_id:
        await uow.outbox.add(
            Notification(
                chat_id=state.assignee_id,
                user_id=state.assignee_id,
                template="sla-extended-executor",
                params={"number": state.number, "due": format_due(new_due, config.calendar.tz)},
                buttons=((Button("sla-btn-open-job", callback_data=_job(request_id)),),),
            )
        )
    await uow.commit()
    return planned


async def resident_call_info(
    uow: DeadlinesUnitOfWork, actor: Actor, request_id: int
) -> RequestFacts:
    """The resident's name and phone for a manager who wants to call."""
    await _managed(uow, actor, request_id)
    return await uow.schedule.facts(request_id)


async def mark_contacted(
    uow: DeadlinesUnitOfWork, actor: Actor, request_id: int, now: datetime
) -> RequestState:
    """A manager reached the resident about an overdue request (audit log)."""
    state = await _managed(uow, actor, request_id)
    await uow.audit.record(
        actor.user_id,
        "request.resident_contacted",
        "request",
        str(request_id),
        {"at": now.isoformat()},
    )
    await uow.commit()
    return state


async def close_follow_up(
    uow: DeadlinesUnitOfWork, actor: Actor, request_id: int, comment: str, now: datetime
) -> OpenFollowUp:
    """A manager closes the open follow-up of a request with a comment."""
    state = await _managed(uow, actor, request_id)
    text = comment.strip()
    if not text:
        raise ValidationFailed("follow-up-error-comment-required")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed("error-text-too-long", field="comment", max=MAX_TEXT_LENGTH)
    follow_up = await uow.schedule.open_follow_up(request_id)
    if follow_up is None:
        raise ValidationFailed("follow-up-error-none-open")
    await uow.schedule.close_follow_up(follow_up.id, actor.user_id, text, now)
    clocks = await uow.schedule.clocks(request_id)
    await reschedule(uow.schedule, state, now, clocks=clocks, follow_up=None)
    await uow.audit.record(
        actor.user_id,
        "request.follow_up_closed",
        "request",
        str(request_id),
        {"reason": follow_up.reason.value, "comment": text},
    )
    await uow.commit()
    return follow_up


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True, slots=True)
class SweepReport:
    claimed: int
    announced: int
    postponed: int
    auto_accepted: int

    @property
    def idle(self) -> bool:
        return self.claimed == 0


async def sweep(
    uow: DeadlinesUnitOfWork,
    now: datetime,
    auto_accept: AutoAccept,
    *,
    limit: int = SWEEP_BATCH,
) -> SweepReport:
    """Fire the due timers of up to ``limit`` rows, in one transaction."""
    due = await uow.schedule.claim_due(now, limit)
    if not due:
        return SweepReport(0, 0, 0, 0)
    config = await uow.schedule.config()
    by_request: dict[int, list[DueTimer]] = {}
    for timer in due:
        by_request.setdefault(timer.request_id, []).append(timer)

    items = await uow.schedule.sweep_items(list(by_request))
    people = _People(uow.directory)
    notes: list[Notification] = []
    fired: list[int] = []
    held_back: dict[datetime, list[int]] = {}
    announced = auto_accepted = 0
    for request_id, timers in by_request.items():
        ids = [timer.id for timer in timers]
        item = items.get(request_id)
        if item is None:  # pragma: no cover - timers are deleted with the request
            continue
        follow_up = item.follow_up
        firing = pick(
            {timer.kind for timer in timers},
            item.state,
            now,
            config,
            follow_up_open=follow_up is not None and follow_up.due_at <= now,
        )
        if firing.postponed_until is not None:
            held_back.setdefault(firing.postponed_until, []).extend(ids)
            continue
        fired.extend(ids)
        for kind in firing.announce:
            announced += 1
            if kind is TimerKind.AUTO_ACCEPT:
                await auto_accept(request_id, now)
                auto_accepted += 1
            else:
                notes.extend(await _messages(item, kind, config, people))
    for until, ids in held_back.items():
        await uow.schedule.postpone(ids, until)
    await uow.schedule.mark_fired(fired, now)
    postponed = sum(len(ids) for ids in held_back.values())
    await uow.outbox.add(*notes)
    await uow.commit()
    return SweepReport(len(due), announced, postponed, auto_accepted)


def _job(request_id: int) -> str:
    return JOB_OPEN_DATA.format(request_id=request_id)


def escalation_buttons(request_id: int) -> tuple[tuple[Button, ...], ...]:
    def extend_button(key: str) -> Button:
        data = ESCALATION_EXTEND_DATA.format(request_id=request_id, by=key)
        return Button(f"sla-btn-extend-{key}", callback_data=data)

    return (
        (Button("sla-btn-reassign", callback_data=DESK_PICK_DATA.format(request_id=request_id)),),
        tuple(extend_button(key) for key in EXTENSIONS),
        (
            Button(
                "sla-btn-call", callback_data=ESCALATION_CALL_DATA.format(request_id=request_id)
            ),
            Button(
                "sla-btn-contacted",
                callback_data=ESCALATION_CONTACTED_DATA.format(request_id=request_id),
            ),
        ),
        (Button("desk-btn-open", callback_data=DESK_OPEN_DATA.format(request_id=request_id)),),
    )


class _People:
    """Managers per building and the admins, asked once per sweep."""

    def __init__(self, directory: PeoplePort) -> None:
        self.directory = directory
        self._managers: dict[int, list[int]] = {}
        self._admins: list[int] | None = None

    async def managers_of(self, building_id: int) -> list[int]:
        if building_id not in self._managers:
            self._managers[building_id] = await self.directory.managers_of(building_id)
        return self._managers[building_id]

    async def admins(self) -> list[int]:
        if self._admins is None:
            self._admins = await self.directory.admins()
        return self._admins


async def _messages(
    item: SweepItem, kind: TimerKind, config: SlaConfig, people: _People
) -> list[Notification]:
    """The messages one announced timer sends (in the recipients' languages at delivery)."""
    tz = config.calendar.tz
    state, facts = item.state, item.facts
    accept_phase = kind in ACCEPT_TIMERS
    params: dict[str, object] = {
        "number": state.number,
        "address": facts.address,
        "category": tr(f"category-{state.category}"),
        "urgency": tr(f"urgency-{state.urgency}"),
        "phase": tr("sla-phase-accept" if accept_phase else "sla-phase-complete"),
        "executor": facts.executor_name or "—",
    }
    key = f"sla:{state.id}:{kind.value}"

    def to(
        user_ids: Sequence[int], template: str, buttons: tuple[tuple[Button, ...], ...]
    ) -> list[Notification]:
        return [
            Notification(
                chat_id=user_id,
                user_id=user_id,
                template=template,
                params=params,
                buttons=buttons,
                dedupe_key=f"{key}:{user_id}",
            )
            for user_id in dict.fromkeys(user_ids)
        ]

    managers = await people.managers_of(state.building_id)
    desk_open = (
        (Button("desk-btn-open", callback_data=DESK_OPEN_DATA.format(request_id=state.id)),),
    )
    if kind in (TimerKind.ACCEPT_REMINDER, TimerKind.COMPLETE_REMINDER):
        due = _due_of(facts, accept_phase)
        params["due"] = format_due(due, tz)
        if state.assignee_id is None:
            return to(managers, "sla-reminder-unassigned", desk_open)
        template = "sla-reminder-accept" if accept_phase else "sla-reminder-complete"
        return to(
            [state.assignee_id],
            template,
            ((Button("sla-btn-open-job", callback_data=_job(state.id)),),),
        )
    if kind in (TimerKind.ACCEPT_OVERDUE, TimerKind.COMPLETE_OVERDUE):
        params["due"] = format_due(_due_of(facts, accept_phase), tz)
        return to(managers, "sla-escalation", escalation_buttons(state.id))
    if kind in (TimerKind.ACCEPT_CRITICAL, TimerKind.COMPLETE_CRITICAL):
        params["due"] = format_due(_due_of(facts, accept_phase), tz)
        admins = await people.admins()
        return to([*managers, *admins], "sla-escalation-critical", escalation_buttons(state.id))
    if kind is TimerKind.AUTO_ACCEPT_REMINDER:
        assert facts.auto_accept_from is not None
        params["at"] = format_due(facts.auto_accept_from + config.auto_accept_after, tz)
        buttons = (
            (
                Button(
                    "notify-accept-work", callback_data=ACCEPT_WORK_DATA.format(request_id=state.id)
                ),
                Button(
                    "notify-return-work", callback_data=RETURN_WORK_DATA.format(request_id=state.id)
                ),
            ),
            (
                Button(
                    "notify-open-request",
                    callback_data=OPEN_REQUEST_DATA.format(request_id=state.id),
                ),
            ),
        )
        return to([state.author_id], "auto-accept-reminder", buttons)
    if kind is TimerKind.FOLLOW_UP_OVERDUE:
        follow_up = item.follow_up
        assert follow_up is not None
        params["reason"] = tr(f"follow-up-reason-{follow_up.reason}")
        params["due"] = format_due(follow_up.due_at, tz)
        return to(managers, "follow-up-overdue", desk_open)
    raise ValueError(kind)  # pragma: no cover - AUTO_ACCEPT is acted on, not announced


def _due_of(facts: RequestFacts, accept_phase: bool) -> datetime | None:
    """The deadline a message speaks of, as stored with the request."""
    return facts.accept_due if accept_phase else facts.complete_due
