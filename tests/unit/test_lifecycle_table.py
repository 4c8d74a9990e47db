"""Exhaustive checks of the action table: every (role, status, action) cell."""

from __future__ import annotations

import itertools

import pytest

from domain.access import Actor
from domain.enums import Action, ActorRole, ClosedBy, RequestStatus
from domain.errors import DomainError, InvalidTransition, MissingField, NotAllowed
from domain.events import (
    CategoryChanged,
    DomainEvent,
    IncidentLinkChanged,
    RequestAccepted,
    RequestAssigned,
    RequestCancelled,
    RequestClaimed,
    RequestClosed,
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
from domain.lifecycle import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    TABLE,
    Guard,
    RequiredField,
    allowed_actions,
    apply_action,
)
from tests.unit.factories import (
    T0,
    admin,
    executor,
    full_fields,
    make_request,
    manager,
    resident,
)

EVENT_FOR: dict[Action, type[DomainEvent]] = {
    Action.ASSIGN: RequestAssigned,
    Action.REASSIGN: RequestAssigned,
    Action.UNASSIGN: RequestUnassigned,
    Action.CLAIM: RequestClaimed,
    Action.ACCEPT: RequestAccepted,
    Action.DECLINE: RequestDeclined,
    Action.START: WorkStarted,
    Action.HOLD: WorkPaused,
    Action.RESUME: WorkResumed,
    Action.COMPLETE: WorkCompleted,
    Action.CONFIRM_COMPLETION: RequestClosed,
    Action.CLOSE_ON_BEHALF: RequestClosed,
    Action.ACCEPT_WORK: RequestClosed,
    Action.AUTO_ACCEPT: RequestClosed,
    Action.RETURN_WORK: RequestReturned,
    Action.REJECT: RequestRejected,
    Action.CANCEL: RequestCancelled,
    Action.CHANGE_CATEGORY: CategoryChanged,
    Action.CHANGE_URGENCY: UrgencyChanged,
    Action.LINK_INCIDENT: IncidentLinkChanged,
    Action.CLOSE_BY_INCIDENT: RequestClosed,
    Action.RETURN_FROM_INCIDENT: IncidentLinkChanged,
}


def canonical_actor(role: ActorRole) -> Actor:
    """An actor that plays exactly ``role`` for ``make_request(...)``."""
    return {
        ActorRole.ADMIN: admin(),
        ActorRole.MANAGER: manager(),
        ActorRole.EXECUTOR: executor(),
        ActorRole.RESIDENT: resident(),
        ActorRole.SYSTEM: Actor.system(),
    }[role]


CELLS = list(itertools.product(ActorRole, RequestStatus, Action))


def test_status_sets_partition_the_statuses() -> None:
    assert OPEN_STATUSES | {RequestStatus.COMPLETED} == ACTIVE_STATUSES
    assert set(RequestStatus) == ACTIVE_STATUSES | FINAL_STATUSES
    assert not ACTIVE_STATUSES & FINAL_STATUSES


def test_every_table_action_has_an_event_and_create_is_not_in_the_table() -> None:
    assert {action for (_r, _s, action) in TABLE} == set(EVENT_FOR)
    assert Action.CREATE not in EVENT_FOR


def test_final_statuses_have_no_rows() -> None:
    assert not [key for key in TABLE if key[1] in FINAL_STATUSES]


def test_admin_can_do_everything_a_manager_can() -> None:
    for (role, status, action), rule in TABLE.items():
        if role is ActorRole.MANAGER:
            assert TABLE[(ActorRole.ADMIN, status, action)] == rule


def test_every_open_status_is_reachable_and_leaves() -> None:
    targets = {rule.next_status for rule in TABLE.values()}
    assert set(RequestStatus) - {RequestStatus.NEW} <= targets
    sources = {status for (_r, status, _a) in TABLE}
    assert sources == ACTIVE_STATUSES


@pytest.mark.parametrize(("role", "status", "action"), CELLS, ids=lambda v: str(v))
def test_cell(role: ActorRole, status: RequestStatus, action: Action) -> None:
    request = make_request(status)
    actor = canonical_actor(role)
    rule = TABLE.get((role, status, action))
    if rule is None:
        with pytest.raises((InvalidTransition, NotAllowed)):
            apply_action(request, actor, action, T0, **full_fields(request))
        assert action not in allowed_actions(request, actor)
        return

    transition = apply_action(request, actor, action, T0, **full_fields(request))
    assert action in allowed_actions(request, actor)
    assert transition.previous == request
    assert transition.new.status is rule.next_status
    assert transition.action is action
    assert transition.actor_role is role

    history = transition.history
    assert history.request_id == request.id
    assert history.from_status is status
    assert history.to_status is rule.next_status
    assert history.at == T0
    assert history.actor_id == (None if role is ActorRole.SYSTEM else actor.user_id)

    assert len(transition.events) == 1
    event = transition.events[0]
    assert type(event) is EVENT_FOR[action]
    assert event.request_id == request.id
    assert event.number == request.number
    assert event.actor_role is role
    assert event.at == T0

    new = transition.new
    if new.status in FINAL_STATUSES:
        assert new.closed_at == T0
    if new.status is not RequestStatus.ON_HOLD:
        assert new.hold_started_at is None
        assert new.hold_reason is None
    if status is RequestStatus.ON_HOLD and new.status is not RequestStatus.ON_HOLD:
        assert new.held_seconds == request.held_seconds + 3600
    if new.status is RequestStatus.NEW:
        assert new.assignee_id is None
    elif (
        new.status is not RequestStatus.CANCELLED
        and new.status is not RequestStatus.REJECTED
        and action is not Action.CLOSE_BY_INCIDENT  # an outage may end before anyone came
    ):
        assert new.assignee_id is not None


