"""Domain events: facts the rest of the system reacts to (notifications, SLA).

Every event carries the request id and number, the acting user (``None`` for
the automation), the role it acted in and the instant. ``apply_action`` emits
exactly one event per transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.enums import ActorRole, Category, ClosedBy, HoldReason, Urgency

LOW_RATING_MAX = 2
"""Ratings up to this value (1–2) open a manager follow-up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    request_id: int
    number: str
    actor_id: int | None
    actor_role: ActorRole
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestCreated(DomainEvent):
    author_id: int
    building_id: int
    apartment_id: int | None
    category: Category
    urgency: Urgency


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestAssigned(DomainEvent):
    """assign / reassign by a manager (``previous_assignee_id`` set on reassign)."""

    assignee_id: int
    previous_assignee_id: int | None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestUnassigned(DomainEvent):
    """A manager sent the request back to the unassigned queue."""

    previous_assignee_id: int | None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestClaimed(DomainEvent):
    """An on-duty executor took a pool request (it is accepted at once)."""

    assignee_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestAccepted(DomainEvent):
    assignee_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestDeclined(DomainEvent):
    """The executor declined; the request is unassigned (``new``) again."""

    previous_assignee_id: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkStarted(DomainEvent):
    assignee_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkPaused(DomainEvent):
    hold_reason: HoldReason
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkResumed(DomainEvent):
    held_seconds: int
    """Length of the hold that just ended."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkCompleted(DomainEvent):
    assignee_id: int
    comment: str
    media_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestClosed(DomainEvent):
    how: ClosedBy
    rating: int | None = None
    comment: str | None = None

    @property
    def needs_follow_up(self) -> bool:
        """A low rating (1–2) opens a manager follow-up."""
        return self.rating is not None and self.rating <= LOW_RATING_MAX


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestReturned(DomainEvent):
    """The resident was not satisfied; the same executor gets it back."""

    reason: str
    assignee_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRejected(DomainEvent):
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestCancelled(DomainEvent):
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryChanged(DomainEvent):
    previous: Category
    category: Category


@dataclass(frozen=True, slots=True, kw_only=True)
class UrgencyChanged(DomainEvent):
    previous: Urgency
    urgency: Urgency


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentLinkChanged(DomainEvent):
    """The request was linked to an outage incident (``linked``) or returned from it to
    the desk when the incident was resolved; its status does not change."""

    incident_id: int
    linked: bool
