"""The request lifecycle: ONE action table and the only write path.

``TABLE`` maps ``(ActorRole, RequestStatus, Action)`` to a ``Rule`` (next
status, required fields, guard). ``apply_action`` looks the row up for the
roles the actor plays for the request (``Actor.actor_roles_for``: admin >
manager > executor > resident, first role with a row wins), checks the guard
and the required fields, and returns a ``Transition``: the new state, one
history entry and the domain events. ``allowed_actions`` runs the same lookup
so buttons are never dead.

Compact table (``M`` = manager and admin; ``=`` = status unchanged):

====================  =========  ==========================================  ===========  ==========================
action                who        from                                        to           required
====================  =========  ==========================================  ===========  ==========================
assign                M, system  new                                         assigned     assignee_id
reassign              M          assigned accepted in_progress on_hold       assigned     assignee_id (a different one)
                                 returned
unassign              M          assigned accepted in_progress on_hold       new          -
                                 returned
claim                 executor*  new (unassigned pool, on duty)              accepted     -
accept                executor   assigned returned                           accepted     -
decline               executor   assigned accepted returned                  new          reason
start                 executor   accepted returned                           in_progress  -
hold                  executor,M in_progress                                 on_hold      hold_reason (+comment if other)
resume                executor,M on_hold                                     in_progress  -
complete              executor   in_progress                                 completed    comment, media_count >= 1
confirm_completion    M          completed                                   closed       -
close_on_behalf       M          completed                                   closed       comment
accept_work           resident   completed                                   closed       rating 1..5
return_work           resident   completed                                   returned     reason
auto_accept           system     completed                                   closed       -
reject                M          open statuses                               rejected     reason
cancel                resident   new assigned accepted                       cancelled    reason
cancel                M          open statuses                               cancelled    reason
change_category       M          open statuses                               =            category (a different one)
change_urgency        M          open statuses                               =            urgency (a different one)
link_incident         M, system  open statuses                               =            incident_id
close_by_incident     M          open statuses, completed                    closed       incident_id, comment
return_from_incident  M          open statuses                               =            incident_id
====================  =========  ==========================================  ===========  ==========================

Executor rows require the actor to be the assignee (``claim``: an on-duty
executor whose specializations match an unassigned ``new`` request); resident
rows require the author. Open statuses: new, assigned, accepted, in_progress,
on_hold, returned (``completed`` is "waiting for the resident", not open).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol, TypedDict

from domain.access import NOT_AVAILABLE, Actor, can_file
from domain.clock import ensure_utc
from domain.enums import (
    Action,
    ActorRole,
    Category,
    ClosedBy,
    HoldReason,
    RequestStatus,
    Urgency,
)
from domain.errors import (
    DomainError,
    InvalidTransition,
    MissingField,
    NotAllowed,
    ValidationFailed,
)
from domain.events import (
    CategoryChanged,
    DomainEvent,
    IncidentLinkChanged,
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
from domain.model import RequestState

__all__ = [
    "ACTIVE_STATUSES",
    "FINAL_STATUSES",
    "MAX_TEXT_LENGTH",
    "OPEN_STATUSES",
    "TABLE",
    "Creation",
    "Guard",
    "HistoryEntry",
    "RequestState",
    "RequiredField",
    "Rule",
    "StatusChange",
    "Transition",
    "allowed_actions",
    "apply_action",
    "create_request",
    "hold_intervals",
]

_S = RequestStatus

OPEN_STATUSES: frozenset[RequestStatus] = frozenset(
    {_S.NEW, _S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.ON_HOLD, _S.RETURNED}
)
"""Work not yet done (the request can still be rejected/cancelled/reassigned)."""

FINAL_STATUSES: frozenset[RequestStatus] = frozenset({_S.CLOSED, _S.REJECTED, _S.CANCELLED})
"""Nothing happens after these."""

ACTIVE_STATUSES: frozenset[RequestStatus] = OPEN_STATUSES | {_S.COMPLETED}
"""Everything not final: the resident's "active" list, duplicate detection."""

