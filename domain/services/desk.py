"""The manager's desk: queues with counters, search, the executor picker,
duplicates and the staff chat post of a request.

State changes still go through ``domain.services.requests.perform_action``;
this module only reads, links a duplicate (inside the same transaction as its
cancellation) and keeps the staff chat post of a request in step with it.

Scope: a manager sees the buildings they manage, an admin every building;
anybody else never reaches the desk ("not available").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from domain.access import NOT_AVAILABLE, Actor
from domain.assignment import ExecutorCandidate, RankedCandidate, rank_executors
from domain.enums import Action, Category, FollowUpReason, RequestStatus, Urgency
from domain.errors import InvalidTransition, NotAllowed, ValidationFailed
from domain.lifecycle import ACTIVE_STATUSES, Transition
from domain.services.requests import (
    RequestsUnitOfWork,
    check_action,
    perform_action,
)
from domain.services.staff_posts import (
    DESK_OPEN_DATA,
    DESK_PICK_DATA,
    PostFacts,
    StaffPostRepository,
    post_buttons,
    staff_post_notes,
)

__all__ = [
    "DESK_OPEN_DATA",
    "DESK_PICK_DATA",
    "NEW_WINDOW",
    "PAGE_SIZE",
    "DeskItem",
    "DeskRepository",
    "DeskUnitOfWork",
    "ExecutorItem",
    "Panel",
    "PendingLink",
    "Picker",
    "PostFacts",
    "Queue",
    "QueuePage",
    "Scope",
    "SearchQuery",
    "StaffPostRepository",
    "executor_picker",
    "find_executors",
    "link_duplicate",
    "open_panel",
    "parse_query",
    "picked_candidate",
    "post_buttons",
    "queue_page",
    "scope_of",
    "search_requests",
    "staff_post_notes",
]

PAGE_SIZE = 8
"""Lines per page of a queue, a search and the executor picker."""
NEW_WINDOW = timedelta(hours=24)
""""New": filed within this window and still waiting for an executor."""
SEARCH_LIMIT = 20


class Queue(StrEnum):
    """The desk's queues. ``LOW_RATED`` (the key is kept) is shown as "Follow-ups":
    requests with an open follow up (a 1–2 star rating or a returned request),
    the oldest due first."""

    NEW = "new"
    UNASSIGNED = "unassigned"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RETURNED = "returned"
    LOW_RATED = "low_rated"
    VERIFICATION = "verification"


# --------------------------------------------------------------------------- read models


@dataclass(frozen=True, slots=True)
class Scope:
    """Buildings the viewer manages; ``None``: every building (an admin)."""

    building_ids: frozenset[int] | None

    def covers(self, building_id: int) -> bool:
        return self.building_ids is None or building_id in self.building_ids


@dataclass(frozen=True, slots=True)
class DeskItem:
    id: int
    number: str
    status: RequestStatus
    category: Category
    urgency: Urgency
    address: str
    apartment: str | None
    created_at: datetime
    building_id: int = 0
    follow_up_reason: FollowUpReason | None = None
    """Set in the follow-ups queue: why the request is followed up, and by when."""
    follow_up_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class PendingLink:
    """A resident's apartment waiting for verification."""

    link_id: int
    name: str
    address: str
    apartment: str


@dataclass(frozen=True, slots=True)
class Panel:
    counts: dict[Queue, int]


