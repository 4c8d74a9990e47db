"""End-to-end fixtures: the Bot API emulator and the real bot (aiogram over HTTP,
long polling) against it, on the test database and, when configured, Redis.

The emulator and the bot start once per test session; each test gets a clean
database and fresh users, and fails if any button press was left unanswered.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest_asyncio
from redis.asyncio import Redis

from bot.app import Runtime, open_runtime, polling
from bot.settings import Settings
from domain.clock import ShiftedClock
from domain.services.deadlines import SweepReport
from sandbox.client import EmulatorClient, GroupChat, UserClient
from sandbox.emulator.server import EmulatorServer, run_emulator
from sandbox.nominatim import FakeNominatim, Place, serve

BOT_TOKEN = "7000000001:e2e-test-token"
ADMIN_ID = 9_100_000_001


# A street corner next to the seeded Navoi 5 building, known to the fake geocoder.
NAVOI_POINT = (41.3205, 69.2505)


@dataclass
class Desk:
    """What an e2e test needs: the emulator client, the bot's runtime, the staff chats."""

    emu: EmulatorClient
    runtime: Runtime
    staff_chat: GroupChat
    storage_channel: GroupChat
    geocoder: FakeNominatim

    @property
    def clock(self) -> ShiftedClock:
        clock = self.runtime.services.clock
        assert isinstance(clock, ShiftedClock)
        return clock

    async def after(self, delta: timedelta) -> SweepReport:
        """Move the bot's clock ``delta`` ahead and run the deadline sweep."""
        self.clock.advance(delta)
        return await self.runtime.sweeper.run_once()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with run_emulator() as server:
        yield server


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def test_redis_url() -> AsyncIterator[str | None]:
    url = os.environ.get("UKBOT_TEST_REDIS_URL") or None
    if url:
        redis = Redis.from_url(url)
        await redis.flushdb()  # leftovers of an earlier run would resume old conversations
        await redis.aclose()
    yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def desk_session(
    emulator: EmulatorServer, database_url: str, test_redis_url: str | None
) -> AsyncIterator[Desk]:
    emu = EmulatorClient(emulator.base_url, BOT_TOKEN)
    staff_chat = await emu.create_group("Staff", bot_status="administrator")
    storage_channel = await emu.create_channel("Storage")
    fake_geocoder = FakeNominatim([Place(*NAVOI_POINT, "Navoiy ko'chasi 5, Tashkent")])
    async with serve(fake_geocoder) as geocoder_url:
        settings = _settings(
            emulator, database_url, test_redis_url, staff_chat, storage_channel, geocoder_url
        )
        async with _running_bot(settings) as runtime:
            try:
                yield Desk(emu, runtime, staff_chat, storage_channel, fake_geocoder)
            finally:
                await emu.close()


def _settings(
    emulator: EmulatorServer,
    database_url: str,
    redis_url: str | None,
    staff_chat: GroupChat,
    storage_channel: GroupChat,
    geocoder_url: str,
) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=BOT_TOKEN,
        telegram_api_url=emulator.base_url,
        database_url=database_url,
        redis_url=redis_url,
        admin_ids=[ADMIN_ID],
        staff_chat_id=staff_chat.id,
        storage_channel_id=storage_channel.id,
        auto_migrate=False,
        outbox_poll_interval=0.05,
        outbox_private_chat_interval=0.0,
        throttle_rate_per_second=50,
        throttle_burst=100,
        geocoder_url=geocoder_url,
        geocoder_min_interval=0.0,
        sweep_interval=0,  # tests move the clock and sweep themselves (Desk.sweep)
    )


@contextlib.asynccontextmanager
async def _running_bot(settings: Settings) -> AsyncIterator[Runtime]:
    """The bot as `ukbot run` runs it: long polling plus the outbox worker."""
    async with open_runtime(settings, clock=ShiftedClock()) as runtime, polling(runtime):
        yield runtime


_user_ids = itertools.count(9_200_000_001)


async def new_user(
    desk: Desk,
    first_name: str,
    language_code: str = "en",
    *,
    last_name: str | None = None,
    username: str | None = None,
    is_premium: bool = False,
    phone_number: str | None = None,
    started: bool = False,
) -> UserClient:
    """A fresh Telegram user (ids never repeat within a run, so no state leaks between tests)."""
    return await desk.emu.create_user(
        first_name,
        last_name,
        username,
        language_code,
        user_id=next(_user_ids),
        is_premium=is_premium,
        phone_number=phone_number,
        started=started,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def desk(desk_session: Desk, clean_db: None) -> AsyncIterator[Desk]:
    desk_session.runtime.services.profiles.clear()
    desk_session.clock.reset()
    yield desk_session
    await desk_session.emu.assert_all_callbacks_answered(grace=3.0)
    # What the test's updates still do (an update being handled, the outage check a filing
    # started in the background) ends before the next test empties the tables under it.
    runtime = desk_session.runtime
    await runtime.updates.wait_idle(timeout=10)
    if runtime.services.background:
        await asyncio.wait(list(runtime.services.background), timeout=10)
