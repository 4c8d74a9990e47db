"""Requests after filing: the one write path for state changes, and what people see.

``perform_action`` is the only way a request changes state: it locks the row,
checks that the actor may see the request, applies the lifecycle table
(``domain.lifecycle.apply_action``), stores the new state, the history row,
the assignment change and the rating, writes the notifications of the
resulting events (``request_notifications``) to the outbox and commits, all
in one transaction. Every feature (resident, executor, manager, SLA sweeps)
calls it.

The read side (``list_requests``, ``open_card``) and comments (``add_comment``)
live here too; they apply the same visibility rule: a request someone may not
see is "not available", never "someone else's".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypedDict, Unpack

from domain.access import NOT_AVAILABLE, Actor, can_view
from domain.enums import (
    AccessMode,
    Action,
    ActorRole,
    Category,
    CommentVisibility,
    FollowUpReason,
    HoldReason,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    TimeSlot,
    Urgency,
)
from domain.errors import InvalidTransition, MissingField, NotAllowed, ValidationFailed
from domain.events import RequestAssigned, RequestClosed, WorkCompleted
from domain.lifecycle import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    MAX_TEXT_LENGTH,
    HistoryEntry,
    RequestState,
    Transition,
    allowed_actions,
    apply_action,
)
from domain.schedule import SlaClocks, clocks_after, resident_wrote
from domain.services.deadlines import (
    OpenFollowUp,
    ScheduleRepository,
    open_follow_up,
    reschedule,
)
from domain.services.notifications import MediaRef, Notification, OutboxPort
from domain.services.request_notifications import (
    Audience,
    JobInfo,
    comment_notifications,
    notifications_for,
)
from domain.services.residents import StoredMedia
from domain.services.staff_posts import PostFacts, StaffPostRepository, staff_post_notes
from domain.sla import DEFAULT_CALENDAR

__all__ = [
    "MAX_FILES_PER_COMMENT",
    "PAGE_SIZE",
    "PUBLIC_TEXT_ACTIONS",
    "ActionFields",
    "CommentItem",
    "CommentResult",
    "HistoryItem",
    "RequestCard",
    "RequestDetails",
    "RequestPage",
    "RequestRepository",
    "RequestSummary",
    "RequestsUnitOfWork",
    "TimelineEntry",
    "add_comment",
    "check_action",
    "check_comment",
    "list_requests",
    "open_card",
    "perform_action",
    "record_action",
]

PAGE_SIZE = 8
"""Requests per page of "My requests"."""

MAX_FILES_PER_COMMENT = 10
"""Files one "Add photos" message may carry (a Telegram album)."""

PUBLIC_TEXT_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.CREATE,
        Action.HOLD,
        Action.COMPLETE,
        Action.CLOSE_ON_BEHALF,
        Action.ACCEPT_WORK,
        Action.RETURN_WORK,
        Action.REJECT,
        Action.CANCEL,
        Action.CLOSE_BY_INCIDENT,
    }
)
"""Actions whose reason/comment a resident may read in the timeline. The rest
(decline reasons, assignment explanations) are the staff's business."""

_STAFF_ROLES = frozenset({ActorRole.EXECUTOR, ActorRole.MANAGER, ActorRole.ADMIN})
_WAITING_FOR_EXECUTOR = frozenset(
    {RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.RETURNED}
)