def test_allowed_actions_are_exactly_the_table_rows_for_single_role_actors() -> None:
    for role, status in itertools.product(ActorRole, RequestStatus):
        request = make_request(status)
        expected = [action for action in Action if (role, status, action) in TABLE]
        assert allowed_actions(request, canonical_actor(role)) == expected, (role, status)


REQUIRED_CASES = [
    (key, required) for key, rule in TABLE.items() for required in sorted(rule.required)
]


@pytest.mark.parametrize(("key", "field"), REQUIRED_CASES, ids=lambda v: str(v))
def test_required_fields_are_enforced(
    key: tuple[ActorRole, RequestStatus, Action], field: RequiredField
) -> None:
    role, status, action = key
    request = make_request(status)
    fields = full_fields(request)
    fields[field.value] = 0 if field is RequiredField.MEDIA_COUNT else None
    with pytest.raises(MissingField) as caught:
        apply_action(request, canonical_actor(role), action, T0, **fields)
    assert caught.value.key == "error-missing-field"
    assert caught.value.params == {"field": field.value}


ASSIGNEE_ROWS = [key for key, rule in TABLE.items() if rule.guard is Guard.ASSIGNEE]
AUTHOR_ROWS = [key for key, rule in TABLE.items() if rule.guard is Guard.AUTHOR]


@pytest.mark.parametrize("key", ASSIGNEE_ROWS, ids=lambda v: str(v))
def test_executor_acts_only_on_own_job(key: tuple[ActorRole, RequestStatus, Action]) -> None:
    _role, status, action = key
    request = make_request(status)
    other = executor(user_id=9999)
    with pytest.raises(NotAllowed) as caught:
        apply_action(request, other, action, T0, **full_fields(request))
    assert caught.value.key == "error-not-available"
    assert action not in allowed_actions(request, other)


@pytest.mark.parametrize("key", AUTHOR_ROWS, ids=lambda v: str(v))
def test_resident_acts_only_on_own_request(key: tuple[ActorRole, RequestStatus, Action]) -> None:
    _role, status, action = key
    request = make_request(status)
    neighbour = resident(user_id=1001)  # linked to the same apartment: may view, not act
    with pytest.raises(NotAllowed) as caught:
        apply_action(request, neighbour, action, T0, **full_fields(request))
    assert caught.value.key == "error-not-allowed"
    assert allowed_actions(request, neighbour) == []

    stranger = resident(user_id=1002, apartment_ids=frozenset({999}))
    with pytest.raises(NotAllowed) as caught:
        apply_action(request, stranger, action, T0, **full_fields(request))
    assert caught.value.key == "error-not-available"


@pytest.mark.parametrize("status", sorted(RequestStatus), ids=str)
def test_deactivated_users_can_do_nothing(status: RequestStatus) -> None:
    request = make_request(status)
    for actor in (
        admin(is_active=False),
        manager(is_active=False),
        executor(is_active=False),
        resident(is_active=False),
    ):
        assert allowed_actions(request, actor) == []
        for action in Action:
            with pytest.raises(NotAllowed):
                apply_action(request, actor, action, T0, **full_fields(request))


def test_errors_are_domain_errors_with_keys_only() -> None:
    request = make_request(RequestStatus.CLOSED)
    with pytest.raises(DomainError) as caught:
        apply_action(request, manager(), Action.REJECT, T0, reason="x")
    assert isinstance(caught.value, InvalidTransition)
    assert caught.value.params == {"status": "closed", "action": "reject"}


def test_close_kinds() -> None:
    request = make_request(RequestStatus.COMPLETED)
    hows = {
        Action.CONFIRM_COMPLETION: (manager(), ClosedBy.MANAGER),
        Action.CLOSE_ON_BEHALF: (manager(), ClosedBy.MANAGER),
        Action.ACCEPT_WORK: (resident(), ClosedBy.RESIDENT),
        Action.AUTO_ACCEPT: (Actor.system(), ClosedBy.AUTO),
        Action.CLOSE_BY_INCIDENT: (manager(), ClosedBy.INCIDENT),
    }
    for action, (actor, how) in hows.items():
        transition = apply_action(request, actor, action, T0, **full_fields(request))
        event = transition.events[0]
        assert isinstance(event, RequestClosed)
        assert event.how is how
        assert transition.history.payload["how"] == how.value
