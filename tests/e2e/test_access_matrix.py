"""Every lifecycle action × every kind of person, through the real write path
(`perform_action` on Postgres, actors loaded from the database): only the cells the
product allows change anything; every other attempt is refused and changes nothing."""

from __future__ import annotations

from sqlalchemy import update

from domain.enums import (
    Action,
    Category,
    HoldReason,
    RequestStatus,
    Role,
    Specialization,
    Urgency,
    UserStatus,
)
from domain.errors import DomainError
from domain.services.requests import ActionFields, perform_action
from sandbox.client import UserClient
from storage.models import Building, User
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff
from tests.e2e.tracking_helpers import (
    Cast,
    drive,
    insert_request,
    make_cast,
    make_resident,
    request_row,
    to_completed,
    to_in_progress,
)

A = Action
# (person, status) → actions that must succeed; everything else must be refused.
ALLOWED: dict[tuple[str, RequestStatus], set[Action]] = {
    ("author", RequestStatus.NEW): {A.CANCEL},
    ("author", RequestStatus.ASSIGNED): {A.CANCEL},
    ("author", RequestStatus.IN_PROGRESS): set(),
    ("author", RequestStatus.COMPLETED): {A.ACCEPT_WORK, A.RETURN_WORK},
    ("assignee", RequestStatus.NEW): {A.CLAIM},  # the pool: on duty, matching trade
    ("assignee", RequestStatus.ASSIGNED): {A.ACCEPT, A.DECLINE},
    ("assignee", RequestStatus.IN_PROGRESS): {A.HOLD},  # complete needs stored photos
    ("assignee", RequestStatus.COMPLETED): set(),
    ("manager", RequestStatus.NEW): {
        A.ASSIGN,
        A.REJECT,
        A.CANCEL,
        A.CHANGE_CATEGORY,
        A.CHANGE_URGENCY,
    },
    ("manager", RequestStatus.ASSIGNED): {
        A.REASSIGN,
        A.UNASSIGN,
        A.REJECT,
        A.CANCEL,
        A.CHANGE_CATEGORY,
        A.CHANGE_URGENCY,
    },
    ("manager", RequestStatus.IN_PROGRESS): {
        A.REASSIGN,
        A.UNASSIGN,
        A.HOLD,
        A.REJECT,
        A.CANCEL,
        A.CHANGE_CATEGORY,
        A.CHANGE_URGENCY,
    },
    ("manager", RequestStatus.COMPLETED): {A.CONFIRM_COMPLETION, A.CLOSE_ON_BEHALF},
}
ALLOWED.update(
    {("admin", status): actions for (who, status), actions in ALLOWED.items() if who == "manager"}
)
# Nobody else may do anything to this request in any state.
OUTSIDERS = ("neighbour", "other_executor", "other_manager", "deactivated_manager")

FIELDS: ActionFields = {
    "reason": "matrix reason",
    "comment": "matrix comment",
    "hold_reason": HoldReason.MATERIALS,
    "rating": 5,
    "media_count": 1,
}


async def _at(desk: Desk, cast: Cast, author: UserClient, status: RequestStatus) -> int:
    request_id, _ = await insert_request(desk, author, cast.home)
    if status is RequestStatus.ASSIGNED:
        await drive(desk, request_id, cast.manager, A.ASSIGN, assignee_id=cast.executor.id)
    elif status is RequestStatus.IN_PROGRESS:
        await to_in_progress(desk, cast, request_id)
    elif status is RequestStatus.COMPLETED:
        await to_completed(desk, cast, request_id)
    return request_id


async def test_every_action_by_every_person(desk: Desk) -> None:
    services = desk.runtime.services
    factory = services.session_factory
    cast = await make_cast(desk)
    author = await make_resident(desk, cast.home, "Author")
    people: dict[str, UserClient] = {
        "author": author,
        "neighbour": await make_resident(desk, cast.home, "Neighbour", apartment="13"),
        "assignee": cast.executor,
        "manager": cast.manager,
    }
    people["other_executor"] = await new_user(desk, "Other executor", started=True)
    await make_staff(
        factory,
        people["other_executor"],
        [Role.EXECUTOR],
        specializations=[Specialization.ELECTRICIAN],
        on_duty=True,
    )
    async with factory() as session, session.begin():
        home_row = await session.get(Building, cast.home.building_id)
        assert home_row is not None
        other_building = Building(organisation_id=home_row.organisation_id, address="Elsewhere 9")
        session.add(other_building)
        await session.flush()
        other_building_id = other_building.id
    people["other_manager"] = await new_user(desk, "Other manager", started=True)
    await make_staff(
        factory, people["other_manager"], [Role.MANAGER], buildings=[other_building_id]
    )
    people["admin"] = await new_user(desk, "Admin", started=True)
    await make_staff(factory, people["admin"], [Role.ADMIN])
    people["deactivated_manager"] = await new_user(desk, "Gone", started=True)
    await make_staff(
        factory, people["deactivated_manager"], [Role.MANAGER], buildings=[cast.home.building_id]
    )
    spare = await new_user(desk, "Spare plumber", started=True)
    await make_staff(
        factory, spare, [Role.EXECUTOR], specializations=[Specialization.PLUMBER], on_duty=True
    )
    async with factory() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.id == people["deactivated_manager"].id)
            .values(status=UserStatus.DEACTIVATED)
        )

    # everyone in the matrix is either someone who may act or a named outsider
    assert set(people) == ALLOWED_PEOPLE | set(OUTSIDERS)
    actions = [a for a in Action if a is not A.CREATE and a is not A.AUTO_ACCEPT]
    checked = 0
    for status in (
        RequestStatus.NEW,
        RequestStatus.ASSIGNED,
        RequestStatus.IN_PROGRESS,
        RequestStatus.COMPLETED,
    ):
        request_id = await _at(desk, cast, author, status)
        for who, person in people.items():
            expected = ALLOWED.get((who, status), set())
            assert who in ALLOWED_PEOPLE or not expected
            for action in actions:
                before = await request_row(desk, request_id)
                actor = await services.actor(person.id)
                assert actor is not None
                fields = FIELDS.copy()
                fields["assignee_id"] = spare.id
                fields["category"] = Category.ELECTRICITY
                fields["urgency"] = Urgency.URGENT
                try:
                    async with services.uow() as uow:
                        await perform_action(
                            uow, actor, request_id, action, services.clock.now(), **fields
                        )
                except DomainError:
                    refused = True
                else:
                    refused = False
                after = await request_row(desk, request_id)
                cell = f"{who} × {status} × {action}"
                if action in expected:
                    assert not refused, f"{cell} should be allowed"
                    request_id = await _at(desk, cast, author, status)  # a fresh one for the rest
                else:
                    assert refused, f"{cell} should be refused"
                    assert (after.status, after.assignee_id, after.category, after.urgency) == (
                        before.status,
                        before.assignee_id,
                        before.category,
                        before.urgency,
                    ), f"{cell} changed the request"
                checked += 1
    assert checked == 4 * len(people) * len(actions)


ALLOWED_PEOPLE = {"author", "assignee", "manager", "admin"}