# --------------------------------------------------------------------------- read models


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """One line of "My requests"."""

    id: int
    number: str
    status: RequestStatus
    category: Category
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestPage:
    items: tuple[RequestSummary, ...]
    page: int  # 0-based, clamped to the existing pages
    pages: int  # at least 1
    total: int
    archive: bool


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """A stored history row."""

    action: Action
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    actor_id: int | None
    actor_role: ActorRole
    at: datetime
    reason: str | None = None
    payload: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommentItem:
    author_id: int
    author_name: str | None
    visibility: CommentVisibility
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RequestDetails:
    """Everything the request card shows, as stored."""

    state: RequestState
    description: str
    place_kind: PlaceKind
    address: str
    apartment_number: str | None
    entrance_number: str | None
    executor_first_name: str | None
    accept_due_at: datetime | None
    complete_due_at: datetime | None
    media_count: int
    rating_text: str | None
    history: tuple[HistoryItem, ...]
    comments: tuple[CommentItem, ...]
    access_mode: AccessMode | None = None
    time_slot: TimeSlot | None = None
    lat: float | None = None
    lon: float | None = None
    author_name: str | None = None
    author_phone: str | None = None
    watcher_ids: tuple[int, ...] = ()
    follow_up: OpenFollowUp | None = None
    """The open follow-up (managers of the building see it)."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the card's timeline: a lifecycle step or a comment."""

    at: datetime
    action: Action | None  # None: a comment
    text: str | None = None
    hold_reason: HoldReason | None = None
    author_id: int | None = None
    author_name: str | None = None
    author_role: ActorRole | None = None


@dataclass(frozen=True, slots=True)
class RequestCard:
    details: RequestDetails
    actions: tuple[Action, ...]
    """Lifecycle actions the viewer may start now (``allowed_actions``)."""
    can_comment: bool
    accept_due: datetime | None
    """Shown while the request waits for an executor to take it."""
    accept_overdue: bool
    complete_due: datetime | None
    """Shown while work is not done yet; ``None`` also while the clock is paused."""
    complete_overdue: bool
    paused: bool
    timeline: tuple[TimelineEntry, ...]

    @property
    def state(self) -> RequestState:
        return self.details.state


@dataclass(frozen=True, slots=True)
class CommentResult:
    request_id: int
    number: str
    comment_id: int | None
    files: int
    notified: int


@dataclass(frozen=True, slots=True)
class ChangeContext:
    """A request locked for a change, with what the change's notifications need
    (read with the lock: one round trip instead of one per fact)."""

    state: RequestState
    clocks: SlaClocks
    watcher_ids: tuple[int, ...]
    manager_ids: tuple[int, ...]
    """Active managers of the building (empty: nobody manages it)."""
    assignee_name: str | None
    """First name of the executor assigned before the change."""
    address: str
    apartment_number: str | None
    staff_posts: tuple[tuple[int, int], ...]
    """(chat id, message id) of the recorded staff chat posts."""


# --------------------------------------------------------------------------- ports


class RequestRepository(Protocol):
    async def get_state(self, request_id: int, *, for_update: bool = False) -> RequestState | None:
        """The request's lifecycle state; ``for_update`` locks the row until commit."""
        ...

    async def save_change(self, state: RequestState, entry: HistoryEntry) -> OpenFollowUp | None:
        """The request's new state and the history entry of the change; the follow-up
        open after it (read after the lock, so one a concurrent change opened is seen)."""
        ...

    async def watchers_of(self, request_id: int) -> list[int]: ...
    async def state_and_watchers(self, request_id: int) -> tuple[RequestState, list[int]] | None:
        """``get_state`` and ``watchers_of`` together."""
        ...

    async def lock_for_change(self, request_id: int) -> ChangeContext | None:
        """The request locked until commit (as ``get_state(for_update=True)``), with
        the facts of ``ChangeContext``."""
        ...

    async def end_assignment(self, request_id: int, at: datetime, reason: str) -> None: ...
    async def start_assignment(
        self,
        request_id: int,
        executor_id: int,
        *,
        by: int | None,
        at: datetime,
        reason: str | None,
    ) -> None: ...
    async def add_rating(
        self, request_id: int, resident_id: int, stars: int, text: str | None
    ) -> None: ...
    async def add_comment(
        self,
        request_id: int,
        author_id: int,
        visibility: CommentVisibility,
        text: str,
        at: datetime,
    ) -> int: ...
    async def media_of(self, request_id: int, purpose: MediaPurpose) -> list[MediaRef]: ...
    async def count_media(self, request_id: int, purpose: MediaPurpose | None = None) -> int: ...
    async def first_name_of(self, user_id: int) -> str | None: ...
    async def list_for_user(
        self, user_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[RequestSummary]]:
        """Requests the user filed or watches in ``statuses``, newest first, and their total."""
        ...

    async def details(self, request_id: int) -> RequestDetails | None: ...


