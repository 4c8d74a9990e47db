"""Demo data for the sandbox: two buildings with apartments, a manager/admin, two
executors of different specializations and two residents (one verified, one new).

The buildings stand where the sandbox's geocoder (``sandbox.nominatim.DEMO_PLACES``)
has them, so "share my location" finds the nearest one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Language, ResidencyKind, Role, Specialization, VerificationState
from storage.models import (
    Apartment,
    Building,
    Entrance,
    ExecutorSpecialization,
    ManagerBuilding,
    Organisation,
    ResidentApartment,
    User,
    UserRole,
)

DEMO_ORGANISATION = "Demo UK"


@dataclass(frozen=True, slots=True)
class DemoBuilding:
    address: str
    district: str
    lat: float
    lon: float


DEMO_BUILDINGS = (
    DemoBuilding("Tashkent, Amir Temur avenue, 1", "Yunusobod", 41.3111, 69.2797),
    DemoBuilding("Tashkent, Navoi street, 15", "Shayxontohur", 41.3170, 69.2480),
)

# Points the web page offers for "share location" (a few hundred metres off each building).
DEMO_POINTS = (
    {"title": "Near Amir Temur avenue, 1", "latitude": 41.3114, "longitude": 69.2801},
    {"title": "Near Navoi street, 15", "latitude": 41.3173, "longitude": 69.2476},
    {"title": "Chorsu Bazaar", "latitude": 41.3265, "longitude": 69.2345},
)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    id: int
    first_name: str
    last_name: str
    role: str  # as the web page titles the person's pane


@dataclass(frozen=True, slots=True)
class DemoPeople:
    manager_id: int = 9_000_001
    executor_id: int = 9_000_002  # plumber
    resident_id: int = 9_000_003  # new: goes through onboarding on /start
    electrician_id: int = 9_000_004
    verified_resident_id: int = 9_000_005  # lives in apt. 12 of the first building

    @property
    def everyone(self) -> tuple[DemoPerson, ...]:
        """In the order the web page shows them (the first three side by side)."""
        return (
            DemoPerson(self.resident_id, "Dilnoza", "Karimova", "Resident (new)"),
            DemoPerson(self.executor_id, "Rustam", "Aliev", "Executor · plumber"),
            DemoPerson(self.manager_id, "Malika", "Yusupova", "Manager + admin"),
            DemoPerson(self.electrician_id, "Jasur", "Toshev", "Executor · electrician"),
            DemoPerson(self.verified_resident_id, "Aziz", "Rahimov", "Resident (verified)"),
        )

    @property
    def staff_ids(self) -> tuple[int, ...]:
        return (self.manager_id, self.executor_id, self.electrician_id)


VERIFIED_RESIDENT_APARTMENT = "12"
VERIFIED_RESIDENT_PHONE = "+998901234567"


async def seed_demo(
    session_factory: async_sessionmaker[AsyncSession],
    people: DemoPeople,
    *,
    staff_language: Language = Language.EN,
) -> int:
    """Creates the demo directory, staff and the verified resident (idempotent); returns the
    first building's id."""
    async with session_factory() as session, session.begin():
        building_ids = [await _building(session, building) for building in DEMO_BUILDINGS]
        await _staff(session, people, building_ids, staff_language)
        await _verified_resident(session, people, building_ids[0], staff_language)
    return building_ids[0]


DEMO_API_CLIENT = "Sandbox call centre"


async def seed_api_client(session_factory: async_sessionmaker[AsyncSession], secret: str) -> int:
    """The demo's REST API client (every scope, every building) with ``secret``; its id."""
    from datetime import UTC, datetime

    from domain.services.api_clients import ApiScope, hash_secret
    from storage.models import ApiClient
    from storage.repositories.api import SqlApiClientRepository

    async with session_factory() as session, session.begin():
        row = await session.scalar(
            select(ApiClient).where(
                ApiClient.name == DEMO_API_CLIENT, ApiClient.revoked_at.is_(None)
            )
        )
        if row is not None:
            row.secret_hash = hash_secret(secret)
            return row.id
        client = await SqlApiClientRepository(session).add(
            DEMO_API_CLIENT,
            sorted(ApiScope),
            [],
            hash_secret(secret),
            None,
            datetime.now(UTC),
        )
        return client.id


