"""FSM storage and event isolation: Redis when configured, memory otherwise."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis

log = logging.getLogger(__name__)


class LocalEventIsolation(BaseEventIsolation):
    """First-come-first-served lock per user in this process; a lock is dropped as soon
    as nobody holds or waits for it, so memory does not grow with the number of users
    (aiogram's SimpleEventIsolation keeps every lock forever)."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def held_keys(self) -> int:
        # Not __len__: aiogram tests `events_isolation or DisabledEventIsolation()`, and an
        # empty container would be falsy and switch isolation off.
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()


class OrderedEventIsolation(BaseEventIsolation):
    """One user's updates run one at a time AND in the order they arrived.

    Redis's lock keeps two processes apart but wakes waiters in no particular order, so
    a "Done" press could overtake the last photo of an album. A first-come-first-served
    asyncio lock per user inside this process restores the order before the Redis lock.
    """

    def __init__(self, shared: BaseEventIsolation) -> None:
        self.shared = shared
        self.local = LocalEventIsolation()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        async with self.local.lock(key), self.shared.lock(key):
            yield

    async def close(self) -> None:
        await self.local.close()
        await self.shared.close()


@dataclass(slots=True)
class FsmBackend:
    storage: BaseStorage
    events_isolation: BaseEventIsolation
    redis: Redis | None

    async def close(self) -> None:
        await self.storage.close()
        await self.events_isolation.close()


def build_fsm_backend(redis_url: str | None, *, state_ttl: timedelta) -> FsmBackend:
    if not redis_url:
        log.warning(
            "UKBOT_REDIS_URL is not set: conversation state is kept in memory, "
            "so unfinished drafts are lost on restart and only one bot process may run"
        )
        return FsmBackend(MemoryStorage(), LocalEventIsolation(), None)
    redis = Redis.from_url(redis_url)
    # with_destiny keeps separate FSM scopes apart; isolation serialises one user's updates.
    key_builder = DefaultKeyBuilder(with_destiny=True)
    storage = RedisStorage(redis, key_builder=key_builder, state_ttl=state_ttl, data_ttl=state_ttl)
    isolation = OrderedEventIsolation(RedisEventIsolation(redis, key_builder=key_builder))
    return FsmBackend(storage, isolation, redis)
