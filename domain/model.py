"""The request as the domain sees it: a frozen snapshot built from a storage row.

Re-exported by ``domain.lifecycle``; it lives here so that ``domain.access``
can use it without importing the lifecycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.enums import Category, HoldReason, RequestStatus, Urgency


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestState:
    """A request row as the lifecycle needs it. All datetimes are aware UTC.

    Timestamps describe the *current* work cycle: ``assigned_at``,
    ``accepted_at`` and ``started_at`` are cleared when the executor changes
    (reassign / unassign / decline); ``completed_at`` is cleared when the
    resident returns the work. ``closed_at`` is set when the request reaches a
    final status (closed, rejected or cancelled). The history keeps every
    instant.

    ``held_seconds`` is the total of finished holds; while ``on_hold``,
    ``hold_started_at`` is the start of the running hold.
    """

    id: int
    number: str
    status: RequestStatus
    author_id: int
    building_id: int
    apartment_id: int | None
    category: Category
    urgency: Urgency
    assignee_id: int | None
    created_at: datetime
    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    hold_started_at: datetime | None = None
    hold_reason: HoldReason | None = None
    held_seconds: int = 0
    rating: int | None = None