class ManagersDirectory(Protocol):
    async def managers_of(self, building_id: int) -> list[int]: ...


class RequestMedia(Protocol):
    async def add(
        self,
        owner_id: int,
        purpose: MediaPurpose,
        media: StoredMedia,
        *,
        request_id: int | None = None,
        comment_id: int | None = None,
    ) -> int: ...


class RequestsUnitOfWork(Protocol):
    @property
    def requests(self) -> RequestRepository: ...
    @property
    def directory(self) -> ManagersDirectory: ...
    @property
    def media(self) -> RequestMedia: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def desk(self) -> StaffPostRepository: ...
    @property
    def schedule(self) -> ScheduleRepository: ...

    async def commit(self) -> None: ...


# --------------------------------------------------------------------------- access


async def _visible(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int
) -> tuple[RequestState, list[int]]:
    """The request and its watchers, or "not available" (missing and foreign look alike)."""
    found = await uow.requests.state_and_watchers(request_id)
    if found is None:
        raise NotAllowed(NOT_AVAILABLE)
    state, watchers = found
    _ensure_visible(actor, state, watchers)
    return state, watchers


def _ensure_visible(actor: Actor, state: RequestState, watchers: Sequence[int]) -> None:
    if not can_view(actor, state) and not (
        actor.is_active and not actor.is_system and actor.user_id in watchers
    ):
        raise NotAllowed(NOT_AVAILABLE)


def _only_watches(actor: Actor, state: RequestState) -> bool:
    return not can_view(actor, state)


async def check_action(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, action: Action
) -> RequestState:
    """Before asking for a reason or a rating: may ``actor`` start ``action`` now?

    Raises what pressing a stale or forged button deserves: "not available"
    for someone else's request, "not allowed" for a watcher, "not possible in
    this state" when the request has moved on.
    """
    state, _watchers = await _visible(uow, actor, request_id)
    if action in allowed_actions(state, actor):
        return state
    if _only_watches(actor, state):
        raise NotAllowed()
    raise InvalidTransition(status=state.status.value, action=action.value)


# --------------------------------------------------------------------------- the write path


class ActionFields(TypedDict, total=False):
    """The optional inputs of an action (those of ``domain.lifecycle.apply_action``,
    plus ``assignment_reason``)."""

    reason: str | None
    comment: str | None
    assignee_id: int | None
    hold_reason: HoldReason | None
    rating: int | None
    media_count: int | None
    category: Category | None
    urgency: Urgency | None
    assignment_reason: str | None
    incident_id: int | None


async def perform_action(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    action: Action,
    now: datetime,
    **fields: Unpack[ActionFields],
) -> Transition:
    """Apply ``action`` to the request and commit it with its history and notifications.

    The fields are those of ``domain.lifecycle.apply_action``. For ``complete``
    the number of completion files is what storage holds for the request
    (store them first, in the same unit of work or before); a ``media_count``
    given by the caller is not trusted.
    ``assignment_reason`` explains an automatic or manual assignment to the
    manager ("plumber, on duty, 1 open job") and is kept with the assignment.

    The returned transition's history entry is the one stored: for a closure
    its payload tells whether a low rating needs a manager's follow-up.
    """
    transition = await record_action(uow, actor, request_id, action, now, **fields)
    await uow.commit()
    return transition


