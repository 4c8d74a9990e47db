"""The audit log for admins: who changed what, when, on what; filtered by the person
who acted or by a request, a page at a time (and exported in full to CSV)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.access import Actor
from domain.errors import NotAllowed, ValidationFailed

ERROR_ADMINS_ONLY = "settings-error-admins-only"
ERROR_NO_REQUEST = "audit-error-no-request"
ERROR_NO_PERSON = "audit-error-no-person"
PAGE_SIZE = 10
PEOPLE_SHOWN = 8

ACTIONS: tuple[str, ...] = (
    "announcement.sent",
    "api_client.created",
    "api_client.revoked",
    "building.added",
    "building.auto_assign",
    "building.removed",
    "incident.declared",
    "incident.resolved",
    "invite.accepted",
    "invite.created",
    "invite.revoked",
    "reject_template.added",
    "reject_template.removed",
    "request.deadline_extended",
    "request.filed",
    "request.follow_up_closed",
    "request.joined",
    "request.resident_contacted",
    "residency.approved",
    "residency.document_requested",
    "residency.document_sent",
    "residency.rejected",
    "residency.requested",
    "role.granted",
    "role.revoked",
    "setting.changed",
    "specialization.added",
    "specialization.removed",
    "user.deactivated",
    "user.reactivated",
)
"""Every action the desk records; each has a display text ``audit-action-<a-b>``."""


def action_key(action: str) -> str:
    """The message key of an action's display text (``setting.changed`` →
    ``audit-action-setting-changed``)."""
    return "audit-action-" + action.replace(".", "-").replace("_", "-")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: int | None = None
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    entity: str
    entity_id: str
    data: dict[str, object]


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int
    filter: AuditFilter


@dataclass(frozen=True, slots=True)
class PersonChoice:
    id: int
    name: str


class AuditReader(Protocol):
    async def count(self, where: AuditFilter) -> int: ...
    async def entries(self, where: AuditFilter, offset: int, limit: int) -> list[AuditEntry]: ...
    def stream(self, where: AuditFilter, *, batch: int) -> AsyncIterator[list[AuditEntry]]: ...
    async def request_id(self, number: str) -> int | None: ...
    async def people(self, text: str, limit: int) -> list[PersonChoice]: ...


def ensure_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(ERROR_ADMINS_ONLY)


async def audit_page(reader: AuditReader, actor: Actor, where: AuditFilter, page: int) -> AuditPage:
    ensure_admin(actor)
    total = await reader.count(where)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    entries = await reader.entries(where, page * PAGE_SIZE, PAGE_SIZE)
    return AuditPage(entries, page, pages, total, where)


async def request_filter(reader: AuditReader, actor: Actor, text: str | None) -> AuditFilter:
    """A typed request number (``261207-004``, ``№261207-004``)."""
    ensure_admin(actor)
    number = (text or "").strip().lstrip("№#").strip()
    found = await reader.request_id(number) if number else None
    if found is None:
        raise ValidationFailed(ERROR_NO_REQUEST, number=number or "—")
    return AuditFilter(request_id=found)


async def find_people(reader: AuditReader, actor: Actor, text: str | None) -> list[PersonChoice]:
    """People matching a typed name, phone, @username or id."""
    ensure_admin(actor)
    query = (text or "").strip()
    found = await reader.people(query, PEOPLE_SHOWN) if query else []
    if not found:
        raise ValidationFailed(ERROR_NO_PERSON, query=query or "—")
    return found
