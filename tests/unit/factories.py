"""Builders for domain unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.access import Actor
from domain.enums import (
    Category,
    FollowUpReason,
    HoldReason,
    RequestStatus,
    Role,
    Specialization,
    TimerKind,
    Urgency,
)
from domain.lifecycle import RequestState
from domain.schedule import Schedule, SlaClocks
from domain.services.deadlines import DueTimer, OpenFollowUp, RequestFacts, SweepItem
from domain.services.notifications import Notification
from domain.sla import Hold, SlaConfig

T0 = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)  # Monday 11:00 in Tashkent

BUILDING = 10
OTHER_BUILDING = 20
APARTMENT = 101
OTHER_APARTMENT = 102
AUTHOR = 1000
NEIGHBOUR = 1001  # linked to the same apartment, not the author
STRANGER = 1002
EXECUTOR = 2000
OTHER_EXECUTOR = 2001
MANAGER = 3000
ADMIN = 4000


def make_request(status: RequestStatus = RequestStatus.NEW, **overrides: Any) -> RequestState:
    """A request in ``status`` with consistent assignee and timestamps."""
    fields: dict[str, Any] = {
        "id": 1,
        "number": "250310-001",
        "status": status,
        "author_id": AUTHOR,
        "building_id": BUILDING,
        "apartment_id": APARTMENT,
        "category": Category.PLUMBING,
        "urgency": Urgency.NORMAL,
        "assignee_id": None if status is RequestStatus.NEW else EXECUTOR,
        "created_at": T0 - timedelta(hours=5),
    }
    if status is not RequestStatus.NEW:
        fields["assigned_at"] = T0 - timedelta(hours=4)
    if status in {
        RequestStatus.ACCEPTED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ON_HOLD,
        RequestStatus.COMPLETED,
        RequestStatus.CLOSED,
        RequestStatus.RETURNED,
    }:
        fields["accepted_at"] = T0 - timedelta(hours=3)
    if status in {
        RequestStatus.IN_PROGRESS,
        RequestStatus.ON_HOLD,
        RequestStatus.COMPLETED,
        RequestStatus.CLOSED,
        RequestStatus.RETURNED,
    }:
        fields["started_at"] = T0 - timedelta(hours=2)
    if status is RequestStatus.ON_HOLD:
        fields["hold_started_at"] = T0 - timedelta(hours=1)
        fields["hold_reason"] = HoldReason.MATERIALS
    if status in {RequestStatus.COMPLETED, RequestStatus.CLOSED}:
        fields["completed_at"] = T0 - timedelta(minutes=30)
    if status in {RequestStatus.CLOSED, RequestStatus.REJECTED, RequestStatus.CANCELLED}:
        fields["closed_at"] = T0 - timedelta(minutes=10)
    fields.update(overrides)
    return RequestState(**fields)


def resident(user_id: int = AUTHOR, **overrides: Any) -> Actor:
    actor = Actor(
        user_id=user_id,
        roles=frozenset({Role.RESIDENT}),
        apartment_ids=frozenset({APARTMENT}),
        home_building_ids=frozenset({BUILDING}),
    )
    return replace(actor, **overrides)


def executor(user_id: int = EXECUTOR, **overrides: Any) -> Actor:
    actor = Actor(
        user_id=user_id,
        roles=frozenset({Role.EXECUTOR}),
        specializations=frozenset({Specialization.PLUMBER}),
        on_duty=True,
    )
    return replace(actor, **overrides)


def manager(user_id: int = MANAGER, **overrides: Any) -> Actor:
    actor = Actor(
        user_id=user_id,
        roles=frozenset({Role.MANAGER}),
        managed_building_ids=frozenset({BUILDING}),
    )
    return replace(actor, **overrides)


def admin(user_id: int = ADMIN, **overrides: Any) -> Actor:
    actor = Actor(user_id=user_id, roles=frozenset({Role.ADMIN}))
    return replace(actor, **overrides)


def full_fields(request: RequestState) -> dict[str, Any]:
    """Every optional input of ``apply_action``, valid for any row."""
    return {
        "reason": "a reason",
        "comment": "a comment",
        "assignee_id": OTHER_EXECUTOR if request.assignee_id == EXECUTOR else EXECUTOR,
        "hold_reason": HoldReason.MATERIALS,
        "rating": 5,
        "media_count": 2,
        "category": Category.HEATING
        if request.category is not Category.HEATING
        else Category.PLUMBING,
        "urgency": Urgency.URGENT if request.urgency is not Urgency.URGENT else Urgency.NORMAL,
        "incident_id": 7,
    }


class FakeAudit:
    """The audit log as a list of (actor, action, entity, entity id, data)."""

    def __init__(self) -> None:
        self.records: list[tuple[int | None, str, str, str, dict[str, object]]] = []

    async def record(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: str,
        data: dict[str, object],
    ) -> None:
        self.records.append((actor_id, action, entity, entity_id, data))


class FakeOutbox:
    """The outbox as a list of notifications."""

    def __init__(self) -> None:
        self.notes: list[Notification] = []

    async def add(self, *notes: Notification) -> None:
        self.notes.extend(notes)


class FakeSchedule:
    """In-memory ``domain.services.deadlines.ScheduleRepository``: plans as stored."""

    def __init__(self, config: SlaConfig | None = None) -> None:
        self.sla = config or SlaConfig()
        self.stored_clocks: dict[int, SlaClocks] = {}
        self.plans: dict[int, Schedule] = {}
        self.follow_ups: dict[int, OpenFollowUp] = {}
        self.closed: list[tuple[int, int, str]] = []
        self.created: dict[int, datetime] = {}
        self.held: dict[int, list[Hold]] = {}
        self.timers: dict[int, DueTimer] = {}
        """Armed timers by id (``arm``); ``claim_due`` hands out the due, unfired ones."""
        self.fired: dict[int, datetime] = {}
        self.postponed: dict[int, datetime] = {}
        self.states: dict[int, RequestState] = {}
        """The requests ``sweep_items`` sees (a fake unit of work shares its own)."""

    def arm(self, request_id: int, kind: TimerKind, due_at: datetime) -> DueTimer:
        """A pending timer row, as ``save`` would store it."""
        timer = DueTimer(len(self.timers) + 1, request_id, kind, due_at)
        self.timers[timer.id] = timer
        return timer

    async def config(self) -> SlaConfig:
        return self.sla

    async def clocks(self, request_id: int) -> SlaClocks:
        created = self.created.get(request_id, T0 - timedelta(hours=5))
        return self.stored_clocks.get(request_id, SlaClocks.started(created))

    async def holds(self, request_id: int) -> list[Hold]:
        return list(self.held.get(request_id, []))

    async def save(
        self, request_id: int, clocks: SlaClocks, schedule: Schedule, now: datetime
    ) -> None:
        self.stored_clocks[request_id] = clocks
        self.plans[request_id] = schedule

    async def claim_due(self, now: datetime, limit: int) -> list[DueTimer]:
        due = [t for t in self.timers.values() if t.id not in self.fired and t.due_at <= now]
        return sorted(due, key=lambda t: (t.due_at, t.id))[:limit]

    async def mark_fired(self, timer_ids: Sequence[int], now: datetime) -> None:
        for timer_id in timer_ids:
            assert timer_id not in self.fired, f"timer {timer_id} fired twice"
            self.fired[timer_id] = now

    async def postpone(self, timer_ids: Sequence[int], until: datetime) -> None:
        for timer_id in timer_ids:
            self.postponed[timer_id] = until
            self.timers[timer_id] = replace(self.timers[timer_id], due_at=until)

    async def open_follow_up(self, request_id: int) -> OpenFollowUp | None:
        return self.follow_ups.get(request_id)

    async def add_follow_up(
        self, request_id: int, reason: FollowUpReason, at: datetime, due_at: datetime
    ) -> OpenFollowUp | None:
        if request_id in self.follow_ups:
            return None
        self.follow_ups[request_id] = OpenFollowUp(request_id, reason, at, due_at)
        return self.follow_ups[request_id]

    async def close_follow_up(self, follow_up_id: int, by: int, comment: str, at: datetime) -> None:
        self.closed.append((follow_up_id, by, comment))
        self.follow_ups = {k: v for k, v in self.follow_ups.items() if v.id != follow_up_id}

    async def facts(self, request_id: int) -> RequestFacts:
        plan = self.plans.get(request_id)
        return RequestFacts(
            address="Navoi 5",
            executor_name=None,
            author_name="Aziza",
            author_phone="+998901234567",
            accept_due=plan.accept_due if plan else None,
            complete_due=plan.complete_due if plan else None,
            auto_accept_from=(await self.clocks(request_id)).auto_accept_from,
        )

    async def planned_request_ids(self, after_id: int, limit: int) -> list[int]:
        return sorted(i for i in self.states if i > after_id)[:limit]

    async def sweep_items(self, request_ids: Sequence[int]) -> dict[int, SweepItem]:
        return {
            request_id: SweepItem(
                state=self.states[request_id],
                facts=await self.facts(request_id),
                follow_up=self.follow_ups.get(request_id),
            )
            for request_id in request_ids
            if request_id in self.states
        }
