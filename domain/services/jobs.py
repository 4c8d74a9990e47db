"""The executor's side of a request: my jobs, the pool, duty, and the work steps.

Every state change goes through ``requests.perform_action`` (the one write
path); this module adds what the executor's screens need around it: the
lists (my active jobs by deadline, the pool of unassigned requests matching
the executor's specializations), the duty switch, "on my way" with an ETA
for the resident, the clarification question relayed to the resident,
completion with "after" photos, and the automatic assignment on filing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.access import NOT_AVAILABLE, Actor
from domain.assignment import ExecutorCandidate, RankedCandidate, choose_executor
from domain.catalog import categories_for
from domain.enums import (
    Action,
    Category,
    HoldReason,
    MediaPurpose,
    RequestStatus,
    Role,
    Urgency,
)
from domain.errors import MissingField, NotAllowed, ValidationFailed
from domain.lifecycle import MAX_TEXT_LENGTH, RequestState, Transition
from domain.services.desk_settings import DeskSettings
from domain.services.request_notifications import eta_notification
from domain.services.requests import (
    MAX_FILES_PER_COMMENT,
    RequestsUnitOfWork,
    check_action,
    perform_action,
    record_action,
)
from domain.services.residents import StoredMedia

__all__ = [
    "ETA_CHOICES",
    "JOB_STATUSES",
    "PAGE_SIZE",
    "AssignmentSource",
    "AutoAssignment",
    "BuildingAssignment",
    "JobPage",
    "JobSummary",
    "JobsRepository",
    "JobsUnitOfWork",
    "PoolPage",
    "ask_clarification",
    "claim_job",
    "complete_job",
    "decline_job",
    "list_jobs",
    "list_pool",
    "pause_for_materials",
    "plan_auto_assignment",
    "reason_text",
    "set_duty",
    "start_job",
]

PAGE_SIZE = 6
"""Jobs per page of "My jobs" and the pool."""

ETA_CHOICES: tuple[int, ...] = (15, 30, 60)
"""Minutes an executor may announce with "on my way"."""

JOB_STATUSES: frozenset[RequestStatus] = frozenset(
    {
        RequestStatus.ASSIGNED,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ON_HOLD,
        RequestStatus.RETURNED,
    }
)
"""An executor's active jobs (work not done yet)."""


# --------------------------------------------------------------------------- read models


@dataclass(frozen=True, slots=True)
class JobSummary:
    """One line of "My jobs" or the pool."""

    id: int
    number: str
    status: RequestStatus
    category: Category
    urgency: Urgency
    address: str
    accept_due_at: datetime | None = None
    complete_due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class JobPage:
    items: tuple[JobSummary, ...]
    page: int  # 0-based, clamped
    pages: int  # at least 1
    total: int
    on_duty: bool


@dataclass(frozen=True, slots=True)
class PoolPage:
    items: tuple[JobSummary, ...]
    page: int
    pages: int
    total: int
    on_duty: bool
    claim_enabled: bool


@dataclass(frozen=True, slots=True)
class BuildingAssignment:
    """How a building's requests are assigned."""

    auto_assign: bool
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class AutoAssignment:
    """The choice of automatic assignment on filing.

    ``enabled`` False: the building is assigned by hand (nothing happened);
    ``chosen`` None with ``enabled``: nobody suitable.
    """

    enabled: bool
    chosen: RankedCandidate | None = None
    building: BuildingAssignment | None = None


# --------------------------------------------------------------------------- ports


