"""SQLAlchemy 2 models: the Postgres schema of the desk.

Conventions:

* every timestamp is ``timestamptz`` (aware UTC datetimes in Python);
* enums are stored as their canonical ``StrEnum`` values in ``varchar(32)``
  columns (no native Postgres enum types, no CHECK constraints: adding a key to
  ``domain.enums`` needs no migration);
* constraint names follow ``NAMING_CONVENTION`` so migrations can address them;
* the schema only changes through Alembic revisions in ``migrations/versions``;
  a test asserts that these models and the migrations match.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from domain.enums import (
    AccessMode,
    ActorRole,
    Category,
    CommentVisibility,
    FollowUpReason,
    HoldReason,
    Language,
    MediaKind,
    MediaPurpose,
    OutboxState,
    PlaceKind,
    RequestStatus,
    ResidencyKind,
    Role,
    Specialization,
    TimeSlot,
    Urgency,
    UserStatus,
    VerificationState,
)

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENUM_LENGTH = 32

#: Statuses in which a request still needs work from the desk (deadline sweeps).
OPEN_STATUSES: tuple[RequestStatus, ...] = (
    RequestStatus.NEW,
    RequestStatus.ASSIGNED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.ON_HOLD,
    RequestStatus.RETURNED,
)


def str_enum(enum_cls: type[enum.Enum]) -> sa.Enum:
    """A ``varchar(32)`` column holding the enum's values (canonical keys)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=ENUM_LENGTH,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


def jsonb() -> JSONB:
    # Python None is SQL NULL (not the JSON literal ``null``).
    return JSONB(none_as_null=True)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        dt.datetime: sa.DateTime(timezone=True),
        dict[str, Any]: JSONB(none_as_null=True),
        str: sa.Text(),
        int: sa.Integer(),
    }