_WITH_ASSIGNEE: frozenset[RequestStatus] = frozenset(
    {_S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.ON_HOLD, _S.RETURNED}
)

MAX_TEXT_LENGTH = 2000
"""Longest reason / comment accepted (``error-text-too-long``)."""


class RequiredField(StrEnum):
    """Names used in ``MissingField.params["field"]``."""

    REASON = "reason"
    COMMENT = "comment"
    ASSIGNEE_ID = "assignee_id"
    HOLD_REASON = "hold_reason"
    RATING = "rating"
    MEDIA_COUNT = "media_count"
    CATEGORY = "category"
    URGENCY = "urgency"
    INCIDENT_ID = "incident_id"


class Guard(StrEnum):
    """Relation the actor must have to the request beyond the role."""

    NONE = "none"
    ASSIGNEE = "assignee"
    POOL = "pool"
    AUTHOR = "author"


@dataclass(frozen=True, slots=True)
class Rule:
    next_status: RequestStatus
    required: frozenset[RequiredField] = frozenset()
    guard: Guard = Guard.NONE


_SAME: RequestStatus | None = None  # marker in the spec: status does not change

_M = (ActorRole.MANAGER, ActorRole.ADMIN)
_E = (ActorRole.EXECUTOR,)
_R = (ActorRole.RESIDENT,)
_SYS = (ActorRole.SYSTEM,)
_F = RequiredField

_SPEC: tuple[
    tuple[
        tuple[ActorRole, ...],
        Iterable[RequestStatus],
        Action,
        RequestStatus | None,
        frozenset[RequiredField],
        Guard,
    ],
    ...,
] = (
    (_M, {_S.NEW}, Action.ASSIGN, _S.ASSIGNED, frozenset({_F.ASSIGNEE_ID}), Guard.NONE),
    (_SYS, {_S.NEW}, Action.ASSIGN, _S.ASSIGNED, frozenset({_F.ASSIGNEE_ID}), Guard.NONE),
    (_M, _WITH_ASSIGNEE, Action.REASSIGN, _S.ASSIGNED, frozenset({_F.ASSIGNEE_ID}), Guard.NONE),
    (_M, _WITH_ASSIGNEE, Action.UNASSIGN, _S.NEW, frozenset(), Guard.NONE),
    (_E, {_S.NEW}, Action.CLAIM, _S.ACCEPTED, frozenset(), Guard.POOL),
    (_E, {_S.ASSIGNED, _S.RETURNED}, Action.ACCEPT, _S.ACCEPTED, frozenset(), Guard.ASSIGNEE),
    (
        _E,
        {_S.ASSIGNED, _S.ACCEPTED, _S.RETURNED},
        Action.DECLINE,
        _S.NEW,
        frozenset({_F.REASON}),
        Guard.ASSIGNEE,
    ),
    (_E, {_S.ACCEPTED, _S.RETURNED}, Action.START, _S.IN_PROGRESS, frozenset(), Guard.ASSIGNEE),
    (_E, {_S.IN_PROGRESS}, Action.HOLD, _S.ON_HOLD, frozenset({_F.HOLD_REASON}), Guard.ASSIGNEE),
    (_M, {_S.IN_PROGRESS}, Action.HOLD, _S.ON_HOLD, frozenset({_F.HOLD_REASON}), Guard.NONE),
    (_E, {_S.ON_HOLD}, Action.RESUME, _S.IN_PROGRESS, frozenset(), Guard.ASSIGNEE),
    (_M, {_S.ON_HOLD}, Action.RESUME, _S.IN_PROGRESS, frozenset(), Guard.NONE),
    (
        _E,
        {_S.IN_PROGRESS},
        Action.COMPLETE,
        _S.COMPLETED,
        frozenset({_F.COMMENT, _F.MEDIA_COUNT}),
        Guard.ASSIGNEE,
    ),
    (_M, {_S.COMPLETED}, Action.CONFIRM_COMPLETION, _S.CLOSED, frozenset(), Guard.NONE),
    (_M, {_S.COMPLETED}, Action.CLOSE_ON_BEHALF, _S.CLOSED, frozenset({_F.COMMENT}), Guard.NONE),
    (_R, {_S.COMPLETED}, Action.ACCEPT_WORK, _S.CLOSED, frozenset({_F.RATING}), Guard.AUTHOR),
    (_R, {_S.COMPLETED}, Action.RETURN_WORK, _S.RETURNED, frozenset({_F.REASON}), Guard.AUTHOR),
    (_SYS, {_S.COMPLETED}, Action.AUTO_ACCEPT, _S.CLOSED, frozenset(), Guard.NONE),
    (_M, OPEN_STATUSES, Action.REJECT, _S.REJECTED, frozenset({_F.REASON}), Guard.NONE),
    (
        _R,
        {_S.NEW, _S.ASSIGNED, _S.ACCEPTED},
        Action.CANCEL,
        _S.CANCELLED,
        frozenset({_F.REASON}),
        Guard.AUTHOR,
    ),
    (_M, OPEN_STATUSES, Action.CANCEL, _S.CANCELLED, frozenset({_F.REASON}), Guard.NONE),
    (_M, OPEN_STATUSES, Action.CHANGE_CATEGORY, _SAME, frozenset({_F.CATEGORY}), Guard.NONE),
    (_M, OPEN_STATUSES, Action.CHANGE_URGENCY, _SAME, frozenset({_F.URGENCY}), Guard.NONE),
    (_M, OPEN_STATUSES, Action.LINK_INCIDENT, _SAME, frozenset({_F.INCIDENT_ID}), Guard.NONE),
    (_SYS, OPEN_STATUSES, Action.LINK_INCIDENT, _SAME, frozenset({_F.INCIDENT_ID}), Guard.NONE),
    (
        _M,
        OPEN_STATUSES | {_S.COMPLETED},
        Action.CLOSE_BY_INCIDENT,
        _S.CLOSED,
        frozenset({_F.INCIDENT_ID, _F.COMMENT}),
        Guard.NONE,
    ),
    (
        _M,
        OPEN_STATUSES,
        Action.RETURN_FROM_INCIDENT,
        _SAME,
        frozenset({_F.INCIDENT_ID}),
        Guard.NONE,
    ),
)


