"""Fixtures for the emulator conformance tests.

One emulator runs in-process for the whole session; every test gets its own
bot token (hence its own bot state: update queue, webhook, commands), so tests
do not see each other's updates.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator import EmulatorServer, run_emulator

_bot_ids = itertools.count(810_000_001)


@pytest.fixture(scope="session")
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with run_emulator(webhook_retry_base=0.05, webhook_retry_max=0.5) as server:
        yield server


@pytest.fixture
def token() -> str:
    return f"{next(_bot_ids)}:AAH-sandbox_test-token"


@pytest.fixture(scope="session")
async def api_session(emulator: EmulatorServer) -> AsyncIterator[AiohttpSession]:
    # One HTTP session for every test's Bot: closing an AiohttpSession costs
    # 250 ms in aiogram, which would dominate this folder's run time.
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    yield session
    await session.close()


@pytest.fixture
def bot(api_session: AiohttpSession, token: str) -> Bot:
    return Bot(token, session=api_session)


@pytest.fixture
async def emu(emulator: EmulatorServer, token: str) -> AsyncIterator[EmulatorClient]:
    client = EmulatorClient(emulator.base_url, token)
    yield client
    await client.close()


@pytest.fixture
async def alice(emu: EmulatorClient) -> UserClient:
    """A user who has already started the bot (so the bot may message her)."""
    return await emu.create_user(
        first_name="Alice", last_name="Smith", username="alice", language_code="ru", started=True
    )
