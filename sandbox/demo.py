"""Demo data for the sandbox: one building with apartments, a manager/admin and an executor."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Language, Role, Specialization
from storage.models import (
    Apartment,
    Building,
    Entrance,
    ExecutorSpecialization,
    ManagerBuilding,
    Organisation,
    User,
    UserRole,
)

DEMO_ORGANISATION = "Demo UK"
DEMO_ADDRESS = "Tashkent, Amir Temur avenue, 1"


@dataclass(frozen=True, slots=True)
class DemoPeople:
    manager_id: int = 9_000_001
    executor_id: int = 9_000_002
    resident_id: int = 9_000_003


async def seed_demo(session_factory: async_sessionmaker[AsyncSession], people: DemoPeople) -> int:
    """Creates the demo directory and staff (idempotent); returns the building id."""
    async with session_factory() as session, session.begin():
        building_id = await _building(session)
        await _staff(session, people, building_id)
    return building_id


async def _building(session: AsyncSession) -> int:
    org_id = await session.scalar(
        insert(Organisation)
        .values(name=DEMO_ORGANISATION)
        .on_conflict_do_update(index_elements=[Organisation.name], set_={"name": DEMO_ORGANISATION})
        .returning(Organisation.id)
    )
    building_id = await session.scalar(
        select(Building.id).where(
            Building.organisation_id == org_id, Building.address == DEMO_ADDRESS
        )
    )
    if building_id is not None:
        return building_id
    building = Building(
        organisation_id=org_id, address=DEMO_ADDRESS, district="Yunusobod", lat=41.3111, lon=69.2797
    )
    session.add(building)
    await session.flush()
    for entrance_no in (1, 2):
        entrance = Entrance(building_id=building.id, number=str(entrance_no))
        session.add(entrance)
        await session.flush()
        for floor in range(1, 10):
            for door in range(1, 5):
                number = (entrance_no - 1) * 36 + (floor - 1) * 4 + door
                session.add(
                    Apartment(
                        building_id=building.id,
                        entrance_id=entrance.id,
                        number=str(number),
                        floor=floor,
                    )
                )
    await session.flush()
    return building.id


async def _staff(session: AsyncSession, people: DemoPeople, building_id: int) -> None:
    users = [
        {"id": people.manager_id, "first_name": "Malika", "language": Language.RU},
        {"id": people.executor_id, "first_name": "Rustam", "language": Language.RU},
    ]
    await session.execute(insert(User).values(users).on_conflict_do_nothing())
    roles = [
        {"user_id": people.manager_id, "role": Role.MANAGER},
        {"user_id": people.manager_id, "role": Role.ADMIN},
        {"user_id": people.executor_id, "role": Role.EXECUTOR},
    ]
    await session.execute(insert(UserRole).values(roles).on_conflict_do_nothing())
    await session.execute(
        insert(ManagerBuilding)
        .values(user_id=people.manager_id, building_id=building_id)
        .on_conflict_do_nothing()
    )
    await session.execute(
        insert(ExecutorSpecialization)
        .values(
            [
                {"user_id": people.executor_id, "specialization": Specialization.PLUMBER},
                {"user_id": people.executor_id, "specialization": Specialization.GENERAL},
            ]
        )
        .on_conflict_do_nothing()
    )
