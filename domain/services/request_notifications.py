"""Who must know about a request change, and what they are told.

One place maps every lifecycle event (``domain.events``) and every comment to
``Notification`` rows for the people involved, in the rules of PRODUCT.md
"Notifications": the resident (the author and the watchers who joined the
request) hears about the status, comments and completion; the executor about
(re)assignment and what happens to their job; the managers of the building
about new requests, declines, returns, cancellations and low ratings.

The actor is never told about their own action, and nobody gets two messages
about one event (a manager who also lives in the building is told once).

Buttons carry callback data as plain strings; the factories in
``fsm.tracking`` pack to exactly these forms (a unit test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.clock import ensure_utc
from domain.enums import (
    AccessMode,
    ActorRole,
    Category,
    ClosedBy,
    CommentVisibility,
    HoldReason,
    PlaceKind,
    RequestStatus,
    TimeSlot,
    Urgency,
)
from domain.events import (
    CategoryChanged,
    DomainEvent,
    RequestAccepted,
    RequestAssigned,
    RequestCancelled,
    RequestClaimed,
    RequestClosed,
    RequestCreated,
    RequestDeclined,
    RequestRejected,
    RequestReturned,
    RequestUnassigned,
    UrgencyChanged,
    WorkCompleted,
    WorkPaused,
    WorkResumed,
    WorkStarted,
)
from domain.services.notifications import Button, MediaRef, Notification, tr

__all__ = [
    "ACCEPT_WORK_DATA",
    "JOB_ACCEPT_DATA",
    "JOB_DECLINE_DATA",
    "JOB_OPEN_DATA",
    "OPEN_REQUEST_DATA",
    "REPLY_DATA",
    "RETURN_WORK_DATA",
    "Audience",
    "JobInfo",
    "comment_notifications",
    "eta_notification",
    "format_due",
    "job_card_params",
    "map_link",
    "notifications_for",
]

OPEN_REQUEST_DATA = "trk:open:{request_id}"
"""The resident's request card (``fsm.tracking.TrackCb(action="open")``)."""
ACCEPT_WORK_DATA = "rloop:accept:{request_id}"
"""Accept the completed work (``fsm.tracking.CloseLoopCb(action="accept")``)."""
RETURN_WORK_DATA = "rloop:return:{request_id}"
"""Return the completed work (``fsm.tracking.CloseLoopCb(action="return")``)."""
REPLY_DATA = "trk:comment:{request_id}"
"""The resident answers the executor's question (``fsm.tracking.TrackCb(action="comment")``)."""
JOB_ACCEPT_DATA = "job:accept:{request_id}"
"""The executor takes the job (``fsm.executor.JobCb(action="accept")``)."""
JOB_DECLINE_DATA = "job:decline:{request_id}"
"""The executor declines the job with a reason (``fsm.executor.JobCb(action="decline")``)."""
JOB_OPEN_DATA = "job:open:{request_id}"
"""The executor's job card (``fsm.executor.JobCb(action="open")``)."""

MAP_URL = "https://maps.google.com/?q={lat:.6f},{lon:.6f}"


def map_link(lat: float | None, lon: float | None) -> str | None:
    """A map pin for a building with coordinates."""
    if lat is None or lon is None:
        return None
    return MAP_URL.format(lat=lat, lon=lon)


def format_due(instant: datetime | None, tz: ZoneInfo) -> str:
    """``dd.mm.yyyy HH:MM`` in the business timezone ("—" when unknown)."""
    if instant is None:
        return "—"
    return ensure_utc(instant, "instant").astimezone(tz).strftime("%d.%m.%Y %H:%M")