def table_of(model: type[Base]) -> sa.Table:
    """A model's table, for Core statements: a hot INSERT through the ORM costs twice
    the CPU of the same statement on the table."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def created_at_column() -> MappedColumn[Any]:
    return mapped_column(server_default=sa.func.now())


def updated_at_column() -> MappedColumn[Any]:
    return mapped_column(server_default=sa.func.now(), onupdate=sa.func.now())


# --------------------------------------------------------------------------- directory


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[dt.datetime] = created_at_column()


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "address"),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    address: Mapped[str]
    district: Mapped[str | None]
    lat: Mapped[float | None] = mapped_column(sa.Double)
    lon: Mapped[float | None] = mapped_column(sa.Double)
    auto_assign: Mapped[bool] = mapped_column(server_default=sa.true())
    created_at: Mapped[dt.datetime] = created_at_column()


class Entrance(Base):
    __tablename__ = "entrances"
    __table_args__ = (sa.UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("buildings.id", ondelete="CASCADE")
    )
    number: Mapped[str]  # "1", "2", "A": as written on the door


class Apartment(Base):
    __tablename__ = "apartments"
    __table_args__ = (sa.UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("buildings.id", ondelete="CASCADE")
    )
    entrance_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("entrances.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[str]  # "12", "12А", "12/1"
    floor: Mapped[int | None]


# --------------------------------------------------------------------------- people


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(server_default="")
    last_name: Mapped[str | None]
    username: Mapped[str | None]
    full_name: Mapped[str | None]  # as the person gave it to the management company
    phone: Mapped[str | None] = mapped_column(index=True)
    language: Mapped[Language | None] = mapped_column(str_enum(Language))  # None: not chosen yet
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus), server_default=UserStatus.ACTIVE.value
    )
    unreachable: Mapped[bool] = mapped_column(server_default=sa.false())  # blocked the bot
    unreachable_since: Mapped[dt.datetime | None]
    on_duty: Mapped[bool] = mapped_column(server_default=sa.false())
    created_at: Mapped[dt.datetime] = created_at_column()
    updated_at: Mapped[dt.datetime] = updated_at_column()


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True, index=True)
    created_at: Mapped[dt.datetime] = created_at_column()


class ExecutorSpecialization(Base):
    __tablename__ = "executor_specializations"

    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    specialization: Mapped[Specialization] = mapped_column(
        str_enum(Specialization), primary_key=True, index=True
    )


class ManagerBuilding(Base):
    __tablename__ = "manager_buildings"

    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        sa.BigInteger,
        sa.ForeignKey("buildings.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )


class ResidentApartment(Base):
    __tablename__ = "resident_apartments"
    __table_args__ = (sa.UniqueConstraint("user_id", "apartment_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    apartment_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("apartments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ResidencyKind] = mapped_column(str_enum(ResidencyKind))
    verification: Mapped[VerificationState] = mapped_column(
        str_enum(VerificationState),
        server_default=VerificationState.PENDING.value,
        index=True,
    )
    rejection_reason: Mapped[str | None]
    document_media_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("media.id", ondelete="SET NULL")
    )
    verified_by: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = created_at_column()
    updated_at: Mapped[dt.datetime] = updated_at_column()


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    # lists of canonical keys / building ids
    specializations: Mapped[list[str]] = mapped_column(jsonb(), server_default="[]")
    building_ids: Mapped[list[int]] = mapped_column(jsonb(), server_default="[]")
    created_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = created_at_column()
    expires_at: Mapped[dt.datetime]
    used_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )


# --------------------------------------------------------------------------- requests


class RequestNumberCounter(Base):
    __tablename__ = "request_number_counters"

    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)  # business day
    last: Mapped[int]


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (
        sa.Index("ix_requests_building_id_status", "building_id", "status"),
        sa.Index("ix_requests_assignee_id_status", "assignee_id", "status"),
        sa.Index("ix_requests_author_id_created_at", "author_id", "created_at"),
        sa.Index("ix_requests_updated_at_id", "updated_at", "id"),  # the API's "updated since"
        sa.Index(
            "ix_requests_complete_due_at_open",
            "complete_due_at",
            postgresql_where=sa.text(
                "status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")"
            ),
        ),
        sa.CheckConstraint("held_seconds >= 0", name="held_seconds_non_negative"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    number: Mapped[str] = mapped_column(unique=True)  # YYMMDD-NNN
    author_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    building_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("buildings.id"))
    apartment_id: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("apartments.id"))
    entrance_id: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("entrances.id"))
    place_kind: Mapped[PlaceKind] = mapped_column(str_enum(PlaceKind))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency))
    description: Mapped[str]
    access_mode: Mapped[AccessMode] = mapped_column(
        str_enum(AccessMode), server_default=AccessMode.ANY_TIME.value
    )
    time_slot: Mapped[TimeSlot] = mapped_column(
        str_enum(TimeSlot), server_default=TimeSlot.ANY.value
    )
    visit_note: Mapped[str | None]
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), server_default=RequestStatus.NEW.value, index=True
    )
    assignee_id: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    hold_reason: Mapped[HoldReason | None] = mapped_column(str_enum(HoldReason))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = created_at_column()
    assigned_at: Mapped[dt.datetime | None]
    accepted_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    completed_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    hold_started_at: Mapped[dt.datetime | None]
    held_seconds: Mapped[int] = mapped_column(server_default="0")
    accept_due_at: Mapped[dt.datetime | None]
    complete_due_at: Mapped[dt.datetime | None]
    # What the deadlines count from (``domain.schedule.SlaClocks``); NULL: created_at.
    accept_clock_from: Mapped[dt.datetime | None]
    complete_clock_from: Mapped[dt.datetime | None]
    accept_extension_seconds: Mapped[int] = mapped_column(server_default="0")
    complete_extension_seconds: Mapped[int] = mapped_column(server_default="0")
    auto_accept_from: Mapped[dt.datetime | None]
    # The target of the outage incident the request is linked to (its deadline meanwhile).
    incident_due_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = updated_at_column()


class RequestWatcher(Base):
    """A resident who joined the request instead of filing a duplicate."""

    __tablename__ = "request_watchers"

    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = created_at_column()


class RequestHistory(Base):
    __tablename__ = "request_history"
    __table_args__ = (sa.Index("ix_request_history_request_id_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(sa.String(64))  # canonical action key
    from_status: Mapped[RequestStatus | None] = mapped_column(str_enum(RequestStatus))
    to_status: Mapped[RequestStatus | None] = mapped_column(str_enum(RequestStatus))
    actor_id: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    actor_role: Mapped[ActorRole] = mapped_column(str_enum(ActorRole))
    reason: Mapped[str | None]  # reason or comment typed by the actor
    payload: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    at: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now())


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (
        # at most one current assignment per request
        sa.Index(
            "uq_assignments_request_id_current",
            "request_id",
            unique=True,
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
        sa.Index("ix_assignments_request_id", "request_id"),
        sa.Index(
            "ix_assignments_executor_id_current",
            "executor_id",
            postgresql_where=sa.text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    executor_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    assigned_by: Mapped[int | None] = mapped_column(  # None: automatic assignment
        sa.BigInteger, sa.ForeignKey("users.id")
    )
    assigned_at: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now())
    reason: Mapped[str | None]  # "plumber, on duty, 1 open job, 0.4 km"
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None]


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (sa.Index("ix_comments_request_id_created_at", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    visibility: Mapped[CommentVisibility] = mapped_column(str_enum(CommentVisibility))
    text: Mapped[str]
    created_at: Mapped[dt.datetime] = created_at_column()


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (sa.CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE"), unique=True
    )
    resident_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    stars: Mapped[int] = mapped_column(sa.SmallInteger)
    text: Mapped[str | None]
    created_at: Mapped[dt.datetime] = created_at_column()


class Media(Base):
    __tablename__ = "media"
    __table_args__ = (sa.Index("ix_media_request_id_purpose", "request_id", "purpose"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    comment_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("comments.id", ondelete="SET NULL")
    )
    owner_user_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    purpose: Mapped[MediaPurpose] = mapped_column(str_enum(MediaPurpose))
    kind: Mapped[MediaKind] = mapped_column(str_enum(MediaKind))
    file_id: Mapped[str]
    file_unique_id: Mapped[str]
    storage_chat_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    storage_message_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    mime: Mapped[str | None]
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = created_at_column()


class StaffPost(Base):
    """The staff chat message that shows a request (edited as the request changes)."""

    __tablename__ = "staff_posts"

    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = created_at_column()


class SlaTimer(Base):
    __tablename__ = "sla_timers"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "kind"),
        sa.Index(
            "ix_sla_timers_due_at_pending",
            "due_at",
            postgresql_where=sa.text("fired_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(sa.String(64))  # domain.enums.TimerKind
    due_at: Mapped[dt.datetime]
    fired_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = created_at_column()


class FollowUp(Base):
    """A manager's follow-up of a low rating or a returned request."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.Index(
            "ix_follow_ups_request_id_open",
            "request_id",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
        sa.Index(
            "ix_follow_ups_due_at_open", "due_at", postgresql_where=sa.text("closed_at IS NULL")
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE")
    )
    reason: Mapped[FollowUpReason] = mapped_column(str_enum(FollowUpReason))
    opened_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[int | None] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"))
    comment: Mapped[str | None]


