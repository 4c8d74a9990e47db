"""Canonical, language-independent keys stored in the database.

Display text for every member lives in the locale catalogues (``<enum>-<value>``).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    EXECUTOR = "executor"
    MANAGER = "manager"
    ADMIN = "admin"


class ActorRole(StrEnum):
    """Who performs a lifecycle action; ``system`` is the scheduler/automation."""

    RESIDENT = "resident"
    EXECUTOR = "executor"
    MANAGER = "manager"
    ADMIN = "admin"
    SYSTEM = "system"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class Language(StrEnum):
    RU = "ru"
    UZ = "uz"
    EN = "en"


class Specialization(StrEnum):
    PLUMBER = "plumber"
    ELECTRICIAN = "electrician"
    CARPENTER = "carpenter"
    ELEVATOR = "elevator"
    CLEANER = "cleaner"
    HEATING = "heating"
    GENERAL = "general"
    SECURITY = "security"


class Category(StrEnum):
    PLUMBING = "plumbing"
    ELECTRICITY = "electricity"
    HEATING = "heating"
    ELEVATOR = "elevator"
    CLEANING = "cleaning"
    CARPENTRY = "carpentry"
    SECURITY = "security"
    OTHER = "other"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class PlaceKind(StrEnum):
    APARTMENT = "apartment"
    ENTRANCE = "entrance"
    STAIRWELL = "stairwell"
    BASEMENT = "basement"
    ROOF = "roof"
    YARD = "yard"
    ELEVATOR = "elevator"


class AccessMode(StrEnum):
    ANY_TIME = "any_time"
    CALL_FIRST = "call_first"
    KEY_AT_CONCIERGE = "key_at_concierge"
    WITH_ME_PRESENT = "with_me_present"


class TimeSlot(StrEnum):
    ANY = "any"
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


class RequestStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CLOSED = "closed"
    RETURNED = "returned"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class HoldReason(StrEnum):
    MATERIALS = "materials"
    CLARIFICATION = "clarification"
    OTHER = "other"


class ResidencyKind(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class VerificationState(StrEnum):
    PENDING = "pending"
    DOCUMENT_REQUESTED = "document_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class CommentVisibility(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
    VOICE = "voice"


class MediaPurpose(StrEnum):
    REQUEST = "request"
    COMPLETION = "completion"
    COMMENT = "comment"
    VERIFICATION = "verification"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Action(StrEnum):
    """Lifecycle actions; the only way a request changes (see ``domain.lifecycle``).

    ``create`` is recorded in the history when a request is filed; it is not a
    row of the action table.
    """

    CREATE = "create"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    UNASSIGN = "unassign"
    CLAIM = "claim"
    ACCEPT = "accept"
    DECLINE = "decline"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    COMPLETE = "complete"
    CONFIRM_COMPLETION = "confirm_completion"
    CLOSE_ON_BEHALF = "close_on_behalf"
    ACCEPT_WORK = "accept_work"
    RETURN_WORK = "return_work"
    AUTO_ACCEPT = "auto_accept"
    REJECT = "reject"
    CANCEL = "cancel"
    CHANGE_CATEGORY = "change_category"
    CHANGE_URGENCY = "change_urgency"
    LINK_INCIDENT = "link_incident"
    CLOSE_BY_INCIDENT = "close_by_incident"
    RETURN_FROM_INCIDENT = "return_from_incident"


class ClosedBy(StrEnum):
    """How a completed request was closed."""

    RESIDENT = "resident"
    MANAGER = "manager"
    AUTO = "auto"
    INCIDENT = "incident"  # the outage it was linked to was resolved


class TimerKind(StrEnum):
    """A pending deadline event of a request (one ``sla_timers`` row each)."""

    ACCEPT_REMINDER = "accept_reminder"  # 75 % of time to accept: the executor
    ACCEPT_OVERDUE = "accept_overdue"  # 100 %: managers of the building
    ACCEPT_CRITICAL = "accept_critical"  # 150 %: managers and admins
    COMPLETE_REMINDER = "complete_reminder"
    COMPLETE_OVERDUE = "complete_overdue"
    COMPLETE_CRITICAL = "complete_critical"
    AUTO_ACCEPT_REMINDER = "auto_accept_reminder"  # the resident, before auto-accept
    AUTO_ACCEPT = "auto_accept"
    FOLLOW_UP_OVERDUE = "follow_up_overdue"  # a manager's follow-up is late


class FollowUpReason(StrEnum):
    """Why a manager must follow a request up."""

    LOW_RATING = "low_rating"
    RETURNED = "returned"