async def record_action(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    action: Action,
    now: datetime,
    *,
    reason: str | None = None,
    comment: str | None = None,
    assignee_id: int | None = None,
    hold_reason: HoldReason | None = None,
    rating: int | None = None,
    media_count: int | None = None,
    category: Category | None = None,
    urgency: Urgency | None = None,
    assignment_reason: str | None = None,
    incident_id: int | None = None,
) -> Transition:
    """``perform_action`` without the commit: for callers that own the
    transaction (the deadline sweep's auto-accept)."""
    context = await uow.requests.lock_for_change(request_id)
    if context is None:
        raise NotAllowed(NOT_AVAILABLE)
    state, watchers = context.state, context.watcher_ids
    _ensure_visible(actor, state, watchers)
    if action is Action.COMPLETE:
        media_count = await uow.requests.count_media(request_id, MediaPurpose.COMPLETION)
    try:
        transition = apply_action(
            state,
            actor,
            action,
            now,
            reason=reason,
            comment=comment,
            assignee_id=assignee_id,
            hold_reason=hold_reason,
            rating=rating,
            media_count=media_count or 0,
            category=category,
            urgency=urgency,
            incident_id=incident_id,
        )
    except NotAllowed as error:
        if error.key == NOT_AVAILABLE and _only_watches(actor, state):
            raise NotAllowed() from error  # a watcher sees the request but may not act on it
        raise
    history = _stored_history(transition)
    transition = dataclasses.replace(transition, history=history)
    new = transition.new

    follow_up = await uow.requests.save_change(new, history)
    if new.assignee_id != state.assignee_id:
        if state.assignee_id is not None:
            await uow.requests.end_assignment(request_id, history.at, action.value)
        if new.assignee_id is not None:
            await uow.requests.start_assignment(
                request_id,
                new.assignee_id,
                by=history.actor_id,
                at=history.at,
                reason=assignment_reason or history.reason,
            )
    if action is Action.ACCEPT_WORK and new.rating is not None:
        await uow.requests.add_rating(request_id, actor.user_id, new.rating, history.comment)
    await _replan(uow, context, transition, follow_up)

    audience = await _audience(uow, new, watchers, transition, context)
    notes: list[Notification] = []
    for event in transition.events:
        notes.extend(notifications_for(event, audience))
    facts = PostFacts(
        number=new.number,
        status=new.status,
        category=new.category,
        urgency=new.urgency,
        address=context.address,
        apartment=context.apartment_number,
        executor=audience.executor_name,
    )
    # the staff chat shows the news
    notes.extend(
        await staff_post_notes(uow.desk, request_id, posts=context.staff_posts, facts=facts)
    )
    await uow.outbox.add(*notes)
    return transition


async def _replan(
    uow: RequestsUnitOfWork,
    before: ChangeContext,
    transition: Transition,
    follow_up: OpenFollowUp | None,
) -> None:
    """Deadlines follow the change; a return or a low rating opens a follow-up.

    ``before`` is the locked request with its clocks, ``follow_up`` the one open after
    the change was saved."""
    after, at = transition.new, transition.history.at
    config = await uow.schedule.config()
    if transition.history.action is Action.RETURN_WORK:
        opened = await open_follow_up(uow.schedule, after, FollowUpReason.RETURNED, at, config)
        follow_up = opened or follow_up
    if any(
        isinstance(event, RequestClosed) and event.needs_follow_up for event in transition.events
    ):
        opened = await open_follow_up(uow.schedule, after, FollowUpReason.LOW_RATING, at, config)
        follow_up = opened or follow_up
    clocks = clocks_after(before.clocks, before.state, after, transition.history.action, at)
    await reschedule(uow.schedule, after, at, clocks=clocks, follow_up=follow_up, config=config)


def _stored_history(transition: Transition) -> HistoryEntry:
    """The history entry as stored: a closure records whether it needs a follow-up."""
    history = transition.history
    for event in transition.events:
        if isinstance(event, RequestClosed):
            payload = {**history.payload, "needs_follow_up": event.needs_follow_up}
            return dataclasses.replace(history, payload=payload)
    return history


async def _audience(
    uow: RequestsUnitOfWork,
    state: RequestState,
    watchers: Sequence[int],
    transition: Transition | None = None,
    context: ChangeContext | None = None,
) -> Audience:
    """Who hears of a change; ``context`` (the locked request's facts) saves reads."""
    completed = transition is not None and any(
        isinstance(event, WorkCompleted) for event in transition.events
    )
    assigned = transition is not None and any(
        isinstance(event, RequestAssigned) for event in transition.events
    )
    assignee = state.assignee_id
    managers = context.manager_ids if context is not None else ()
    if not managers:  # or nobody manages the building: managers_of names the admins
        managers = tuple(await uow.directory.managers_of(state.building_id))
    if context is not None and assignee == context.state.assignee_id:
        executor_name = context.assignee_name
    else:
        executor_name = await uow.requests.first_name_of(assignee) if assignee else None
    return Audience(
        request_id=state.id,
        number=state.number,
        author_id=state.author_id,
        watcher_ids=tuple(watchers),
        manager_ids=managers,
        assignee_id=assignee,
        executor_name=executor_name,
        completion_media=tuple(
            await uow.requests.media_of(state.id, MediaPurpose.COMPLETION) if completed else ()
        ),
        job=await _job_info(uow, state) if assigned else None,
    )


