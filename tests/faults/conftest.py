"""A world of its own for each fault test: PostgreSQL and Redis started by the test on
their own ports (so they can be stopped and started again), the Bot API emulator in
this process, the bot as a real process (``python -m bot.cli run``), the benchmark's
directory and people (``bench.world``): a building per resident, its manager, executors.

Residents' Telegram clients report German (``language_code="de"``) while their profiles
say English and the bot's default is Russian: an English answer proves the bot used the
person's own language, remembered from earlier updates, not a guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.world import People, seed
from sandbox.client import EmulatorClient, GroupChat, UserClient
from sandbox.emulator.server import run_emulator
from storage.db import create_engine, create_session_factory
from tests.conftest import require_redis_url
from tests.faults.servers import (
    BotProcess,
    Postgres,
    RedisServer,
    redis_server_binary,
    scratch_directory,
)

LANES = 8
"""Residents filing at the same time."""
EXTRA = 2
"""Residents beside the lanes: one keeps a draft across the outage, one probes recovery."""


@dataclass
class World:
    pg: Postgres
    redis: RedisServer
    emu: EmulatorClient
    bot: BotProcess
    engine: AsyncEngine
    people: People
    residents: list[UserClient]
    managers: list[UserClient]
    directory: Path

    async def scalar(self, sql: str) -> object:
        conn = await asyncpg.connect(self.pg.url("ukbot").replace("+asyncpg", ""))
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    async def rows(self, sql: str) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.pg.url("ukbot").replace("+asyncpg", ""))
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    async def wait_polling(self, timeout: float = 60.0) -> float:  # noqa: ASYNC109
        """Seconds from the bot's start to its first getUpdates."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.bot.proc is not None
            if self.bot.proc.returncode is not None:
                raise AssertionError(f"the bot exited:\n{self.bot.tail()}")
            first = (await self.emu.bot_info()).get("first_calls") or {}
            if "getupdates" in first:
                return time.monotonic() - self.bot.started_at
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not poll within {timeout} s:\n{self.bot.tail()}")

    async def outbox_drained(self, timeout: float = 20.0) -> int:  # noqa: ASYNC109
        """Waits until no outbox row is pending; returns how many are left."""
        deadline = time.monotonic() + timeout
        while True:
            pending = await self.scalar("SELECT count(*) FROM outbox WHERE state = 'pending'")
            assert isinstance(pending, int)
            if pending == 0 or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(0.2)


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Settings of the bot beside the world's own (a test module may override it)."""
    return {}


@pytest_asyncio.fixture(loop_scope="session")
async def world(bot_env: dict[str, str]) -> AsyncIterator[World]:
    redis_server_binary()  # skipped (failed on CI) before anything starts
    directory = scratch_directory()
    pg = Postgres(directory / "pg")
    redis = RedisServer(directory)
    bot: BotProcess | None = None
    engine: AsyncEngine | None = None
    try:
        await asyncio.to_thread(pg.init)
        await asyncio.to_thread(pg.start)
        admin = await asyncpg.connect(pg.url().replace("+asyncpg", ""))
        await admin.execute("CREATE DATABASE ukbot")
        await admin.close()
        from storage.migrate import upgrade_to_head

        await upgrade_to_head(pg.url("ukbot"))
        redis.start()
        engine = create_engine(pg.url("ukbot"), pool_size=2, max_overflow=2)
        people = People(
            base=9_400_000_000 + secrets.randbelow(9_000) * 10_000_000,
            lanes=LANES + EXTRA,
            executors=2,
        )
        await seed(create_session_factory(engine), people)
        async with run_emulator() as server:
            token = f"{7_300_000_000 + secrets.randbelow(99_999_999)}:faults-{secrets.token_hex(6)}"
            emu = EmulatorClient(server.base_url, token)
            staff: GroupChat = await emu.create_group("UK staff", bot_status="administrator")
            storage: GroupChat = await emu.create_channel("UK storage")
            residents = [
                await emu.create_user(
                    f"Resident{lane + 1}",
                    language_code="de",
                    user_id=people.resident(lane),
                    started=True,
                )
                for lane in range(people.lanes)
            ]
            managers = [
                await emu.create_user(
                    f"Manager{lane + 1}",
                    language_code="de",
                    user_id=people.manager(lane),
                    started=True,
                )
                for lane in range(people.lanes)
            ]
            bot = BotProcess(
                {
                    "UKBOT_BOT_TOKEN": token,
                    "UKBOT_TELEGRAM_API_URL": server.base_url,
                    "UKBOT_DATABASE_URL": pg.url("ukbot"),
                    "UKBOT_REDIS_URL": redis.url,
                    "UKBOT_DEFAULT_LANGUAGE": "ru",
                    "UKBOT_AUTO_MIGRATE": "false",
                    "UKBOT_DATA_DIR": str(directory / "data"),
                    "UKBOT_STAFF_CHAT_ID": str(staff.id),
                    "UKBOT_STORAGE_CHANNEL_ID": str(storage.id),
                    "UKBOT_WEBHOOK_URL": "",
                    "UKBOT_LOG_LEVEL": "INFO",
                    "UKBOT_THROTTLE_RATE_PER_SECOND": "50",
                    "UKBOT_THROTTLE_BURST": "100",
                    "UKBOT_OUTBOX_PRIVATE_CHAT_INTERVAL": "0",
                    "UKBOT_OUTBOX_GROUP_PER_MINUTE": "1000000",
                    "UKBOT_OUTBOX_GLOBAL_RATE": "200",
                    "UKBOT_SWEEP_INTERVAL": "5",
                    **bot_env,
                },
                directory / "bot.log",
            )
            await bot.start()
            world = World(pg, redis, emu, bot, engine, people, residents, managers, directory)
            await world.wait_polling()
            try:
                yield world
            finally:
                await bot.stop()
                await emu.close()
    except BaseException:
        if bot is not None:
            print(f"--- bot log (tail) ---\n{bot.tail()}")
        raise
    finally:
        if engine is not None:
            await engine.dispose()
        redis.stop()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(pg.stop)
        shutil.rmtree(directory, ignore_errors=True)


async def redis_for_faults() -> str:
    """The tests' Redis, for fault tests that restart only the bot: conversation state
    must outlive the bot process."""
    return require_redis_url("conversation state must outlive the bot process")
