"""FSM storage on Redis: one round trip reads a user's state and data for their update."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from fsm.storage import FsmBackend, UpdateScopedRedisStorage, build_fsm_backend

pytestmark = pytest.mark.asyncio(loop_scope="session")

KEY = StorageKey(bot_id=1, chat_id=7, user_id=7)
OTHER = StorageKey(bot_id=1, chat_id=8, user_id=8)


class Form(StatesGroup):
    name = State()


@pytest_asyncio.fixture(loop_scope="session")
async def backend() -> AsyncIterator[FsmBackend]:
    url = os.environ.get("UKBOT_TEST_REDIS_URL")
    if not url:
        pytest.skip("UKBOT_TEST_REDIS_URL is not set")
    backend = build_fsm_backend(url, state_ttl=timedelta(days=1))
    assert backend.redis is not None
    await backend.redis.flushdb()
    yield backend
    await backend.close()


def _count_commands(redis: Redis, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    original: Callable[..., Awaitable[Any]] = redis.execute_command

    async def counting(*args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return await original(*args, **options)

    monkeypatch.setattr(redis, "execute_command", counting)
    return sent


async def test_one_round_trip_reads_state_and_data(
    backend: FsmBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage)
    await storage.set_state(KEY, Form.name)
    await storage.set_data(KEY, {"draft": {"photos": ["a"]}})
    assert backend.redis is not None
    sent = _count_commands(backend.redis, monkeypatch)

    async with backend.events_isolation.lock(KEY):
        assert await storage.get_state(KEY) == Form.name.state
        first = await storage.get_data(KEY)
        first["draft"]["photos"].append("changed by the caller")
        assert await storage.get_data(KEY) == {"draft": {"photos": ["a"]}}  # a fresh copy
        assert await storage.get_state(KEY) == Form.name.state
    assert sent.count("MGET") == 1 and "GET" not in sent


async def test_writes_reach_redis_at_once_and_later_reads_see_them(
    backend: FsmBackend,
) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage)
    plain = UpdateScopedRedisStorage(storage.redis, key_builder=storage.key_builder)
    async with backend.events_isolation.lock(KEY):
        assert await storage.get_state(KEY) is None
        await storage.set_state(KEY, Form.name)
        await storage.update_data(KEY, {"step": 1})
        await storage.update_data(KEY, {"photo": "x"})
        # another process (no update scope) already sees every write
        assert await plain.get_state(KEY) == Form.name.state
        assert await plain.get_data(KEY) == {"step": 1, "photo": "x"}
        assert await storage.get_data(KEY) == {"step": 1, "photo": "x"}
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        assert await storage.get_state(KEY) is None
        assert await storage.get_data(KEY) == {}
    assert await plain.get_state(KEY) is None and await plain.get_data(KEY) == {}


async def test_outside_an_update_reads_go_to_redis(backend: FsmBackend) -> None:
    storage = backend.storage
    async with backend.events_isolation.lock(KEY):
        await storage.set_data(OTHER, {"n": 1})  # another user's keys: no copy kept
        assert await storage.get_data(OTHER) == {"n": 1}
    await storage.set_data(KEY, {"n": 2})
    assert await storage.get_data(KEY) == {"n": 2}
