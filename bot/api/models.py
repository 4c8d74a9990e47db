"""What the REST API accepts and answers: pydantic models. The handlers validate with
them and ``bot.api.openapi`` builds the OpenAPI document from the same models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from domain.enums import (
    AccessMode,
    Category,
    Language,
    PlaceKind,
    RequestStatus,
    TimeSlot,
    Urgency,
)
from domain.lifecycle import MAX_TEXT_LENGTH
from domain.services.filing import MAX_DESCRIPTION, MIN_DESCRIPTION

MAX_ID = 2**63 - 1
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def _storable(value: str) -> str:
    """Text Postgres can keep: UTF-8, no NUL character."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


def instant(value: datetime) -> datetime:
    """An instant Postgres can compare: within years 2000-2100 once in UTC."""
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise ValueError("out of range") from error
    if not FIRST_DAY <= utc.date() <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return utc


Text = Annotated[str, AfterValidator(_storable)]
Instant = Annotated[AwareDatetime, AfterValidator(instant)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


# --------------------------------------------------------------------------- problems


class FieldError(_Model):
    field: str = Field(description="where: body.description, query.limit, …")
    message: str


class Problem(_Model):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URN naming the kind of problem")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


# --------------------------------------------------------------------------- token


class TokenIn(_Model):
    client_id: Id
    client_secret: Annotated[Text, Field(min_length=1, max_length=200)]


class TokenOut(_Model):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="seconds")
    scope: str = Field(description="space-separated: requests:read requests:write export")


# --------------------------------------------------------------------------- requests


class RequestOut(_Model):
    id: int
    number: str = Field(description="YYMMDD-NNN")
    status: RequestStatus
    category: Category
    urgency: Urgency
    building_id: int
    address: str
    apartment: str | None
    place: PlaceKind
    description: str
    created_at: datetime
    updated_at: datetime
    accept_due_at: datetime | None
    complete_due_at: datetime | None
    closed_at: datetime | None


class HistoryOut(_Model):
    action: str
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    actor_role: str
    at: datetime
    reason: str | None


class CommentOut(_Model):
    author: str | None
    author_role: str | None
    internal: bool
    text: str
    at: datetime


class RequestDetailOut(RequestOut):
    history: list[HistoryOut]
    comments: list[CommentOut]


class RequestPageOut(_Model):
    items: list[RequestOut]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last page"
    )


class RequestListQuery(_Model):
    status: list[RequestStatus] = Field(default_factory=list, description="any of these")
    building_id: Id | None = None
    created_from: Day | None = Field(default=None, description="first business day, included")
    created_to: Day | None = Field(default=None, description="last business day, included")
    updated_since: Instant | None = Field(
        default=None, description="changed at or after this instant (with a time zone)"
    )
    cursor: Annotated[Text, Field(max_length=200)] | None = None
    limit: int = Field(default=50, ge=1, le=200)


class RequestPath(_Model):
    request_id: Id


class IntakeIn(_Model):
    """A request taken by phone: filed for the resident who gave this phone in the bot,
    through the same filing as in the chat; the resident is told in their chat."""

    phone: Annotated[Text, Field(min_length=3, max_length=32, examples=["+998901234567"])]
    category: Category
    description: Annotated[Text, Field(min_length=MIN_DESCRIPTION, max_length=MAX_DESCRIPTION)]
    urgency: Urgency = Urgency.NORMAL
    place: PlaceKind = Field(
        default=PlaceKind.APARTMENT, description="the resident's apartment or a common area"
    )
    apartment_id: Id | None = Field(
        default=None, description="needed when the resident has several apartments"
    )
    building_id: Id | None = Field(
        default=None, description="for a common area, when the resident has several buildings"
    )
    access: AccessMode = AccessMode.ANY_TIME
    time_slot: TimeSlot = TimeSlot.ANY
    reference: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,64}$")] | None = Field(
        default=None,
        description="your id of the call: the same reference files the request once",
    )


class IntakeOut(RequestOut):
    already_filed: bool = Field(description="true: this reference had filed it before")


class CommentIn(_Model):
    text: Annotated[Text, Field(min_length=1, max_length=MAX_TEXT_LENGTH)]
    internal: bool = Field(default=False, description="true: staff only, never the resident")


class CommentCreatedOut(_Model):
    request_id: int
    number: str
    comment_id: int | None
    notified: int = Field(description="people told about the comment")


# --------------------------------------------------------------------------- export


class ExportQuery(_Model):
    date_from: Day = Field(description="first business day, included")
    date_to: Day = Field(description="last business day, included")
    building_id: Id | None = None
    lang: Language | None = Field(default=None, description="of the header and the values")


# --------------------------------------------------------------------------- events


class EventOut(_Model):
    id: int = Field(description="pass the last one as `after`")
    request_id: int
    number: str
    action: str
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    actor_role: str
    at: datetime


class EventPageOut(_Model):
    items: list[EventOut]
    next_after: int = Field(description="`after` for the next call")


class EventsQuery(_Model):
    after: int = Field(default=0, ge=0, le=MAX_ID)
    limit: int = Field(default=100, ge=1, le=500)
    wait: float = Field(
        default=0, ge=0, le=30, description="seconds to wait for an event when there is none"
    )