@dataclass(frozen=True, slots=True, kw_only=True)
class JobInfo:
    """What the executor's job card shows about a request (loaded with the change)."""

    category: Category
    urgency: Urgency
    address: str
    place_kind: PlaceKind
    apartment: str | None = None
    entrance: str | None = None
    access: AccessMode | None = None
    slot: TimeSlot | None = None
    resident_name: str = ""
    resident_phone: str | None = None
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    accept_due: datetime | None = None
    complete_due: datetime | None = None
    media: tuple[MediaRef, ...] = ()
    tz: ZoneInfo | None = None


JOB_DESCRIPTION = 500
"""The description is cut in the job card (a photo caption holds 1024 characters)."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def job_card_params(job: JobInfo) -> dict[str, object]:
    """Parameters of ``notify-assigned-executor`` and ``job-card`` (translated at delivery)."""
    tz = job.tz or ZoneInfo("UTC")
    return {
        "category": tr(f"category-{job.category}"),
        "urgency": tr(f"urgency-{job.urgency}"),
        "address": job.address,
        "kind": job.place_kind.value,
        "place": tr(f"place-{job.place_kind}"),
        "apartment": job.apartment or "",
        "entrance": job.entrance or "—",
        "access": tr(f"access-{job.access or AccessMode.ANY_TIME}"),
        "slot": tr(f"timeslot-{job.slot or TimeSlot.ANY}"),
        "name": job.resident_name or "—",
        "phone": job.resident_phone or "—",
        "description": _cut(_plain(job.description), JOB_DESCRIPTION),
        "map": map_link(job.lat, job.lon) or "—",
        "accept_due": format_due(job.accept_due, tz),
        "complete_due": format_due(job.complete_due, tz),
    }


_JOB_PARAMS = (
    "category",
    "urgency",
    "address",
    "kind",
    "place",
    "apartment",
    "entrance",
    "access",
    "slot",
    "name",
    "phone",
    "description",
    "map",
    "accept_due",
    "complete_due",
)


def eta_notification(
    resident_ids: Iterable[int], number: str, request_id: int, minutes: int
) -> list[Notification]:
    """ "The executor is on the way, about N minutes" for the residents of a request."""
    data = OPEN_REQUEST_DATA.format(request_id=request_id)
    return [
        Notification(
            chat_id=user_id,
            user_id=user_id,
            template="notify-on-the-way",
            params={"number": number, "minutes": minutes},
            buttons=((Button("notify-open-request", callback_data=data),),),
        )
        for user_id in dict.fromkeys(resident_ids)
    ]


def _plain(text: str | None) -> str:
    """User-typed text inside a template (messages are sent as plain text, no markup)."""
    return text or ""


@dataclass(frozen=True, slots=True)
class Audience:
    """The people involved in a request at the moment of a change.

    ``assignee_id`` is the executor *after* the change (the previous one of a
    reassignment comes from the event); ``executor_name`` is their first name.
    """

    request_id: int
    number: str
    author_id: int
    watcher_ids: tuple[int, ...] = ()
    manager_ids: tuple[int, ...] = ()
    assignee_id: int | None = None
    executor_name: str | None = None
    completion_media: tuple[MediaRef, ...] = ()
    job: JobInfo | None = None
    """The job card's content, loaded when the change gives someone a job."""

    @property
    def resident_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys((self.author_id, *self.watcher_ids)))


class _Outgoing:
    """Collects notifications for one event: skips the actor and anyone already told."""

    def __init__(self, audience: Audience, actor_id: int | None) -> None:
        self.audience = audience
        self.skip: set[int] = {actor_id} if actor_id is not None else set()
        self.notes: list[Notification] = []

    def open_button(self) -> tuple[tuple[Button, ...], ...]:
        data = OPEN_REQUEST_DATA.format(request_id=self.audience.request_id)
        return ((Button("notify-open-request", callback_data=data),),)

    def send(
        self,
        recipients: Iterable[int | None],
        template: str,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        media: Sequence[MediaRef] = (),
        params: Mapping[str, object] | None = None,
        **more: object,
    ) -> None:
        for user_id in recipients:
            if user_id is None or user_id in self.skip:
                continue
            self.skip.add(user_id)
            self.notes.append(
                Notification(
                    chat_id=user_id,
                    user_id=user_id,
                    template=template,
                    params={"number": self.audience.number, **(params or {}), **more},
                    buttons=buttons,
                    media=tuple(media),
                )
            )

    def status(self, recipients: Iterable[int | None], status: RequestStatus) -> None:
        """The resident's "your request is now …" message with a button to the card."""
        self.send(
            recipients, "notify-status", buttons=self.open_button(), status=tr(f"status-{status}")
        )


