"""FSM storage on Redis: an update costs two round trips, one to take the user's lock and
read their state and data, one to write what changed and free the lock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis

from fsm.storage import (
    FsmBackend,
    OrderedEventIsolation,
    UpdateScopedRedisStorage,
    build_fsm_backend,
)
from tests.conftest import require_redis_url

pytestmark = pytest.mark.asyncio(loop_scope="session")

KEY = StorageKey(bot_id=1, chat_id=7, user_id=7)
OTHER = StorageKey(bot_id=1, chat_id=8, user_id=8)


class Form(StatesGroup):
    name = State()


@pytest_asyncio.fixture(loop_scope="session")
async def backend() -> AsyncIterator[FsmBackend]:
    url = require_redis_url()
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


def _plain(storage: UpdateScopedRedisStorage) -> UpdateScopedRedisStorage:
    """The same keys as another process sees them."""
    return UpdateScopedRedisStorage(storage.redis, key_builder=storage.key_builder)


async def test_an_update_takes_two_round_trips(
    backend: FsmBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage)
    await storage.set_state(KEY, Form.name)
    await storage.set_data(KEY, {"draft": {"photos": ["a"]}})
    assert backend.redis is not None
    async with backend.events_isolation.lock(OTHER):
        pass  # Redis learns the scripts on their first use
    sent = _count_commands(backend.redis, monkeypatch)

    async with backend.events_isolation.lock(KEY):
        assert await storage.get_state(KEY) == Form.name.state
        first = await storage.get_data(KEY)
        first["draft"]["photos"].append("changed by the caller")
        assert await storage.get_data(KEY) == {"draft": {"photos": ["a"]}}  # a fresh copy
        await storage.update_data(KEY, {"step": 2})
        await storage.set_state(KEY, None)
        assert await storage.get_state(KEY) is None
    assert sent == ["EVALSHA", "EVALSHA"]
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {"draft": {"photos": ["a"]}, "step": 2}


async def test_changes_are_written_when_the_update_ends_even_after_an_error(
    backend: FsmBackend,
) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage)
    plain = _plain(storage)

    async def failing_update() -> None:
        async with backend.events_isolation.lock(KEY):
            assert await storage.get_state(KEY) is None
            await storage.set_state(KEY, Form.name)
            await storage.update_data(KEY, {"step": 1})
            await storage.update_data(KEY, {"photo": "x"})
            assert await storage.get_data(KEY) == {"step": 1, "photo": "x"}
            raise RuntimeError("the handler failed after changing the state")

    with pytest.raises(RuntimeError):
        await failing_update()
    assert await plain.get_state(KEY) == Form.name.state
    assert await plain.get_data(KEY) == {"step": 1, "photo": "x"}
    assert backend.redis is not None
    assert await backend.redis.ttl(storage.key_builder.build(KEY, "data")) > 0

    async with backend.events_isolation.lock(KEY):
        await storage.set_state(KEY, None)
        await storage.set_data(KEY, {})
        assert await storage.get_state(KEY) is None
        assert await storage.get_data(KEY) == {}
    assert await plain.get_state(KEY) is None and await plain.get_data(KEY) == {}
    assert await backend.redis.exists(storage.key_builder.build(KEY, "lock")) == 0


async def test_a_second_process_waits_and_then_sees_the_first_ones_writes(
    backend: FsmBackend,
) -> None:
    url = os.environ["UKBOT_TEST_REDIS_URL"]
    other = build_fsm_backend(url, state_ttl=timedelta(days=1))  # another process
    order: list[str] = []
    first_has_lock = asyncio.Event()

    async def first() -> None:
        async with backend.events_isolation.lock(KEY):
            first_has_lock.set()
            await asyncio.sleep(0.2)
            await backend.storage.update_data(KEY, {"by": "first"})
            order.append("first done")

    async def second() -> None:
        await first_has_lock.wait()
        async with other.events_isolation.lock(KEY):
            order.append("second starts")
            assert await other.storage.get_data(KEY) == {"by": "first"}

    try:
        await asyncio.gather(first(), second())
    finally:
        await other.close()
    assert order == ["first done", "second starts"]


async def test_an_update_whose_lock_expired_changes_nothing(backend: FsmBackend) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage) and backend.redis is not None
    lock_key = storage.key_builder.build(KEY, "lock")
    async with backend.events_isolation.lock(KEY):
        await backend.redis.set(lock_key, "someone else")  # ours expired, another took it
        await storage.update_data(KEY, {"lost": True})
    # the newer update's lock and state stand
    assert await backend.redis.get(lock_key) == b"someone else"
    assert await _plain(storage).get_data(KEY) == {}


async def test_a_slow_update_keeps_its_lock_and_its_changes(backend: FsmBackend) -> None:
    assert backend.redis is not None
    assert isinstance(backend.storage, UpdateScopedRedisStorage)
    storage = UpdateScopedRedisStorage(
        backend.redis,
        key_builder=backend.storage.key_builder,
        lock_timeout=timedelta(milliseconds=300),
    )
    slow, other = OrderedEventIsolation(storage), OrderedEventIsolation(_plain(storage))
    order: list[str] = []
    slow_has_lock = asyncio.Event()

    async def slow_update() -> None:
        async with slow.lock(KEY):
            slow_has_lock.set()
            await asyncio.sleep(1.0)  # three lock timeouts
            await storage.update_data(KEY, {"slow": "done"})
            order.append("slow done")

    async def next_update() -> None:
        await slow_has_lock.wait()
        async with other.lock(KEY):
            order.append("next starts")

    await asyncio.gather(slow_update(), next_update())
    assert order == ["slow done", "next starts"]
    assert await _plain(storage).get_data(KEY) == {"slow": "done"}


async def test_outside_an_update_reads_go_to_redis(backend: FsmBackend) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage)
    async with backend.events_isolation.lock(KEY):
        await storage.set_data(OTHER, {"n": 1})  # another user's keys: written at once
        assert await _plain(storage).get_data(OTHER) == {"n": 1}
    await storage.set_data(KEY, {"n": 2})
    assert await storage.get_data(KEY) == {"n": 2}