async def _job_info(uow: RequestsUnitOfWork, state: RequestState) -> JobInfo | None:
    """The executor's job card content (``request_notifications.JobInfo``)."""
    details = await uow.requests.details(state.id)
    if details is None:  # pragma: no cover - deleted in the same transaction
        return None
    return JobInfo(
        category=state.category,
        urgency=state.urgency,
        address=details.address,
        place_kind=details.place_kind,
        apartment=details.apartment_number,
        entrance=details.entrance_number,
        access=details.access_mode,
        slot=details.time_slot,
        resident_name=details.author_name or "",
        resident_phone=details.author_phone,
        description=details.description,
        lat=details.lat,
        lon=details.lon,
        accept_due=details.accept_due_at,
        complete_due=details.complete_due_at,
        media=tuple(await uow.requests.media_of(state.id, MediaPurpose.REQUEST)),
        tz=DEFAULT_CALENDAR.tz,
    )


# --------------------------------------------------------------------------- comments


def _ensure_open_for_comments(state: RequestState) -> None:
    if state.status in FINAL_STATUSES:
        raise ValidationFailed("error-request-finished", status=state.status.value)


async def check_comment(uow: RequestsUnitOfWork, actor: Actor, request_id: int) -> RequestState:
    """Before asking for a comment or files: may ``actor`` comment on the request now?"""
    state, _watchers = await _visible(uow, actor, request_id)
    _ensure_open_for_comments(state)
    return state