def notifications_for(event: DomainEvent, audience: Audience) -> list[Notification]:
    """Every notification one lifecycle event causes (possibly none)."""
    out = _Outgoing(audience, event.actor_id)
    residents = audience.resident_ids
    managers = audience.manager_ids
    if isinstance(event, RequestCreated):
        out.send(
            managers,
            "notify-created",
            category=tr(f"category-{event.category}"),
            urgency=tr(f"urgency-{event.urgency}"),
        )
    elif isinstance(event, RequestAssigned):
        _job_card(out, event.assignee_id, audience)
        out.send((event.previous_assignee_id,), "notify-unassigned-executor")
        if event.previous_assignee_id is None:
            out.status(residents, RequestStatus.ASSIGNED)
    elif isinstance(event, RequestUnassigned):
        out.send((event.previous_assignee_id,), "notify-unassigned-executor")
    elif isinstance(event, RequestClaimed | RequestAccepted):
        out.status(residents, RequestStatus.ACCEPTED)
    elif isinstance(event, RequestDeclined):
        out.send(managers, "notify-declined", reason=_plain(event.reason))
    elif isinstance(event, WorkStarted | WorkResumed):
        out.status(residents, RequestStatus.IN_PROGRESS)
    elif isinstance(event, WorkPaused):
        _paused(out, event, residents)
    elif isinstance(event, WorkCompleted):
        _completed(out, event, audience)
    elif isinstance(event, RequestClosed):
        _closed(out, event, audience)
    elif isinstance(event, RequestReturned):
        reason = _plain(event.reason)
        out.send((event.assignee_id,), "notify-returned", reason=reason)
        out.send(managers, "notify-returned", reason=reason)
        out.status(residents, RequestStatus.RETURNED)
    elif isinstance(event, RequestRejected | RequestCancelled):
        template = "notify-rejected" if isinstance(event, RequestRejected) else "notify-cancelled"
        reason = _plain(event.reason)
        out.send(residents, template, buttons=out.open_button(), reason=reason)
        out.send((audience.assignee_id,), template, reason=reason)
        if event.actor_role is ActorRole.RESIDENT:
            out.send(managers, template, reason=reason)
    elif isinstance(event, CategoryChanged):
        category = tr(f"category-{event.category}")
        out.send(residents, "notify-category-changed", buttons=out.open_button(), category=category)
        out.send((audience.assignee_id,), "notify-category-changed", category=category)
    elif isinstance(event, UrgencyChanged):
        urgency = tr(f"urgency-{event.urgency}")
        out.send((audience.assignee_id,), "notify-urgency-changed", urgency=urgency)
        out.send(residents, "notify-urgency-changed", buttons=out.open_button(), urgency=urgency)
    return out.notes


def _job_card(out: _Outgoing, assignee_id: int, audience: Audience) -> None:
    """The new assignee's job card: everything needed to go there, Accept / Decline."""
    rid = audience.request_id
    buttons = (
        (
            Button("job-btn-accept", callback_data=JOB_ACCEPT_DATA.format(request_id=rid)),
            Button("job-btn-decline", callback_data=JOB_DECLINE_DATA.format(request_id=rid)),
        ),
    )
    if audience.job is None:  # the details are unknown: every line says "—"
        params = dict.fromkeys(_JOB_PARAMS, "—")
        out.send((assignee_id,), "notify-assigned-executor", buttons=buttons, params=params)
        return
    out.send(
        (assignee_id,),
        "notify-assigned-executor",
        buttons=buttons,
        media=audience.job.media,
        params=job_card_params(audience.job),
    )