# --------------------------------------------------------------------------- infrastructure


class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index(
            "ix_outbox_state_next_attempt_at_pending",
            "state",
            "next_attempt_at",
            postgresql_where=sa.text("state = 'pending'"),
        ),
        # ``dedupe_key LIKE 'prefix%'`` (the staff chat card of a request) under any collation
        sa.Index(
            "ix_outbox_dedupe_key_prefix",
            "dedupe_key",
            postgresql_ops={"dedupe_key": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_outbox_announcement",
            "announcement_id",
            postgresql_where=sa.text("announcement_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    chat_id: Mapped[int] = mapped_column(sa.BigInteger)
    user_id: Mapped[int | None] = mapped_column(sa.BigInteger)  # None for groups and channels
    template: Mapped[str]  # message key
    params: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    buttons: Mapped[list[Any] | None] = mapped_column(jsonb())
    media: Mapped[list[Any] | None] = mapped_column(jsonb())
    edit_of: Mapped[dict[str, Any] | None] = mapped_column(jsonb())  # {chat_id, message_id}
    dedupe_key: Mapped[str | None] = mapped_column(unique=True)
    state: Mapped[OutboxState] = mapped_column(
        str_enum(OutboxState), server_default=OutboxState.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now())
    last_error: Mapped[str | None]
    created_at: Mapped[dt.datetime] = created_at_column()
    sent_at: Mapped[dt.datetime | None]
    sent_message_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    priority: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    """0: personal (claimed first), 1: bulk (announcements), ``domain.enums.Priority``."""
    paid_broadcast: Mapped[bool] = mapped_column(server_default=sa.false())
    html: Mapped[bool] = mapped_column(server_default=sa.false())  # parse mode HTML
    announcement_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("announcements.id", ondelete="SET NULL")
    )


class Announcement(Base):
    """What a manager wrote once to whole buildings; each recipient's delivery is an
    outbox row with this id (``storage/repositories/announcements.py``)."""

    __tablename__ = "announcements"
    __table_args__ = (
        sa.Index(
            "ix_announcements_reminder_due",
            "reminder_due_at",
            postgresql_where=sa.text("reminder_due_at IS NOT NULL AND reminder_sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)  # the draft's: sent once
    author_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(sa.String(32))  # domain.enums.AnnouncementKind
    text: Mapped[str]  # HTML as Telegram allows it, sent as written
    media: Mapped[dict[str, Any] | None] = mapped_column(jsonb())  # {kind, file_id}
    verified_only: Mapped[bool]
    entrance_ids: Mapped[list[int]] = mapped_column(jsonb(), server_default="[]")
    starts_at: Mapped[dt.datetime | None]
    ends_at: Mapped[dt.datetime | None]
    reminder_due_at: Mapped[dt.datetime | None]
    reminder_sent_at: Mapped[dt.datetime | None]
    paid_broadcast: Mapped[bool] = mapped_column(server_default=sa.false())
    recipients: Mapped[int] = mapped_column(server_default="0")
    created_at: Mapped[dt.datetime] = created_at_column()


class AnnouncementBuilding(Base):
    __tablename__ = "announcement_buildings"
    __table_args__ = (
        sa.Index("ix_announcement_buildings_building", "building_id", "announcement_id"),
    )

    announcement_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True
    )


class InboxUpdate(Base):
    """An update as Telegram sent it, and whether (and by which attempt) it was handled
    (``storage/repositories/inbox.py``)."""

    __tablename__ = "inbox_updates"
    __table_args__ = (
        sa.Index(
            "ix_inbox_updates_unhandled",
            "bot_id",
            "update_id",
            postgresql_where=sa.text("handled_at IS NULL"),
        ),
    )

    bot_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(jsonb())
    received_at: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now(), index=True)
    attempt: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    lease_until: Mapped[dt.datetime | None]
    handled_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None]


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[Any] = mapped_column(jsonb())
    updated_at: Mapped[dt.datetime] = updated_at_column()
    updated_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[str]
    entity: Mapped[str]
    entity_id: Mapped[str]
    data: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    at: Mapped[dt.datetime] = mapped_column(server_default=sa.func.now(), index=True)


class ReportDigest(Base):
    """A scheduled digest of one period: the row's unique key makes it sent once."""

    __tablename__ = "report_digests"
    __table_args__ = (sa.UniqueConstraint("kind", "period_start"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # domain.services.reports.DigestKind
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    claimed_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    recipients: Mapped[int] = mapped_column(server_default="0")


class ApiClient(Base):
    """An integration allowed to call the REST API (``bot.api``): only a hash of its
    secret is kept; a revoked client is refused at once. ``user_id`` is the client's own
    user row (a negative id), its name in history and comments."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    name: Mapped[str]
    scopes: Mapped[list[str]] = mapped_column(jsonb(), server_default="[]")
    building_ids: Mapped[list[int]] = mapped_column(jsonb(), server_default="[]")  # []: all
    secret_hash: Mapped[str]
    user_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("users.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = created_at_column()
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class GeocodeCache(Base):
    __tablename__ = "geocode_cache"

    query: Mapped[str] = mapped_column(primary_key=True)  # normalised query key
    lat: Mapped[float | None] = mapped_column(sa.Double)  # None: nothing found (cached miss)
    lon: Mapped[float | None] = mapped_column(sa.Double)
    address: Mapped[str | None]
    created_at: Mapped[dt.datetime] = created_at_column()


# --------------------------------------------------------------------------- incidents


class Incident(Base):
    """An outage of a building (no water, no power...): its updates and resolution reach
    every linked request's resident and every follower. One open incident per building
    and category."""

    __tablename__ = "incidents"
    __table_args__ = (
        sa.Index(
            "ux_incidents_building_id_category_open",
            "building_id",
            "category",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("buildings.id"))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    text: Mapped[str]
    status: Mapped[str] = mapped_column(sa.String(16), server_default="open", index=True)
    declared_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    declared_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    updates: Mapped[int] = mapped_column(server_default="0")
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolution: Mapped[str | None] = mapped_column(sa.String(16))  # close | return
    resolution_text: Mapped[str | None]


class IncidentRequest(Base):
    """A request linked to an incident (a request belongs to at most one)."""

    __tablename__ = "incident_requests"

    request_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    linked_at: Mapped[dt.datetime]


class IncidentFollower(Base):
    """A resident who follows an incident instead of filing a request."""

    __tablename__ = "incident_followers"

    incident_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[dt.datetime]


class IncidentSuggestion(Base):
    """ "Possible outage": N requests of one category in one building within M minutes.
    At most one pending per building and category (whichever process inserts it sends
    it); the requests it counted are never counted again."""

    __tablename__ = "incident_suggestions"
    __table_args__ = (
        sa.Index(
            "ux_incident_suggestions_building_id_category_pending",
            "building_id",
            "category",
            unique=True,
            postgresql_where=sa.text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(sa.BigInteger, sa.ForeignKey("buildings.id"))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    request_ids: Mapped[list[int]] = mapped_column(sa.ARRAY(sa.BigInteger))
    first_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(sa.String(16), server_default="pending")
    decided_by: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[dt.datetime | None]
    incident_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, sa.ForeignKey("incidents.id", ondelete="SET NULL")
    )