def _clean_comment(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise ValidationFailed("error-text-too-long", field="comment", max=MAX_TEXT_LENGTH)
    return cleaned or None


async def add_comment(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    now: datetime,
    *,
    text: str | None = None,
    media: Sequence[StoredMedia] = (),
    visibility: CommentVisibility = CommentVisibility.PUBLIC,
) -> CommentResult:
    """A comment and/or files on a request that is not finished yet.

    Files are stored with purpose ``comment`` (already copied to the storage
    channel by the caller). Everyone involved except the writer is told
    (``request_notifications.comment_notifications``); an internal comment
    is for staff only.
    """
    state, watchers = await _visible(uow, actor, request_id)
    _ensure_open_for_comments(state)
    cleaned = _clean_comment(text)
    if cleaned is None and not media:
        raise MissingField("comment")
    if len(media) > MAX_FILES_PER_COMMENT:
        raise ValidationFailed("error-too-many-files", max=MAX_FILES_PER_COMMENT)
    role = actor.actor_role_for(state) or ActorRole.RESIDENT  # a watcher writes as a resident
    if visibility is CommentVisibility.INTERNAL and role not in _STAFF_ROLES:
        raise NotAllowed()
    comment_id = (
        await uow.requests.add_comment(request_id, actor.user_id, visibility, cleaned, now)
        if cleaned is not None
        else None
    )
    for item in media:
        await uow.media.add(
            actor.user_id,
            MediaPurpose.COMMENT,
            item,
            request_id=request_id,
            comment_id=comment_id,
        )
    if role is ActorRole.RESIDENT and state.status is RequestStatus.COMPLETED:
        # The resident is talking about the work: the auto-accept waits again.
        clocks = resident_wrote(await uow.schedule.clocks(request_id), state, now)
        follow_up = await uow.schedule.open_follow_up(request_id)
        await reschedule(uow.schedule, state, now, clocks=clocks, follow_up=follow_up)
    notes = comment_notifications(
        await _audience(uow, state, watchers),
        commenter_id=actor.user_id,
        commenter_role=role,
        text=cleaned,
        media=[MediaRef(item.kind, item.file_id) for item in media],
        visibility=visibility,
    )
    await uow.outbox.add(*notes)
    await uow.commit()
    return CommentResult(
        request_id=state.id,
        number=state.number,
        comment_id=comment_id,
        files=len(media),
        notified=len(notes),
    )


# --------------------------------------------------------------------------- reading


async def list_requests(
    uow: RequestsUnitOfWork,
    user_id: int,
    *,
    archive: bool,
    page: int = 0,
    per_page: int = PAGE_SIZE,
) -> RequestPage:
    """The user's own and watched requests: active (not final) or the archive, newest first."""
    statuses = FINAL_STATUSES if archive else ACTIVE_STATUSES
    page = max(0, page)
    total, items = await uow.requests.list_for_user(user_id, statuses, page * per_page, per_page)
    pages = max(1, -(-total // per_page))
    if page >= pages:  # the list shrank since the button was drawn: show the last page
        page = pages - 1
        total, items = await uow.requests.list_for_user(
            user_id, statuses, page * per_page, per_page
        )
    return RequestPage(tuple(items), page, pages, total, archive)


async def open_card(
    uow: RequestsUnitOfWork,
    actor: Actor,
    request_id: int,
    now: datetime,
) -> RequestCard:
    """The request card as ``actor`` may see it, with the actions they may start.

    Deadlines are the stored ones (kept current by every change); the
    completion clock shows as paused while on hold.
    """
    details = await uow.requests.details(request_id)  # one read: state, watchers and all
    if details is None:
        raise NotAllowed(NOT_AVAILABLE)
    state, watchers = details.state, details.watcher_ids
    _ensure_visible(actor, state, watchers)
    roles = set(actor.actor_roles_for(state))
    staff = bool(roles & _STAFF_ROLES)
    accept_due, complete_due = details.accept_due_at, details.complete_due_at
    paused = state.status is RequestStatus.ON_HOLD
    waiting = state.status in _WAITING_FOR_EXECUTOR and state.accepted_at is None
    working = state.status in ACTIVE_STATUSES and state.status is not RequestStatus.COMPLETED
    shown_accept = accept_due if waiting else None
    shown_complete = complete_due if working and not paused else None
    return RequestCard(
        details=details,
        actions=tuple(allowed_actions(state, actor)),
        can_comment=state.status not in FINAL_STATUSES,
        accept_due=shown_accept,
        accept_overdue=shown_accept is not None and now > shown_accept,
        complete_due=shown_complete,
        complete_overdue=shown_complete is not None and now > shown_complete,
        paused=paused,
        timeline=_timeline(details, watchers, staff=staff),
    )


def _timeline(
    details: RequestDetails, watchers: Sequence[int], *, staff: bool
) -> tuple[TimelineEntry, ...]:
    residents = {details.state.author_id, *watchers}
    roles = {item.actor_id: item.actor_role for item in details.history}
    entries: list[TimelineEntry] = []
    for item in details.history:
        public = staff or item.action in PUBLIC_TEXT_ACTIONS
        hold = item.payload.get("hold_reason")
        entries.append(
            TimelineEntry(
                at=item.at,
                action=item.action,
                text=item.reason if public else None,
                hold_reason=HoldReason(hold) if isinstance(hold, str) else None,
                author_id=item.actor_id,
                author_role=item.actor_role,
            )
        )
    for comment in details.comments:
        if comment.visibility is CommentVisibility.INTERNAL and not staff:
            continue
        entries.append(
            TimelineEntry(
                at=comment.at,
                action=None,
                text=comment.text,
                author_id=comment.author_id,
                author_name=comment.author_name,
                author_role=_comment_role(details.state, comment.author_id, residents, roles),
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return tuple(entries)


def _comment_role(
    state: RequestState,
    author_id: int,
    residents: set[int],
    roles: dict[int | None, ActorRole],
) -> ActorRole:
    """The role a comment's writer played: residents first, then what the history knows."""
    if author_id in residents:
        return ActorRole.RESIDENT
    if author_id == state.assignee_id:
        return ActorRole.EXECUTOR
    return roles.get(author_id, ActorRole.MANAGER)