def _paused(out: _Outgoing, event: WorkPaused, residents: Sequence[int]) -> None:
    reason = tr(f"tracking-hold-{event.hold_reason}")
    if event.hold_reason is HoldReason.CLARIFICATION and event.comment:
        reply = REPLY_DATA.format(request_id=out.audience.request_id)
        out.send(
            residents,
            "notify-clarification",
            buttons=((Button("notify-reply", callback_data=reply),),),
            question=_plain(event.comment),
        )
        return
    if event.comment:
        out.send(
            residents,
            "notify-paused-comment",
            buttons=out.open_button(),
            reason=reason,
            comment=_plain(event.comment),
        )
    else:
        out.send(residents, "notify-paused", buttons=out.open_button(), reason=reason)


def _completed(out: _Outgoing, event: WorkCompleted, audience: Audience) -> None:
    """The author decides (Accept / Return); watchers are told; both see the photos."""
    accept = ACCEPT_WORK_DATA.format(request_id=audience.request_id)
    back = RETURN_WORK_DATA.format(request_id=audience.request_id)
    params = {"comment": _plain(event.comment), "executor": _plain(audience.executor_name) or "—"}
    out.send(
        (audience.author_id,),
        "notify-completed",
        buttons=(
            (
                Button("notify-accept-work", callback_data=accept),
                Button("notify-return-work", callback_data=back),
            ),
        ),
        media=audience.completion_media,
        params=params,
    )
    out.send(
        audience.watcher_ids,
        "notify-completed-watcher",
        buttons=out.open_button(),
        media=audience.completion_media,
        params=params,
    )


def _closed(out: _Outgoing, event: RequestClosed, audience: Audience) -> None:
    residents = audience.resident_ids
    if event.how is ClosedBy.RESIDENT:
        rating = event.rating or 0
        out.send((audience.assignee_id,), "notify-rated-executor", rating=rating)
        if event.needs_follow_up:
            out.send(
                audience.manager_ids,
                "notify-low-rating",
                rating=rating,
                comment=_plain(event.comment) or "—",
            )
        out.status(residents, RequestStatus.CLOSED)
        return
    if event.how is ClosedBy.INCIDENT:
        out.send(
            residents,
            "notify-closed-by-incident",
            buttons=out.open_button(),
            comment=_plain(event.comment) or "—",
        )
    elif event.how is ClosedBy.MANAGER:
        out.send(
            residents,
            "notify-closed-by-manager",
            buttons=out.open_button(),
            comment=_plain(event.comment) or "—",
        )
    else:
        out.send(residents, "notify-auto-accepted", buttons=out.open_button())
    out.send((audience.assignee_id,), "notify-closed-executor")


def comment_notifications(
    audience: Audience,
    *,
    commenter_id: int,
    commenter_role: ActorRole,
    text: str | None,
    media: Sequence[MediaRef] = (),
    visibility: CommentVisibility = CommentVisibility.PUBLIC,
) -> list[Notification]:
    """A comment (and/or files) reaches everyone involved except its writer.

    A resident's comment goes to the executor and the managers; a staff
    comment also to the residents, unless it is internal.
    """
    out = _Outgoing(audience, commenter_id)
    who = tr(f"role-{commenter_role}")
    staff = (audience.assignee_id, *audience.manager_ids)
    template, params = (
        ("notify-comment", {"who": who, "text": _plain(text)})
        if text
        else ("notify-files", {"who": who, "count": len(media)})
    )
    if visibility is CommentVisibility.PUBLIC:
        out.send(
            audience.resident_ids,
            template,
            buttons=out.open_button(),
            media=media,
            params=params,
        )
    out.send(staff, template, media=media, params=params)
    return out.notes
