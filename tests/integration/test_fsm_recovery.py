"""The conversation lock after failures: a short lease that a dead holder stops renewing,
nothing written by an update that failed because a backing service was down, and a
connection Redis dropped replaced at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest
import pytest_asyncio
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from fsm.storage import (
    LOCK_TIMEOUT,
    FsmBackend,
    OrderedEventIsolation,
    UpdateScopedRedisStorage,
    build_fsm_backend,
)
from tests.conftest import require_redis_url

pytestmark = pytest.mark.asyncio(loop_scope="session")

KEY = StorageKey(bot_id=2, chat_id=17, user_id=17)


class Form(StatesGroup):
    first = State()
    second = State()


@pytest_asyncio.fixture(loop_scope="session")
async def backend() -> AsyncIterator[FsmBackend]:
    url = require_redis_url()
    backend = build_fsm_backend(url, state_ttl=timedelta(days=1))
    assert backend.redis is not None
    await backend.redis.flushdb()
    yield backend
    await backend.close()


def _plain(storage: UpdateScopedRedisStorage) -> UpdateScopedRedisStorage:
    return UpdateScopedRedisStorage(storage.redis, key_builder=storage.key_builder)


async def test_the_lease_is_short() -> None:
    assert timedelta(seconds=5) >= LOCK_TIMEOUT


@pytest.mark.parametrize(
    "outage",
    [
        RedisConnectionError("Connection closed by server."),
        ConnectionRefusedError(111, "Connect call failed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        TimeoutError(),
    ],
    ids=lambda error: type(error).__name__,
)
async def test_an_update_failed_by_an_outage_writes_nothing(
    backend: FsmBackend, outage: Exception
) -> None:
    storage = backend.storage
    assert isinstance(storage, UpdateScopedRedisStorage) and backend.redis is not None
    await storage.set_state(KEY, Form.first)
    await storage.set_data(KEY, {"step": 1})

    async def failing_update() -> None:
        async with backend.events_isolation.lock(KEY):
            await storage.set_state(KEY, Form.second)
            await storage.update_data(KEY, {"step": 2})
            raise outage

    with pytest.raises(type(outage)):
        await failing_update()

    plain = _plain(storage)
    assert await plain.get_state(KEY) == Form.first.state  # the person retries this step
    assert await plain.get_data(KEY) == {"step": 1}
    assert await backend.redis.exists(storage.key_builder.build(KEY, "lock")) == 0


async def test_a_lock_nobody_renews_lapses_within_its_lease(backend: FsmBackend) -> None:
    assert backend.redis is not None
    assert isinstance(backend.storage, UpdateScopedRedisStorage)
    storage = UpdateScopedRedisStorage(
        backend.redis,
        key_builder=backend.storage.key_builder,
        lock_timeout=timedelta(milliseconds=500),
    )
    lock_key = storage.key_builder.build(KEY, "lock")
    # What a process killed while holding the lock leaves behind: its last lease.
    await backend.redis.set(lock_key, "a dead process", px=500)
    started = time.monotonic()
    async with OrderedEventIsolation(storage).lock(KEY):
        waited = time.monotonic() - started
    assert 0.3 < waited < 1.0


async def test_a_dropped_connection_is_replaced_at_once(backend: FsmBackend) -> None:
    """After Redis restarts every pooled connection is dead: the next update retries on a
    new one instead of failing."""
    redis = backend.redis
    assert redis is not None
    async with backend.events_isolation.lock(KEY):
        await backend.storage.update_data(KEY, {"before": True})
    ours = await redis.client_id()
    killer = Redis.from_url(require_redis_url())
    try:
        await killer.client_kill_filter(_id=str(ours))
    finally:
        await killer.aclose()
    await asyncio.sleep(0.05)
    async with backend.events_isolation.lock(KEY):
        assert (await backend.storage.get_data(KEY))["before"] is True
