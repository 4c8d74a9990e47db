"""Behaviour of individual lifecycle actions: state, history, events, guards."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.access import Actor
from domain.enums import (
    Action,
    ActorRole,
    Category,
    HoldReason,
    RequestStatus,
    Role,
    Specialization,
    Urgency,
)
from domain.errors import InvalidTransition, MissingField, NotAllowed, ValidationFailed
from domain.events import (
    RequestAssigned,
    RequestClaimed,
    RequestClosed,
    RequestCreated,
    RequestDeclined,
    WorkPaused,
    WorkResumed,
)
from domain.lifecycle import (
    MAX_TEXT_LENGTH,
    HistoryEntry,
    Transition,
    allowed_actions,
    apply_action,
    create_request,
    hold_intervals,
)
from tests.unit.factories import (
    APARTMENT,
    AUTHOR,
    BUILDING,
    EXECUTOR,
    OTHER_BUILDING,
    OTHER_EXECUTOR,
    T0,
    admin,
    executor,
    make_request,
    manager,
    resident,
)

S = RequestStatus


def test_full_happy_path_with_hold_accounting() -> None:
    history: list[HistoryEntry] = []
    created = create_request(
        request_id=7,
        number="250310-007",
        author_id=AUTHOR,
        building_id=BUILDING,
        apartment_id=APARTMENT,
        category=Category.PLUMBING,
        urgency=Urgency.NORMAL,
        actor=resident(),
        now=T0,
        comment="  leaking tap  ",
    )
    state = created.state
    history.append(created.history)
    assert state.status is S.NEW
    assert created.history.comment == "leaking tap"
    assert created.history.from_status is None
    assert isinstance(created.events[0], RequestCreated)

    def step(actor: Actor, action: Action, minutes: int, **kwargs: object) -> Transition:
        nonlocal state
        transition = apply_action(
            state,
            actor,
            action,
            T0 + timedelta(minutes=minutes),
            **kwargs,  # type: ignore[arg-type]
        )
        state = transition.new
        history.append(transition.history)
        return transition

    step(manager(), Action.ASSIGN, 5, assignee_id=EXECUTOR)
    assert state.assignee_id == EXECUTOR
    assert state.assigned_at == T0 + timedelta(minutes=5)
    step(executor(), Action.ACCEPT, 10)
    assert state.accepted_at == T0 + timedelta(minutes=10)
    step(executor(), Action.START, 20)
    assert state.started_at == T0 + timedelta(minutes=20)
    paused = step(executor(), Action.HOLD, 30, hold_reason=HoldReason.CLARIFICATION, comment="?")
    assert state.hold_started_at == T0 + timedelta(minutes=30)
    assert state.hold_reason is HoldReason.CLARIFICATION
    assert isinstance(paused.events[0], WorkPaused)
    resumed = step(executor(), Action.RESUME, 45)
    assert state.held_seconds == 15 * 60
    assert state.hold_started_at is None
    assert isinstance(resumed.events[0], WorkResumed)
    assert resumed.events[0].held_seconds == 900
    assert resumed.history.payload["held_seconds"] == 900
    step(executor(), Action.HOLD, 50, hold_reason=HoldReason.MATERIALS)
    step(manager(), Action.RESUME, 60)
    assert state.held_seconds == 25 * 60
    done = step(executor(), Action.COMPLETE, 90, comment="fixed", media_count=2)
    assert state.completed_at == T0 + timedelta(minutes=90)
    assert done.history.payload == {"media_count": 2}
    closed = step(resident(), Action.ACCEPT_WORK, 120, rating=2, comment="slow")
    assert state.status is S.CLOSED
    assert state.rating == 2
    assert state.closed_at == T0 + timedelta(minutes=120)
    event = closed.events[0]
    assert isinstance(event, RequestClosed)
    assert event.needs_follow_up
    assert [entry.action for entry in history] == [
        Action.CREATE,
        Action.ASSIGN,
        Action.ACCEPT,
        Action.START,
        Action.HOLD,
        Action.RESUME,
        Action.HOLD,
        Action.RESUME,
        Action.COMPLETE,
        Action.ACCEPT_WORK,
    ]
    assert hold_intervals(reversed(history)) == [
        (T0 + timedelta(minutes=30), T0 + timedelta(minutes=45)),
        (T0 + timedelta(minutes=50), T0 + timedelta(minutes=60)),
    ]
    assert allowed_actions(state, manager()) == []


def test_high_rating_needs_no_follow_up() -> None:
    transition = apply_action(
        make_request(S.COMPLETED), resident(), Action.ACCEPT_WORK, T0, rating=5
    )
    event = transition.events[0]
    assert isinstance(event, RequestClosed)
    assert not event.needs_follow_up


def test_open_hold_interval_and_hold_closed_by_reassign() -> None:
    request = make_request(S.ON_HOLD)
    transition = apply_action(
        request, manager(), Action.REASSIGN, T0, assignee_id=OTHER_EXECUTOR, reason="sick"
    )
    new = transition.new
    assert new.status is S.ASSIGNED
    assert new.held_seconds == 3600
    assert new.hold_started_at is None
    assert new.assignee_id == OTHER_EXECUTOR
    assert new.accepted_at is None
    assert new.started_at is None
    event = transition.events[0]
    assert isinstance(event, RequestAssigned)
    assert event.previous_assignee_id == EXECUTOR
    assert event.reason == "sick"
    assert transition.history.payload["previous_assignee_id"] == EXECUTOR

    entry = HistoryEntry(
        request_id=1,
        action=Action.HOLD,
        from_status=S.IN_PROGRESS,
        to_status=S.ON_HOLD,
        actor_id=EXECUTOR,
        actor_role=ActorRole.EXECUTOR,
        at=T0,
    )
    assert hold_intervals([entry]) == [(T0, None)]
    assert hold_intervals([entry, transition.history]) == [(T0, T0)]


def test_hold_clock_never_goes_negative() -> None:
    request = make_request(S.ON_HOLD, hold_started_at=T0 + timedelta(hours=1))
    transition = apply_action(request, executor(), Action.RESUME, T0)
    assert transition.new.held_seconds == 0


def test_return_goes_back_to_same_executor_and_work_repeats() -> None:
    completed = make_request(S.COMPLETED)
    returned = apply_action(completed, resident(), Action.RETURN_WORK, T0, reason="still leaks").new
    assert returned.status is S.RETURNED
    assert returned.assignee_id == EXECUTOR
    assert returned.completed_at is None
    assert allowed_actions(returned, executor()) == [Action.ACCEPT, Action.DECLINE, Action.START]
    assert Action.REASSIGN in allowed_actions(returned, manager())
    assert Action.CANCEL not in allowed_actions(returned, resident())
    started = apply_action(returned, executor(), Action.START, T0 + timedelta(minutes=1)).new
    assert started.status is S.IN_PROGRESS
    assert started.started_at == T0 + timedelta(minutes=1)
    again = apply_action(
        started, executor(), Action.COMPLETE, T0 + timedelta(hours=1), comment="ok", media_count=1
    ).new
    assert again.status is S.COMPLETED


def test_start_sets_accepted_at_when_missing() -> None:
    request = make_request(S.RETURNED, accepted_at=None)
    assert apply_action(request, executor(), Action.START, T0).new.accepted_at == T0


def test_decline_unassigns() -> None:
    transition = apply_action(
        make_request(S.ACCEPTED), executor(), Action.DECLINE, T0, reason="ill"
    )
    new = transition.new
    assert new.status is S.NEW
    assert new.assignee_id is None
    assert new.assigned_at is None
    assert new.accepted_at is None
    event = transition.events[0]
    assert isinstance(event, RequestDeclined)
    assert event.previous_assignee_id == EXECUTOR
    assert event.reason == "ill"


def test_unassign_returns_to_pool() -> None:
    new = apply_action(make_request(S.IN_PROGRESS), manager(), Action.UNASSIGN, T0).new
    assert new.status is S.NEW
    assert new.assignee_id is None
    assert new.started_at is None


def test_claim_from_pool() -> None:
    request = make_request(S.NEW)
    on_duty = executor()
    assert allowed_actions(request, on_duty) == [Action.CLAIM]
    transition = apply_action(request, on_duty, Action.CLAIM, T0)
    assert transition.new.status is S.ACCEPTED
    assert transition.new.assignee_id == EXECUTOR
    assert transition.new.assigned_at == T0
    assert transition.new.accepted_at == T0
    assert isinstance(transition.events[0], RequestClaimed)

    off_duty = executor(on_duty=False)
    assert allowed_actions(request, off_duty) == []
    with pytest.raises(NotAllowed) as caught:
        apply_action(request, off_duty, Action.CLAIM, T0)
    assert caught.value.key == "error-not-on-duty"

    electrician = executor(specializations=frozenset({Specialization.ELECTRICIAN}))
    with pytest.raises(NotAllowed) as caught:
        apply_action(request, electrician, Action.CLAIM, T0)
    assert caught.value.key == "error-not-available"


def test_resident_cancel_only_before_work_starts() -> None:
    for status in (S.NEW, S.ASSIGNED, S.ACCEPTED):
        assert Action.CANCEL in allowed_actions(make_request(status), resident())
    for status in (S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED):
        request = make_request(status)
        assert Action.CANCEL not in allowed_actions(request, resident())
        with pytest.raises(InvalidTransition) as caught:
            apply_action(request, resident(), Action.CANCEL, T0, reason="changed my mind")
        assert caught.value.params == {"status": status.value, "action": "cancel"}
    # the manager still can
    assert apply_action(make_request(S.IN_PROGRESS), manager(), Action.CANCEL, T0, reason="x")


def test_resident_cannot_do_staff_actions() -> None:
    with pytest.raises(NotAllowed) as caught:
        apply_action(make_request(S.ACCEPTED), resident(), Action.START, T0)
    assert caught.value.key == "error-not-allowed"


def test_executor_cannot_do_manager_actions() -> None:
    with pytest.raises(NotAllowed):
        apply_action(make_request(S.ASSIGNED), executor(), Action.REJECT, T0, reason="x")


def test_manager_of_another_building_sees_nothing() -> None:
    outsider = manager(managed_building_ids=frozenset({OTHER_BUILDING}))
    with pytest.raises(NotAllowed) as caught:
        apply_action(make_request(S.NEW), outsider, Action.ASSIGN, T0, assignee_id=EXECUTOR)
    assert caught.value.key == "error-not-available"
    assert allowed_actions(make_request(S.NEW), outsider) == []


def test_multi_role_actor_falls_back_to_a_role_with_a_row() -> None:
    # a manager of the building who filed the request accepts the work as its author
    manager_author = manager(user_id=AUTHOR)
    request = make_request(S.COMPLETED)
    actions = allowed_actions(request, manager_author)
    assert Action.ACCEPT_WORK in actions
    assert Action.CLOSE_ON_BEHALF in actions
    transition = apply_action(request, manager_author, Action.ACCEPT_WORK, T0, rating=4)
    assert transition.actor_role is ActorRole.RESIDENT
    # an admin who is also the assignee completes the job as executor
    admin_executor = admin(user_id=EXECUTOR, roles=frozenset({Role.ADMIN, Role.EXECUTOR}))
    transition = apply_action(
        make_request(S.IN_PROGRESS), admin_executor, Action.COMPLETE, T0, comment="x", media_count=1
    )
    assert transition.actor_role is ActorRole.EXECUTOR
    # the same person pauses as admin (highest role with a row)
    transition = apply_action(
        make_request(S.IN_PROGRESS),
        admin_executor,
        Action.HOLD,
        T0,
        hold_reason=HoldReason.MATERIALS,
    )
    assert transition.actor_role is ActorRole.ADMIN


@pytest.mark.parametrize("rating", [0, 6, -1, True, None])
def test_rating_must_be_one_to_five(rating: int | None) -> None:
    with pytest.raises(MissingField) as caught:
        apply_action(make_request(S.COMPLETED), resident(), Action.ACCEPT_WORK, T0, rating=rating)
    assert caught.value.params == {"field": "rating"}
    assert caught.value.field == "rating"


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_blank_reason_is_missing(reason: str | None) -> None:
    with pytest.raises(MissingField):
        apply_action(make_request(S.COMPLETED), resident(), Action.RETURN_WORK, T0, reason=reason)


def test_complete_needs_a_photo_and_a_comment() -> None:
    request = make_request(S.IN_PROGRESS)
    with pytest.raises(MissingField) as caught:
        apply_action(request, executor(), Action.COMPLETE, T0, comment="done", media_count=0)
    assert caught.value.params == {"field": "media_count"}
    with pytest.raises(MissingField) as caught:
        apply_action(request, executor(), Action.COMPLETE, T0, comment=" ", media_count=1)
    assert caught.value.params == {"field": "comment"}


def test_hold_other_needs_a_comment() -> None:
    request = make_request(S.IN_PROGRESS)
    with pytest.raises(MissingField) as caught:
        apply_action(request, executor(), Action.HOLD, T0, hold_reason=HoldReason.OTHER)
    assert caught.value.params == {"field": "comment"}
    transition = apply_action(
        request, executor(), Action.HOLD, T0, hold_reason=HoldReason.OTHER, comment="waiting"
    )
    assert transition.new.hold_reason is HoldReason.OTHER
    assert transition.history.payload == {"hold_reason": "other"}


def test_text_too_long() -> None:
    with pytest.raises(ValidationFailed) as caught:
        apply_action(
            make_request(S.NEW), manager(), Action.REJECT, T0, reason="x" * (MAX_TEXT_LENGTH + 1)
        )
    assert caught.value.key == "error-text-too-long"
    assert caught.value.params == {"field": "reason", "max": MAX_TEXT_LENGTH}


def test_unchanged_values_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        apply_action(make_request(S.ASSIGNED), manager(), Action.REASSIGN, T0, assignee_id=EXECUTOR)
    assert caught.value.key == "error-unchanged"
    assert caught.value.params == {"field": "assignee_id"}
    with pytest.raises(ValidationFailed):
        apply_action(
            make_request(S.NEW), manager(), Action.CHANGE_CATEGORY, T0, category=Category.PLUMBING
        )
    with pytest.raises(ValidationFailed):
        apply_action(
            make_request(S.NEW), manager(), Action.CHANGE_URGENCY, T0, urgency=Urgency.NORMAL
        )


def test_change_category_and_urgency_keep_status() -> None:
    request = make_request(S.IN_PROGRESS)
    changed = apply_action(request, admin(), Action.CHANGE_CATEGORY, T0, category=Category.HEATING)
    assert changed.new.status is S.IN_PROGRESS
    assert changed.new.category is Category.HEATING
    assert changed.history.payload == {"previous_category": "plumbing", "category": "heating"}
    changed = apply_action(request, manager(), Action.CHANGE_URGENCY, T0, urgency=Urgency.EMERGENCY)
    assert changed.new.urgency is Urgency.EMERGENCY
    assert changed.new.status is request.status


def test_now_must_be_aware_and_is_normalised_to_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply_action(
            make_request(S.NEW), manager(), Action.REJECT, datetime(2025, 1, 1), reason="x"
        )
    from zoneinfo import ZoneInfo

    local = T0.astimezone(ZoneInfo("Asia/Tashkent"))
    transition = apply_action(make_request(S.NEW), manager(), Action.REJECT, local, reason="x")
    assert transition.history.at.tzinfo is UTC


def test_system_actor() -> None:
    system = Actor.system()
    request = make_request(S.COMPLETED)
    assert allowed_actions(request, system) == [Action.AUTO_ACCEPT]
    transition = apply_action(request, system, Action.AUTO_ACCEPT, T0)
    assert transition.history.actor_id is None
    assert transition.events[0].actor_id is None
    with pytest.raises(InvalidTransition):
        apply_action(make_request(S.NEW), system, Action.AUTO_ACCEPT, T0)
    with pytest.raises(NotAllowed):
        apply_action(request, system, Action.CONFIRM_COMPLETION, T0)


def test_invalid_transition_for_action_nobody_can_do_here() -> None:
    with pytest.raises(InvalidTransition):
        apply_action(make_request(S.NEW), executor(), Action.CREATE, T0)


# --------------------------------------------------------------------------- create


def test_create_for_common_area_and_on_behalf() -> None:
    common = create_request(
        request_id=1,
        number="250310-001",
        author_id=AUTHOR,
        building_id=BUILDING,
        apartment_id=None,
        category=Category.CLEANING,
        urgency=Urgency.NORMAL,
        actor=resident(),
        now=T0,
    )
    assert common.history.actor_role is ActorRole.RESIDENT
    assert common.history.payload == {"category": "cleaning", "urgency": "normal"}

    on_behalf = create_request(
        request_id=2,
        number="250310-002",
        author_id=AUTHOR,
        building_id=BUILDING,
        apartment_id=APARTMENT,
        category=Category.PLUMBING,
        urgency=Urgency.EMERGENCY,
        actor=manager(),
        now=T0,
    )
    assert on_behalf.state.author_id == AUTHOR
    assert on_behalf.history.actor_id == manager().user_id
    assert on_behalf.history.actor_role is ActorRole.MANAGER
    by_admin = create_request(
        request_id=3,
        number="250310-003",
        author_id=AUTHOR,
        building_id=OTHER_BUILDING,
        apartment_id=None,
        category=Category.OTHER,
        urgency=Urgency.URGENT,
        actor=admin(),
        now=T0,
    )
    assert by_admin.events[0].actor_role is ActorRole.ADMIN


@pytest.mark.parametrize(
    ("actor", "author", "building", "apartment"),
    [
        (resident(), AUTHOR, BUILDING, 999),  # not linked to that apartment
        (resident(), AUTHOR, OTHER_BUILDING, None),  # not living in that building
        (resident(is_active=False), AUTHOR, BUILDING, APARTMENT),
        (resident(user_id=5), AUTHOR, BUILDING, APARTMENT),  # filing for someone else
        (Actor.system(), AUTHOR, BUILDING, APARTMENT),
        (executor(), EXECUTOR, BUILDING, None),
    ],
)
def test_create_refused(actor: Actor, author: int, building: int, apartment: int | None) -> None:
    if actor.user_id == 5:
        actor = replace(actor, apartment_ids=frozenset({APARTMENT}))
    with pytest.raises(NotAllowed):
        create_request(
            request_id=1,
            number="250310-001",
            author_id=author,
            building_id=building,
            apartment_id=apartment,
            category=Category.OTHER,
            urgency=Urgency.NORMAL,
            actor=actor,
            now=T0,
        )
