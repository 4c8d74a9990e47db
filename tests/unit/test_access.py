"""View rules per role, including deactivated users."""

from __future__ import annotations

import pytest

from domain.access import Actor, can_file, can_view, ensure_can_file
from domain.enums import ActorRole, Category, RequestStatus, Role, Specialization
from domain.errors import NotAllowed
from tests.unit.factories import (
    APARTMENT,
    AUTHOR,
    BUILDING,
    EXECUTOR,
    OTHER_APARTMENT,
    OTHER_BUILDING,
    admin,
    executor,
    make_request,
    manager,
    resident,
)

S = RequestStatus
ALL = sorted(RequestStatus)


@pytest.mark.parametrize("status", ALL, ids=str)
def test_resident_sees_own_and_same_apartment(status: RequestStatus) -> None:
    request = make_request(status)
    assert can_view(resident(), request)
    assert can_view(resident(user_id=1001), request)  # neighbour in the same flat
    assert not can_view(resident(user_id=1002, apartment_ids=frozenset({OTHER_APARTMENT})), request)
    common_area = make_request(status, apartment_id=None)
    assert can_view(resident(), common_area)
    assert not can_view(resident(user_id=1001), common_area)


def test_author_without_resident_role_still_sees_own_request() -> None:
    author = Actor(user_id=AUTHOR, roles=frozenset({Role.MANAGER}))
    assert can_view(author, make_request())
    assert author.actor_role_for(make_request()) is ActorRole.RESIDENT


@pytest.mark.parametrize("status", ALL, ids=str)
def test_executor_sees_assigned_jobs_only(status: RequestStatus) -> None:
    request = make_request(status)
    if status is S.NEW:
        assert can_view(executor(), request)  # pool
        assert can_view(executor(user_id=9), request)
        assert not can_view(
            executor(specializations=frozenset({Specialization.ELECTRICIAN})), request
        )
    else:
        assert can_view(executor(), request)
        assert not can_view(executor(user_id=9), request)


def test_pool_visibility_does_not_need_duty_and_uses_the_category_map() -> None:
    request = make_request(S.NEW, category=Category.HEATING)
    plumber = executor(on_duty=False)
    assert can_view(plumber, request)
    assert plumber.sees_in_pool(request)
    cleaner = executor(specializations=frozenset({Specialization.CLEANER}))
    assert not can_view(cleaner, request)


def test_executor_without_executor_role_is_not_an_assignee() -> None:
    request = make_request(S.ASSIGNED)
    no_role = Actor(user_id=EXECUTOR)
    assert not no_role.is_assignee_of(request)
    assert not can_view(no_role, request)


@pytest.mark.parametrize("status", ALL, ids=str)
def test_manager_sees_managed_buildings(status: RequestStatus) -> None:
    request = make_request(status)
    assert can_view(manager(), request)
    assert not can_view(manager(managed_building_ids=frozenset({OTHER_BUILDING})), request)
    assert not can_view(manager(managed_building_ids=frozenset()), request)
    assert manager().is_manager_of(BUILDING)
    assert not manager().is_manager_of(OTHER_BUILDING)
    assert manager().is_staff_manager
    assert not manager().is_admin


@pytest.mark.parametrize("status", ALL, ids=str)
def test_admin_and_system_see_all(status: RequestStatus) -> None:
    request = make_request(status, building_id=OTHER_BUILDING)
    assert can_view(admin(), request)
    assert admin().is_admin
    assert admin().is_manager_of(12345)
    assert admin().actor_role_for(request) is ActorRole.ADMIN
    assert can_view(Actor.system(), request)
    assert Actor.system().actor_role_for(request) is ActorRole.SYSTEM


@pytest.mark.parametrize("status", ALL, ids=str)
def test_deactivated_see_nothing(status: RequestStatus) -> None:
    request = make_request(status)
    for actor in (
        resident(is_active=False),
        executor(is_active=False),
        manager(is_active=False),
        admin(is_active=False),
    ):
        assert not can_view(actor, request)
        assert actor.actor_role_for(request) is None
    assert not admin(is_active=False).is_admin
    assert not admin(is_active=False).is_manager_of(BUILDING)


def test_role_priority() -> None:
    request = make_request(S.ASSIGNED, assignee_id=AUTHOR)
    everything = Actor(
        user_id=AUTHOR,
        roles=frozenset(Role),
        managed_building_ids=frozenset({BUILDING}),
        apartment_ids=frozenset({APARTMENT}),
    )
    assert everything.actor_roles_for(request) == (
        ActorRole.ADMIN,
        ActorRole.MANAGER,
        ActorRole.EXECUTOR,
        ActorRole.RESIDENT,
    )
    assert everything.actor_role_for(request) is ActorRole.ADMIN
    assert resident(user_id=1002, apartment_ids=frozenset()).actor_role_for(request) is None
    assert can_view(everything, request)


def test_can_file() -> None:
    assert can_file(resident(), BUILDING, APARTMENT)
    assert can_file(resident(), BUILDING, None)
    assert not can_file(resident(), OTHER_BUILDING, None)
    assert not can_file(resident(), BUILDING, OTHER_APARTMENT)
    assert can_file(manager(), BUILDING, OTHER_APARTMENT)
    assert not can_file(manager(), OTHER_BUILDING, None)
    assert can_file(admin(), OTHER_BUILDING, None)
    assert not can_file(Actor.system(), BUILDING, None)
    assert not can_file(resident(is_active=False), BUILDING, APARTMENT)
    ensure_can_file(resident(), BUILDING, APARTMENT)
    with pytest.raises(NotAllowed):
        ensure_can_file(executor(), BUILDING, None)
