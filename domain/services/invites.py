"""Open invites (listed and revoked) and handing a deactivated executor's open jobs
back to the desk.

A manager sees and revokes the invites they created; an admin every invite. Jobs go
back through ``record_action(UNASSIGN)``, the one write path of a request's state,
one request at a time in one transaction; a job in a building the manager does not
run stays with the executor and is counted as kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.access import NOT_AVAILABLE, Actor
from domain.enums import Action, RequestStatus, Role
from domain.errors import DomainError, NotAllowed, ValidationFailed
from domain.services.jobs import JobsRepository
from domain.services.requests import RequestsUnitOfWork, record_action
from domain.services.users import AuditLog

ERROR_INVITE_GONE = "staff-invite-gone"
INVITES_SHOWN = 20
HAND_BACK_LIMIT = 500

HELD_BY_EXECUTOR: frozenset[RequestStatus] = frozenset(
    {
        RequestStatus.ASSIGNED,
        RequestStatus.ACCEPTED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.ON_HOLD,
        RequestStatus.RETURNED,
    }
)
"""An executor's open jobs: what handing back returns to the desk."""


@dataclass(frozen=True, slots=True)
class OpenInvite:
    id: int
    role: Role
    specializations: tuple[str, ...]
    buildings: tuple[str, ...]
    created_by: int | None
    creator: str | None
    expires_at: datetime


class InviteRepository(Protocol):
    async def open_invites(
        self, created_by: int | None, now: datetime, limit: int
    ) -> list[OpenInvite]: ...

    async def revoke(
        self, invite_id: int, created_by: int | None, by: int, now: datetime
    ) -> OpenInvite | None:
        """Revokes an unused, unrevoked, unexpired invite (of ``created_by`` when given)."""
        ...


class InvitesUnitOfWork(Protocol):
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


def _owner_filter(actor: Actor) -> int | None:
    """Whose invites the actor may see: ``None`` for an admin (everybody's)."""
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    return None if actor.is_admin else actor.user_id


async def list_open_invites(
    uow: InvitesUnitOfWork, actor: Actor, now: datetime
) -> list[OpenInvite]:
    return await uow.invites.open_invites(_owner_filter(actor), now, INVITES_SHOWN)


async def revoke_invite(
    uow: InvitesUnitOfWork, actor: Actor, invite_id: int, now: datetime
) -> OpenInvite:
    revoked = await uow.invites.revoke(invite_id, _owner_filter(actor), actor.user_id, now)
    if revoked is None:
        raise ValidationFailed(ERROR_INVITE_GONE)
    await uow.audit.record(
        actor.user_id, "invite.revoked", "invite", str(invite_id), {"role": revoked.role.value}
    )
    await uow.commit()
    return revoked


class HandBackUnitOfWork(RequestsUnitOfWork, Protocol):
    @property
    def jobs(self) -> JobsRepository: ...


@dataclass(frozen=True, slots=True)
class HandBack:
    returned: tuple[str, ...]
    """Numbers of the requests now back at the desk (unassigned, ``new``)."""
    kept: int
    """Jobs the actor may not take back (another manager's building)."""


async def open_jobs_count(uow: HandBackUnitOfWork, actor: Actor, executor_id: int) -> int:
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    total, _ = await uow.jobs.active_jobs(executor_id, HELD_BY_EXECUTOR, 0, 0)
    return total


async def hand_back_jobs(
    uow: HandBackUnitOfWork, actor: Actor, executor_id: int, now: datetime
) -> HandBack:
    """Unassign every open job of the executor the actor manages; one transaction."""
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    _, jobs = await uow.jobs.active_jobs(executor_id, HELD_BY_EXECUTOR, 0, HAND_BACK_LIMIT)
    returned: list[str] = []
    kept = 0
    for job in jobs:
        try:
            await record_action(uow, actor, job.id, Action.UNASSIGN, now)
        except DomainError:
            kept += 1
            continue
        returned.append(job.number)
    await uow.commit()
    return HandBack(tuple(returned), kept)