@dataclass(frozen=True, slots=True)
class QueuePage:
    queue: Queue
    items: tuple[DeskItem, ...]
    links: tuple[PendingLink, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class ExecutorItem:
    user_id: int
    name: str
    phone: str | None
    on_duty: bool
    open_jobs: int


@dataclass(frozen=True, slots=True)
class Picker:
    request_id: int
    number: str
    action: Action  # assign or reassign
    items: tuple[RankedCandidate, ...]
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    digits: str  # the digits of the text (a phone number is searched by them)


# --------------------------------------------------------------------------- ports


class DeskRepository(StaffPostRepository, Protocol):
    async def count_queue(self, scope: Scope, queue: Queue, now: datetime) -> int: ...
    async def list_queue(
        self, scope: Scope, queue: Queue, now: datetime, offset: int, limit: int
    ) -> list[DeskItem]: ...
    async def pending_links(self, scope: Scope, offset: int, limit: int) -> list[PendingLink]: ...
    async def search(self, scope: Scope, query: SearchQuery, limit: int) -> list[DeskItem]: ...
    async def by_number(self, scope: Scope, number: str) -> DeskItem | None: ...
    async def executor_candidates(self) -> list[ExecutorCandidate]: ...
    async def building_point(self, building_id: int) -> tuple[float | None, float | None]: ...
    async def find_executors(self, name: str, limit: int) -> list[ExecutorItem]: ...
    async def mark_duplicate(self, request_id: int, original_id: int) -> None: ...
    async def add_watcher(self, request_id: int, user_id: int) -> None: ...


class DeskUnitOfWork(RequestsUnitOfWork, Protocol):
    @property
    def desk(self) -> DeskRepository: ...


# --------------------------------------------------------------------------- scope


def scope_of(actor: Actor) -> Scope:
    """The desk's scope for ``actor``; residents and executors never get one."""
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    if actor.is_admin:
        return Scope(None)
    return Scope(frozenset(actor.managed_building_ids))


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


# --------------------------------------------------------------------------- panel


async def open_panel(uow: DeskUnitOfWork, actor: Actor, now: datetime) -> Panel:
    scope = scope_of(actor)
    return Panel({queue: await uow.desk.count_queue(scope, queue, now) for queue in Queue})


async def queue_page(
    uow: DeskUnitOfWork, actor: Actor, queue: Queue, now: datetime, page: int = 0
) -> QueuePage:
    """One page of a queue (newest first; overdue: the most overdue first;
    follow-ups: the oldest due first)."""
    scope = scope_of(actor)
    total = await uow.desk.count_queue(scope, queue, now)
    pages = _pages(total, PAGE_SIZE)
    page = min(max(0, page), pages - 1)
    offset = page * PAGE_SIZE
    if queue is Queue.VERIFICATION:
        links = await uow.desk.pending_links(scope, offset, PAGE_SIZE)
        return QueuePage(queue, (), tuple(links), page, pages, total)
    items = await uow.desk.list_queue(scope, queue, now, offset, PAGE_SIZE)
    return QueuePage(queue, tuple(items), (), page, pages, total)


# --------------------------------------------------------------------------- search

_SPACES = re.compile(r"\s+")
MAX_QUERY = 100


def parse_query(raw: str) -> SearchQuery | None:
    """A search text: number (or its prefix), phone, apartment number or part of an address."""
    text = _SPACES.sub(" ", raw).strip().lstrip("№#").strip()[:MAX_QUERY]
    if not text:
        return None
    return SearchQuery(text=text, digits="".join(ch for ch in text if ch.isdigit()))


async def search_requests(
    uow: DeskUnitOfWork, actor: Actor, raw: str, limit: int = SEARCH_LIMIT
) -> list[DeskItem]:
    scope = scope_of(actor)
    query = parse_query(raw)
    if query is None:
        return []
    return await uow.desk.search(scope, query, limit)


async def find_executors(
    uow: DeskUnitOfWork, actor: Actor, name: str, limit: int = SEARCH_LIMIT
) -> list[ExecutorItem]:
    scope_of(actor)
    return await uow.desk.find_executors(_SPACES.sub(" ", name).strip()[:MAX_QUERY], limit)


# --------------------------------------------------------------------------- picker


async def executor_picker(
    uow: DeskUnitOfWork, actor: Actor, request_id: int, page: int = 0
) -> Picker:
    """Every active executor for the request, best first (``rank_executors``)."""
    scope_of(actor)
    try:
        state = await check_action(uow, actor, request_id, Action.ASSIGN)
        action = Action.ASSIGN
    except InvalidTransition:
        state = await check_action(uow, actor, request_id, Action.REASSIGN)
        action = Action.REASSIGN
    lat, lon = await uow.desk.building_point(state.building_id)
    ranked = [
        item
        for item in rank_executors(state.category, lat, lon, await uow.desk.executor_candidates())
        if item.user_id != state.assignee_id
    ]
    pages = _pages(len(ranked), PAGE_SIZE)
    page = min(max(0, page), pages - 1)
    return Picker(
        request_id=state.id,
        number=state.number,
        action=action,
        items=tuple(ranked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]),
        page=page,
        pages=pages,
    )


async def picked_candidate(
    uow: DeskUnitOfWork, actor: Actor, request_id: int, executor_id: int
) -> tuple[Action, RankedCandidate]:
    """The executor picked in the picker, re-checked: an active executor of the ranking
    (a forged id is "not available") and the action (assign / reassign) to take."""
    scope_of(actor)
    try:
        state = await check_action(uow, actor, request_id, Action.ASSIGN)
        action = Action.ASSIGN
    except InvalidTransition:
        state = await check_action(uow, actor, request_id, Action.REASSIGN)
        action = Action.REASSIGN
    lat, lon = await uow.desk.building_point(state.building_id)
    for ranked in rank_executors(state.category, lat, lon, await uow.desk.executor_candidates()):
        if ranked.user_id == executor_id:
            return action, ranked
    raise NotAllowed(NOT_AVAILABLE)


# --------------------------------------------------------------------------- duplicates


async def link_duplicate(
    uow: DeskUnitOfWork,
    actor: Actor,
    request_id: int,
    original_number: str,
    now: datetime,
    *,
    reason: Callable[[str], str],
) -> tuple[Transition, DeskItem]:
    """Cancel ``request_id`` as a duplicate of the request numbered ``original_number``.

    One transaction: the link (``duplicate_of``), the duplicate's author
    watching the original, and the cancellation with ``reason`` (through
    ``perform_action``, which commits). Raises ``NotFound``-like
    ``ValidationFailed("desk-error-no-such-request")`` for an unknown or
    foreign number, ``ValidationFailed("desk-error-same-request")`` and
    ``ValidationFailed("desk-error-original-finished")``.
    """
    scope = scope_of(actor)
    state = await check_action(uow, actor, request_id, Action.CANCEL)
    number = original_number.strip().lstrip("№#").strip()
    original = await uow.desk.by_number(scope, number) if number else None
    if original is None:
        raise ValidationFailed("desk-error-no-such-request", number=number[:40])
    if original.id == request_id:
        raise ValidationFailed("desk-error-same-request")
    if original.status not in ACTIVE_STATUSES:
        raise ValidationFailed("desk-error-original-finished", number=original.number)
    await uow.desk.mark_duplicate(request_id, original.id)
    await uow.desk.add_watcher(original.id, state.author_id)
    transition = await perform_action(
        uow, actor, request_id, Action.CANCEL, now, reason=reason(original.number)
    )
    return transition, original