async def reset_demo(
    session_factory: async_sessionmaker[AsyncSession],
    people: DemoPeople,
    *,
    staff_language: Language = Language.EN,
) -> None:
    """Forgets every request, person and setting, then seeds the demo again."""
    async with session_factory() as session, session.begin():
        await session.execute(
            text(
                "TRUNCATE users, organisations, invites, request_number_counters, settings, "
                "audit_log, outbox RESTART IDENTITY CASCADE"
            )
        )
    await seed_demo(session_factory, people, staff_language=staff_language)


async def _building(session: AsyncSession, demo: DemoBuilding) -> int:
    org_id = await session.scalar(
        insert(Organisation)
        .values(name=DEMO_ORGANISATION)
        .on_conflict_do_update(index_elements=[Organisation.name], set_={"name": DEMO_ORGANISATION})
        .returning(Organisation.id)
    )
    building_id = await session.scalar(
        select(Building.id).where(
            Building.organisation_id == org_id, Building.address == demo.address
        )
    )
    if building_id is not None:
        return building_id
    # The manager assigns by hand in the demo (the story the web page's tour tells).
    building = Building(
        organisation_id=org_id,
        address=demo.address,
        district=demo.district,
        lat=demo.lat,
        lon=demo.lon,
        auto_assign=False,
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


async def _staff(
    session: AsyncSession, people: DemoPeople, building_ids: list[int], language: Language
) -> None:
    names = {person.id: person for person in people.everyone}
    users = [
        {
            "id": uid,
            "first_name": names[uid].first_name,
            "last_name": names[uid].last_name,
            "language": language,
        }
        for uid in people.staff_ids
    ]
    await session.execute(insert(User).values(users).on_conflict_do_nothing())
    roles = [
        {"user_id": people.manager_id, "role": Role.MANAGER},
        {"user_id": people.manager_id, "role": Role.ADMIN},
        {"user_id": people.executor_id, "role": Role.EXECUTOR},
        {"user_id": people.electrician_id, "role": Role.EXECUTOR},
    ]
    await session.execute(insert(UserRole).values(roles).on_conflict_do_nothing())
    await session.execute(
        insert(ManagerBuilding)
        .values([{"user_id": people.manager_id, "building_id": bid} for bid in building_ids])
        .on_conflict_do_nothing()
    )
    await session.execute(
        insert(ExecutorSpecialization)
        .values(
            [
                {"user_id": people.executor_id, "specialization": Specialization.PLUMBER},
                {"user_id": people.executor_id, "specialization": Specialization.GENERAL},
                {"user_id": people.electrician_id, "specialization": Specialization.ELECTRICIAN},
            ]
        )
        .on_conflict_do_nothing()
    )


async def _verified_resident(
    session: AsyncSession, people: DemoPeople, building_id: int, language: Language
) -> None:
    person = next(p for p in people.everyone if p.id == people.verified_resident_id)
    await session.execute(
        insert(User)
        .values(
            id=person.id,
            first_name=person.first_name,
            last_name=person.last_name,
            full_name=f"{person.first_name} {person.last_name}",
            phone=VERIFIED_RESIDENT_PHONE,
            language=language,
        )
        .on_conflict_do_nothing()
    )
    apartment_id = await session.scalar(
        select(Apartment.id).where(
            Apartment.building_id == building_id, Apartment.number == VERIFIED_RESIDENT_APARTMENT
        )
    )
    await session.execute(
        insert(ResidentApartment)
        .values(
            user_id=person.id,
            apartment_id=apartment_id,
            kind=ResidencyKind.OWNER,
            verification=VerificationState.APPROVED,
        )
        .on_conflict_do_nothing()
    )