class JobsRepository(Protocol):
    async def active_jobs(
        self, executor_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        """Jobs assigned to the executor, by complete deadline, then accept deadline."""
        ...

    async def pool(
        self, categories: frozenset[Category], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        """Unassigned ``new`` requests in these categories, the most pressing first."""
        ...

    async def set_on_duty(self, user_id: int, on_duty: bool) -> None: ...


class AssignmentSource(Protocol):
    """What automatic assignment reads (the assignment itself is an ordinary change)."""

    async def building_assignment(self, building_id: int) -> BuildingAssignment | None: ...
    async def executor_candidates(self) -> list[ExecutorCandidate]: ...


class DeskSettingsSource(Protocol):
    async def load(self) -> DeskSettings: ...


class JobsUnitOfWork(RequestsUnitOfWork, Protocol):
    @property
    def jobs(self) -> JobsRepository: ...
    @property
    def settings(self) -> DeskSettingsSource: ...


# --------------------------------------------------------------------------- helpers


def _ensure_executor(actor: Actor) -> None:
    if not actor.has_role(Role.EXECUTOR):
        raise NotAllowed(NOT_AVAILABLE)


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _clean(text: str | None, field: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise MissingField(field)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ValidationFailed("error-text-too-long", field=field, max=MAX_TEXT_LENGTH)
    return cleaned


# --------------------------------------------------------------------------- lists


async def list_jobs(
    uow: JobsUnitOfWork, actor: Actor, *, page: int = 0, per_page: int = PAGE_SIZE
) -> JobPage:
    """The executor's active jobs, the nearest deadline first."""
    _ensure_executor(actor)
    page = max(0, page)
    total, items = await uow.jobs.active_jobs(
        actor.user_id, JOB_STATUSES, page * per_page, per_page
    )
    pages = _pages(total, per_page)
    if page >= pages:  # the list shrank since the button was drawn
        page = pages - 1
        total, items = await uow.jobs.active_jobs(
            actor.user_id, JOB_STATUSES, page * per_page, per_page
        )
    return JobPage(tuple(items), page, pages, total, actor.on_duty)


async def list_pool(
    uow: JobsUnitOfWork, actor: Actor, *, page: int = 0, per_page: int = PAGE_SIZE
) -> PoolPage:
    """Unassigned new requests the executor's specializations serve."""
    _ensure_executor(actor)
    claim_enabled = (await uow.settings.load()).pool_claim_enabled
    categories = categories_for(actor.specializations)
    page = max(0, page)
    total, items = 0, list[JobSummary]()
    if categories:
        total, items = await uow.jobs.pool(categories, page * per_page, per_page)
        pages = _pages(total, per_page)
        if page >= pages:
            page = pages - 1
            total, items = await uow.jobs.pool(categories, page * per_page, per_page)
    pages = _pages(total, per_page)
    return PoolPage(tuple(items), min(page, pages - 1), pages, total, actor.on_duty, claim_enabled)


# --------------------------------------------------------------------------- duty


async def set_duty(uow: JobsUnitOfWork, actor: Actor, on_duty: bool) -> bool:
    """Switch the executor on or off duty; returns the new state."""
    _ensure_executor(actor)
    await uow.jobs.set_on_duty(actor.user_id, on_duty)
    await uow.commit()
    return on_duty


# --------------------------------------------------------------------------- work steps


async def claim_job(
    uow: JobsUnitOfWork, actor: Actor, request_id: int, now: datetime
) -> Transition:
    """Take a pool request (on duty, when the desk allows claiming)."""
    _ensure_executor(actor)
    if not (await uow.settings.load()).pool_claim_enabled:
        raise NotAllowed("job-error-pool-closed")
    return await perform_action(uow, actor, request_id, Action.CLAIM, now)


async def decline_job(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, now: datetime, reason: str | None
) -> Transition:
    """Give the job back to the managers with a reason (the request is ``new`` again)."""
    return await perform_action(uow, actor, request_id, Action.DECLINE, now, reason=reason)


async def start_job(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    now: datetime,
    *,
    eta_minutes: int | None = None,
) -> Transition:
    """Start the work; with ``eta_minutes`` the residents hear "on the way, about N min"."""
    if eta_minutes is not None and eta_minutes not in ETA_CHOICES:
        raise ValidationFailed("job-error-eta", minutes=eta_minutes)
    transition = await record_action(uow, actor, request_id, Action.START, now)
    if eta_minutes is not None:  # told in the same transaction as the start
        state = transition.new
        watchers = await uow.requests.watchers_of(request_id)
        await uow.outbox.add(
            *eta_notification((state.author_id, *watchers), state.number, state.id, eta_minutes)
        )
    await uow.commit()
    return transition


async def pause_for_materials(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, now: datetime
) -> Transition:
    return await perform_action(
        uow, actor, request_id, Action.HOLD, now, hold_reason=HoldReason.MATERIALS
    )


async def ask_clarification(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, now: datetime, question: str | None
) -> Transition:
    """Pause the work with a question the bot relays to the residents (they reply by comment)."""
    text = _clean(question, "comment")
    return await perform_action(
        uow,
        actor,
        request_id,
        Action.HOLD,
        now,
        hold_reason=HoldReason.CLARIFICATION,
        comment=text,
    )


async def complete_job(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    now: datetime,
    *,
    media: Sequence[StoredMedia],
    comment: str | None,
) -> Transition:
    """Store the "after" files (purpose ``completion``) and complete, in one transaction."""
    await check_action(uow, actor, request_id, Action.COMPLETE)
    text = _clean(comment, "comment")
    if not media:
        raise MissingField("media_count")
    if len(media) > MAX_FILES_PER_COMMENT:
        raise ValidationFailed("error-too-many-files", max=MAX_FILES_PER_COMMENT)
    for item in media:
        await uow.media.add(actor.user_id, MediaPurpose.COMPLETION, item, request_id=request_id)
    return await perform_action(uow, actor, request_id, Action.COMPLETE, now, comment=text)


# --------------------------------------------------------------------------- automatic assignment


def reason_text(chosen: RankedCandidate) -> str:
    """The assignment's reason as stored with it (canonical keys, one line)."""
    parts: list[str] = []
    for part in chosen.reason:
        key = part.key.removeprefix("assign-reason-")
        values = ",".join(f"{name}={value}" for name, value in part.params.items())
        parts.append(f"{key}({values})" if values else key)
    return "auto: " + "; ".join(parts)


async def plan_auto_assignment(source: AssignmentSource, state: RequestState) -> AutoAssignment:
    """Pick the best on-duty executor for a just-filed request, when its building auto-assigns
    (the caller assigns through the write path, ``record_action``)."""
    building = await source.building_assignment(state.building_id)
    if building is None or not building.auto_assign:
        return AutoAssignment(enabled=False)
    chosen = choose_executor(
        state.category, building.lat, building.lon, await source.executor_candidates()
    )
    return AutoAssignment(enabled=True, chosen=chosen, building=building)
