"""The benchmark's world: a throwaway database (on the configured server or the embedded
default), the demo directory, and the people of the journeys seeded straight into the
database (onboarding is not part of a journey) and into the emulator.

One *lane* is a resident, their building and its manager; executors form a shared
pool (the manager picks a free one in the picker, as a dispatcher would).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.bare_bot import EXECUTOR_OFFSET, MANAGER_OFFSET
from bot.settings import Settings
from domain.enums import Language, ResidencyKind, Role, Specialization, VerificationState
from sandbox.demo import DemoPeople, seed_demo
from storage.db import normalize_database_url
from storage.directory_import import import_directory_text
from storage.models import (
    Apartment,
    Building,
    ExecutorSpecialization,
    ManagerBuilding,
    ResidentApartment,
    User,
    UserRole,
)

BENCH_ORGANISATION = "Demo UK"
APARTMENTS_PER_BUILDING = 8


def building_address(lane: int) -> str:
    return f"Tashkent, Bench street {lane + 1}"


@dataclass(frozen=True)
class People:
    """Telegram ids of the run: unique per run (fresh ids never meet an old FSM state)."""

    base: int
    lanes: int
    executors: int

    def resident(self, lane: int) -> int:
        return self.base + lane * 10

    def manager(self, lane: int) -> int:
        return self.base + lane * 10 + 1

    def bare_manager(self, lane: int) -> int:  # the bare exchange's "manager" and "executor"
        return self.resident(lane) + MANAGER_OFFSET

    def bare_executor(self, lane: int) -> int:
        return self.resident(lane) + EXECUTOR_OFFSET

    def executor(self, index: int) -> int:
        return self.base + 5_000_000 + index

    @staticmethod
    def executor_name(index: int) -> str:
        return f"Exec{index + 1:03d}"


def new_people(lanes: int, executors: int) -> People:
    # 9_400_000_000 .. 9_499_999_999, in steps of 10^7 per run
    return People(
        base=9_400_000_000 + secrets.randbelow(9_000) * 10_000_000, lanes=lanes, executors=executors
    )


# ------------------------------------------------------------------ throwaway database


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class ServerChoice:
    url: str  # admin URL of the server (any database on it)
    embedded_dir: str | None = None  # set when we started/use the embedded default
    description: str = ""


async def choose_server(settings: Settings, server_url: str | None = None) -> ServerChoice:
    """``server_url`` when given, else ``UKBOT_DATABASE_URL``'s server, else the embedded
    PostgreSQL in ``UKBOT_DATA_DIR/postgres`` (started when needed)."""
    if server_url:
        return ServerChoice(normalize_database_url(server_url), description="configured server")
    if settings.database_url is not None:
        url = normalize_database_url(settings.database_url.get_secret_value())
        return ServerChoice(url, description="UKBOT_DATABASE_URL server")
    from bot.embedded_pg import ensure_embedded_server

    directory = settings.data_dir / "postgres"
    server = await asyncio.to_thread(ensure_embedded_server, directory, database=None)
    return ServerChoice(
        server.url("postgres"), embedded_dir=str(directory), description="embedded PostgreSQL"
    )


@contextlib.asynccontextmanager
async def throwaway_database(
    server: ServerChoice, *, stop_embedded: bool = True
) -> AsyncIterator[str]:
    """A new database on the server, migrated to head; dropped afterwards."""
    from storage.migrate import upgrade_to_head

    name = f"ukbot_bench_{secrets.token_hex(4)}"
    await _admin(server.url, f'CREATE DATABASE "{name}"')
    url = _with_database(server.url, name)
    try:
        await upgrade_to_head(url)
        yield url
    finally:
        await _admin(server.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if server.embedded_dir is not None and stop_embedded:
            from bot.embedded_pg import stop_embedded_postgres

            await asyncio.to_thread(stop_embedded_postgres, server.embedded_dir)


# ------------------------------------------------------------------ seeding


@dataclass
class Seeded:
    buildings: dict[int, int] = field(default_factory=dict)  # lane -> building id


def lanes_csv(lanes: int) -> str:
    rows = ["organisation,building_address,district,lat,lon,entrance,apartment,floor"]
    for lane in range(lanes):
        lat = 41.30 + lane * 0.001
        for number in range(1, APARTMENTS_PER_BUILDING + 1):
            rows.append(
                f'{BENCH_ORGANISATION},"{building_address(lane)}",Chilonzor,{lat:.4f},69.2400,'
                f"1,{number},{(number - 1) // 4 + 1}"
            )
    return "\n".join(rows) + "\n"


async def seed(factory: async_sessionmaker[AsyncSession], people: People) -> Seeded:
    """The demo directory, one building per lane (manual assignment), verified residents,
    managers of their buildings and a pool of plumbers on duty."""
    await seed_demo(factory, DemoPeople())
    await import_directory_text(factory, lanes_csv(people.lanes))
    seeded = Seeded()
    async with factory() as session, session.begin():
        for lane in range(people.lanes):
            building = await session.scalar(
                Building.__table__.select()
                .with_only_columns(Building.id)
                .where(Building.address == building_address(lane))
            )
            assert building is not None
            seeded.buildings[lane] = int(building)
        await session.execute(
            update(Building)
            .where(Building.id.in_(list(seeded.buildings.values())))
            .values(auto_assign=False)  # the manager assigns: that is part of the journey
        )
        users: list[dict[str, object]] = []
        roles: list[dict[str, object]] = []
        for lane in range(people.lanes):
            users.append(
                {
                    "id": people.resident(lane),
                    "first_name": f"Resident{lane + 1}",
                    "full_name": f"Resident {lane + 1} Benchova",
                    "phone": f"+99890{people.resident(lane) % 10_000_000:07d}",
                    "language": Language.EN,
                }
            )
            users.append(
                {
                    "id": people.manager(lane),
                    "first_name": f"Manager{lane + 1}",
                    "language": Language.EN,
                }
            )
            roles.append({"user_id": people.manager(lane), "role": Role.MANAGER})
        for index in range(people.executors):
            users.append(
                {
                    "id": people.executor(index),
                    "first_name": people.executor_name(index),
                    "language": Language.EN,
                    "on_duty": True,
                }
            )
            roles.append({"user_id": people.executor(index), "role": Role.EXECUTOR})
        keys = ("full_name", "phone", "on_duty")
        defaults: dict[str, object] = {"full_name": None, "phone": None, "on_duty": False}
        rows = [{**{k: defaults[k] for k in keys}, **user} for user in users]
        await session.execute(insert(User).values(rows))
        await session.execute(insert(UserRole).values(roles))
        await session.execute(
            insert(ManagerBuilding).values(
                [
                    {"user_id": people.manager(lane), "building_id": seeded.buildings[lane]}
                    for lane in range(people.lanes)
                ]
            )
        )
        await session.execute(
            insert(ExecutorSpecialization).values(
                [
                    {"user_id": people.executor(index), "specialization": spec}
                    for index in range(people.executors)
                    for spec in (Specialization.PLUMBER, Specialization.GENERAL)
                ]
            )
        )
        apartments = dict(
            (
                await session.execute(
                    Apartment.__table__.select()
                    .with_only_columns(Apartment.building_id, Apartment.id)
                    .where(
                        Apartment.building_id.in_(list(seeded.buildings.values())),
                        Apartment.number == "1",
                    )
                )
            ).all()
        )
        await session.execute(
            insert(ResidentApartment).values(
                [
                    {
                        "user_id": people.resident(lane),
                        "apartment_id": apartments[seeded.buildings[lane]],
                        "kind": ResidencyKind.OWNER,
                        "verification": VerificationState.APPROVED,
                    }
                    for lane in range(people.lanes)
                ]
            )
        )
    return seeded