def _build_table() -> Mapping[tuple[ActorRole, RequestStatus, Action], Rule]:
    table: dict[tuple[ActorRole, RequestStatus, Action], Rule] = {}
    for roles, statuses, action, to_status, required, guard in _SPEC:
        for role in roles:
            for status in statuses:
                key = (role, status, action)
                if key in table:  # pragma: no cover - guards the spec itself
                    raise RuntimeError(f"duplicate lifecycle row {key}")
                table[key] = Rule(to_status if to_status is not None else status, required, guard)
    return MappingProxyType(table)


TABLE: Mapping[tuple[ActorRole, RequestStatus, Action], Rule] = _build_table()
"""The lifecycle: ``(actor role, current status, action) -> Rule``."""

_ACTIONS_BY_ROLE: Mapping[ActorRole, frozenset[Action]] = MappingProxyType(
    {role: frozenset(action for (r, _s, action) in TABLE if r is role) for role in ActorRole}
)
_STATUS_ACTIONS: frozenset[tuple[RequestStatus, Action]] = frozenset(
    (status, action) for (_r, status, action) in TABLE
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One row of a request's timeline. ``from_status`` is ``None`` for ``create``;
    ``actor_id`` is ``None`` for the automation."""

    request_id: int
    action: Action
    from_status: RequestStatus | None
    to_status: RequestStatus
    actor_id: int | None
    actor_role: ActorRole
    at: datetime
    reason: str | None = None
    comment: str | None = None
    payload: dict[str, str | int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    previous: RequestState
    new: RequestState
    history: HistoryEntry
    events: list[DomainEvent]

    @property
    def action(self) -> Action:
        return self.history.action

    @property
    def actor_role(self) -> ActorRole:
        return self.history.actor_role


@dataclass(frozen=True, slots=True, kw_only=True)
class Creation:
    state: RequestState
    history: HistoryEntry
    events: list[DomainEvent]


# --------------------------------------------------------------------------- lookup


def _guard_error(guard: Guard, request: RequestState, actor: Actor) -> DomainError | None:
    if guard is Guard.ASSIGNEE and not actor.is_assignee_of(request):
        return NotAllowed()
    if guard is Guard.POOL:
        if not actor.sees_in_pool(request):
            return NotAllowed()
        if not actor.on_duty:
            return NotAllowed("error-not-on-duty")
    if guard is Guard.AUTHOR and not actor.is_author_of(request):
        return NotAllowed()
    return None


def _resolve(request: RequestState, actor: Actor, action: Action) -> tuple[ActorRole, Rule]:
    """Find the row the actor acts by, or raise the most helpful error."""
    roles = actor.actor_roles_for(request)
    if not roles:
        raise NotAllowed(NOT_AVAILABLE)
    guard_failure: DomainError | None = None
    for role in roles:
        rule = TABLE.get((role, request.status, action))
        if rule is None:
            continue
        failure = _guard_error(rule.guard, request, actor)
        if failure is None:
            return role, rule
        guard_failure = guard_failure or failure
    if guard_failure is not None:
        raise guard_failure
    invalid = InvalidTransition(status=request.status.value, action=action.value)
    if any(action in _ACTIONS_BY_ROLE[role] for role in roles):
        raise invalid  # the actor could do this, just not in this status
    if (request.status, action) in _STATUS_ACTIONS:
        raise NotAllowed()  # someone else could
    raise invalid


def allowed_actions(request: RequestState, actor: Actor) -> list[Action]:
    """Actions the actor may start now (table + access), in ``Action`` order: those
    ``_resolve`` finds a row for, without building its error for every other action
    (every card asks this).

    Required fields are not checked: they are what the button asks for.
    """
    roles = actor.actor_roles_for(request)
    return [
        action
        for action in Action
        if any(
            (rule := TABLE.get((role, request.status, action))) is not None
            and _guard_error(rule.guard, request, actor) is None
            for role in roles
        )
    ]


# --------------------------------------------------------------------------- input


def _clean_text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed("error-text-too-long", field=name, max=MAX_TEXT_LENGTH)
    return text


@dataclass(frozen=True, slots=True)
class _Input:
    reason: str | None
    comment: str | None
    assignee_id: int | None
    hold_reason: HoldReason | None
    rating: int | None
    media_count: int
    category: Category | None
    urgency: Urgency | None
    incident_id: int | None = None


def _check_required(rule: Rule, data: _Input) -> None:
    required = rule.required
    if _F.REASON in required and data.reason is None:
        raise MissingField(_F.REASON)
    if _F.COMMENT in required and data.comment is None:
        raise MissingField(_F.COMMENT)
    if _F.ASSIGNEE_ID in required and data.assignee_id is None:
        raise MissingField(_F.ASSIGNEE_ID)
    if _F.HOLD_REASON in required:
        if data.hold_reason is None:
            raise MissingField(_F.HOLD_REASON)
        if data.hold_reason is HoldReason.OTHER and data.comment is None:
            raise MissingField(_F.COMMENT)
    if _F.RATING in required and (
        data.rating is None
        or isinstance(data.rating, bool)
        or not isinstance(data.rating, int)
        or not 1 <= data.rating <= 5
    ):
        raise MissingField(_F.RATING)
    if _F.MEDIA_COUNT in required and data.media_count < 1:
        raise MissingField(_F.MEDIA_COUNT)
    if _F.CATEGORY in required and data.category is None:
        raise MissingField(_F.CATEGORY)
    if _F.URGENCY in required and data.urgency is None:
        raise MissingField(_F.URGENCY)
    if _F.INCIDENT_ID in required and data.incident_id is None:
        raise MissingField(_F.INCIDENT_ID)


# --------------------------------------------------------------------------- apply


class _Common(TypedDict):
    request_id: int
    number: str
    actor_id: int | None
    actor_role: ActorRole
    at: datetime


def apply_action(
    request: RequestState,
    actor: Actor,
    action: Action,
    now: datetime,
    *,
    reason: str | None = None,
    comment: str | None = None,
    assignee_id: int | None = None,
    hold_reason: HoldReason | None = None,
    rating: int | None = None,
    media_count: int = 0,
    category: Category | None = None,
    urgency: Urgency | None = None,
    incident_id: int | None = None,
) -> Transition:
    """Apply ``action`` by ``actor`` at ``now`` (aware) and return the transition.

    Raises ``NotAllowed`` (stranger: key ``error-not-available``; wrong
    executor/resident or role; pool claim while off duty:
    ``error-not-on-duty``), ``InvalidTransition`` (params ``status``,
    ``action``), ``MissingField`` (params ``field``) or ``ValidationFailed``
    (``error-text-too-long``; ``error-unchanged`` for a reassign to the same
    executor or a change to the same category/urgency).
    """
    now = ensure_utc(now, "now")
    role, rule = _resolve(request, actor, action)
    data = _Input(
        reason=_clean_text(reason, _F.REASON),
        comment=_clean_text(comment, _F.COMMENT),
        assignee_id=assignee_id,
        hold_reason=hold_reason,
        rating=rating,
        media_count=media_count,
        category=category,
        urgency=urgency,
        incident_id=incident_id,
    )
    _check_required(rule, data)

    changes: dict[str, Any] = {"status": rule.next_status}
    payload: dict[str, str | int | None] = {}
    finished_hold = 0
    if request.status is _S.ON_HOLD and rule.next_status is not _S.ON_HOLD:
        if request.hold_started_at is not None:
            finished_hold = max(0, int((now - request.hold_started_at).total_seconds()))
        changes.update(
            held_seconds=request.held_seconds + finished_hold,
            hold_started_at=None,
            hold_reason=None,
        )
        payload["held_seconds"] = finished_hold

    common = _Common(
        request_id=request.id,
        number=request.number,
        actor_id=None if actor.is_system else actor.user_id,
        actor_role=role,
        at=now,
    )
    event = _effects(action, request, actor, now, data, changes, payload, common, finished_hold)

    new = dataclasses.replace(request, **changes)
    history = HistoryEntry(
        request_id=request.id,
        action=action,
        from_status=request.status,
        to_status=new.status,
        actor_id=common["actor_id"],
        actor_role=role,
        at=now,
        reason=data.reason,
        comment=data.comment,
        payload=payload,
    )
    return Transition(previous=request, new=new, history=history, events=[event])


def _effects(
    action: Action,
    request: RequestState,
    actor: Actor,
    now: datetime,
    data: _Input,
    changes: dict[str, Any],
    payload: dict[str, str | int | None],
    common: _Common,
    finished_hold: int,
) -> DomainEvent:
    """Per-action state changes (into ``changes``/``payload``) and the event."""
    c = common
    previous_assignee = request.assignee_id
    cleared_cycle = {"assigned_at": None, "accepted_at": None, "started_at": None}

    if action in (Action.ASSIGN, Action.REASSIGN):
        assert data.assignee_id is not None
        if data.assignee_id == previous_assignee:
            raise ValidationFailed("error-unchanged", field=_F.ASSIGNEE_ID)
        changes.update(cleared_cycle, assignee_id=data.assignee_id, assigned_at=now)
        payload.update(assignee_id=data.assignee_id, previous_assignee_id=previous_assignee)
        return RequestAssigned(
            **c,
            assignee_id=data.assignee_id,
            previous_assignee_id=previous_assignee,
            reason=data.reason,
        )
    if action is Action.UNASSIGN:
        changes.update(cleared_cycle, assignee_id=None)
        payload.update(previous_assignee_id=previous_assignee)
        return RequestUnassigned(
            **c,
            previous_assignee_id=previous_assignee,
            reason=data.reason,
        )
    if action is Action.CLAIM:
        changes.update(assignee_id=actor.user_id, assigned_at=now, accepted_at=now)
        payload.update(assignee_id=actor.user_id)
        return RequestClaimed(**c, assignee_id=actor.user_id)
    if action is Action.ACCEPT:
        changes.update(accepted_at=now)
        return RequestAccepted(**c, assignee_id=actor.user_id)
    if action is Action.DECLINE:
        assert data.reason is not None
        assert previous_assignee is not None
        changes.update(cleared_cycle, assignee_id=None)
        payload.update(previous_assignee_id=previous_assignee)
        return RequestDeclined(
            **c,
            previous_assignee_id=previous_assignee,
            reason=data.reason,
        )
    if action is Action.START:
        changes.update(started_at=now, accepted_at=request.accepted_at or now)
        return WorkStarted(**c, assignee_id=actor.user_id)
    if action is Action.HOLD:
        assert data.hold_reason is not None
        changes.update(hold_started_at=now, hold_reason=data.hold_reason)
        payload.update(hold_reason=data.hold_reason.value)
        return WorkPaused(
            **c,
            hold_reason=data.hold_reason,
            comment=data.comment,
        )
    if action is Action.RESUME:
        return WorkResumed(**c, held_seconds=finished_hold)
    if action is Action.COMPLETE:
        assert data.comment is not None
        changes.update(completed_at=now)
        payload.update(media_count=data.media_count)
        return WorkCompleted(
            **c,
            assignee_id=actor.user_id,
            comment=data.comment,
            media_count=data.media_count,
        )
    if action in (Action.CONFIRM_COMPLETION, Action.CLOSE_ON_BEHALF):
        changes.update(closed_at=now)
        payload.update(how=ClosedBy.MANAGER.value)
        return RequestClosed(
            **c,
            how=ClosedBy.MANAGER,
            comment=data.comment,
        )
    if action is Action.ACCEPT_WORK:
        changes.update(closed_at=now, rating=data.rating)
        payload.update(how=ClosedBy.RESIDENT.value, rating=data.rating)
        return RequestClosed(
            **c,
            how=ClosedBy.RESIDENT,
            rating=data.rating,
            comment=data.comment,
        )
    if action is Action.AUTO_ACCEPT:
        changes.update(closed_at=now)
        payload.update(how=ClosedBy.AUTO.value)
        return RequestClosed(**c, how=ClosedBy.AUTO)
    if action is Action.RETURN_WORK:
        assert data.reason is not None
        changes.update(completed_at=None)
        return RequestReturned(
            **c,
            reason=data.reason,
            assignee_id=previous_assignee,
        )
    if action is Action.REJECT:
        assert data.reason is not None
        changes.update(closed_at=now)
        return RequestRejected(**c, reason=data.reason)
    if action is Action.CANCEL:
        assert data.reason is not None
        changes.update(closed_at=now)
        return RequestCancelled(**c, reason=data.reason)
    if action is Action.CHANGE_CATEGORY:
        assert data.category is not None
        if data.category is request.category:
            raise ValidationFailed("error-unchanged", field=_F.CATEGORY)
        changes.update(category=data.category)
        payload.update(previous_category=request.category.value, category=data.category.value)
        return CategoryChanged(
            **c,
            previous=request.category,
            category=data.category,
        )
    if action is Action.CHANGE_URGENCY:
        assert data.urgency is not None
        if data.urgency is request.urgency:
            raise ValidationFailed("error-unchanged", field=_F.URGENCY)
        changes.update(urgency=data.urgency)
        payload.update(previous_urgency=request.urgency.value, urgency=data.urgency.value)
        return UrgencyChanged(
            **c,
            previous=request.urgency,
            urgency=data.urgency,
        )
    if action in (Action.LINK_INCIDENT, Action.RETURN_FROM_INCIDENT):
        assert data.incident_id is not None
        payload.update(incident_id=data.incident_id)
        return IncidentLinkChanged(
            **c, incident_id=data.incident_id, linked=action is Action.LINK_INCIDENT
        )
    if action is Action.CLOSE_BY_INCIDENT:
        assert data.incident_id is not None
        changes.update(closed_at=now)
        payload.update(how=ClosedBy.INCIDENT.value, incident_id=data.incident_id)
        return RequestClosed(**c, how=ClosedBy.INCIDENT, comment=data.comment)
    raise InvalidTransition(  # pragma: no cover - every table action is handled above
        status=request.status.value, action=action.value
    )


# --------------------------------------------------------------------------- create


def create_request(
    *,
    request_id: int,
    number: str,
    author_id: int,
    building_id: int,
    apartment_id: int | None,
    category: Category,
    urgency: Urgency,
    actor: Actor,
    now: datetime,
    comment: str | None = None,
) -> Creation:
    """The state, ``create`` history entry and ``RequestCreated`` of a new request.

    The storage layer allocates ``request_id`` and ``number`` first. A resident
    files for themselves (``author_id == actor.user_id``) on a linked apartment
    or a common area of their building; a manager of the building or an admin
    may file on behalf of any author.
    """
    now = ensure_utc(now, "now")
    if not can_file(actor, building_id, apartment_id):
        raise NotAllowed()
    manager_role = (
        ActorRole.ADMIN
        if actor.is_admin
        else (ActorRole.MANAGER if actor.is_manager_of(building_id) else None)
    )
    files_own = author_id == actor.user_id and (
        apartment_id in actor.apartment_ids
        if apartment_id is not None
        else building_id in actor.home_building_ids
    )
    if files_own:
        role = ActorRole.RESIDENT
    elif manager_role is not None:
        role = manager_role
    else:
        raise NotAllowed()
    state = RequestState(
        id=request_id,
        number=number,
        status=_S.NEW,
        author_id=author_id,
        building_id=building_id,
        apartment_id=apartment_id,
        category=category,
        urgency=urgency,
        assignee_id=None,
        created_at=now,
    )
    history = HistoryEntry(
        request_id=request_id,
        action=Action.CREATE,
        from_status=None,
        to_status=_S.NEW,
        actor_id=actor.user_id,
        actor_role=role,
        at=now,
        comment=_clean_text(comment, _F.COMMENT),
        payload={"category": category.value, "urgency": urgency.value},
    )
    event = RequestCreated(
        request_id=request_id,
        number=number,
        actor_id=actor.user_id,
        actor_role=role,
        at=now,
        author_id=author_id,
        building_id=building_id,
        apartment_id=apartment_id,
        category=category,
        urgency=urgency,
    )
    return Creation(state=state, history=history, events=[event])


# --------------------------------------------------------------------------- holds


class StatusChange(Protocol):
    """Anything with the status edge of a history row (``HistoryEntry`` or an ORM row)."""

    @property
    def from_status(self) -> RequestStatus | None: ...

    @property
    def to_status(self) -> RequestStatus: ...

    @property
    def at(self) -> datetime: ...


def hold_intervals(history: Iterable[StatusChange]) -> list[tuple[datetime, datetime | None]]:
    """Hold intervals (start, end | None while running) from a request's history.

    Feed them to ``domain.sla`` so that SLA clocks pause while ``on_hold``.
    """
    intervals: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for entry in sorted(history, key=lambda item: item.at):
        entering = entry.to_status is _S.ON_HOLD and entry.from_status is not _S.ON_HOLD
        leaving = entry.from_status is _S.ON_HOLD and entry.to_status is not _S.ON_HOLD
        if entering and started is None:
            started = entry.at
        elif leaving and started is not None:
            intervals.append((started, entry.at))
            started = None
    if started is not None:
        intervals.append((started, None))
    return intervals
