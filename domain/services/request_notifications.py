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

from domain.enums import ActorRole, ClosedBy, CommentVisibility, RequestStatus
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
    "OPEN_REQUEST_DATA",
    "RETURN_WORK_DATA",
    "Audience",
    "comment_notifications",
    "notifications_for",
]

OPEN_REQUEST_DATA = "trk:open:{request_id}"
"""The resident's request card (``fsm.tracking.TrackCb(action="open")``)."""
ACCEPT_WORK_DATA = "rloop:accept:{request_id}"
"""Accept the completed work (``fsm.tracking.CloseLoopCb(action="accept")``)."""
RETURN_WORK_DATA = "rloop:return:{request_id}"
"""Return the completed work (``fsm.tracking.CloseLoopCb(action="return")``)."""


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
        out.send((event.assignee_id,), "notify-assigned-executor")
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


def _paused(out: _Outgoing, event: WorkPaused, residents: Sequence[int]) -> None:
    reason = tr(f"tracking-hold-{event.hold_reason}")
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
    if event.how is ClosedBy.MANAGER:
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
