"""FSM storage and event isolation: Redis when configured, memory otherwise."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
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


@dataclass(slots=True)
class _Snapshot:
    """A user's FSM keys as read at the start of their update (raw Redis values)."""

    state: str | None
    data: str | bytes | None


class UpdateScopedRedisStorage(RedisStorage):
    """aiogram's ``RedisStorage`` reading a user's state and data in one round trip.

    While one update of a user is handled, the event-isolation lock keeps every other
    update of theirs (in any process) away from their keys. So the first read of that
    update fetches state and data together (``MGET``) and later reads are answered from
    that copy: aiogram reads the state for every update and most handlers then read the
    data, which used to be two round trips or more. Writes go to Redis at once, as
    before, and refresh the copy. Outside an update (another user's keys, background
    work) it is plain ``RedisStorage``.
    """

    def __init__(self, redis: Redis, **kwargs: Any) -> None:
        super().__init__(redis, **kwargs)
        self._snapshots: dict[StorageKey, _Snapshot | None] = {}

    def open_update(self, key: StorageKey) -> None:
        self._snapshots[key] = None  # read on first use

    def close_update(self, key: StorageKey) -> None:
        self._snapshots.pop(key, None)

    async def _snapshot(self, key: StorageKey) -> _Snapshot | None:
        if key not in self._snapshots:
            return None
        snapshot = self._snapshots[key]
        if snapshot is None:
            state, data = await self.redis.mget(
                self.key_builder.build(key, "state"), self.key_builder.build(key, "data")
            )
            state = state.decode("utf-8") if isinstance(state, bytes) else state
            snapshot = self._snapshots[key] = _Snapshot(state, data)
        return snapshot

    async def get_state(self, key: StorageKey) -> str | None:
        snapshot = await self._snapshot(key)
        return await super().get_state(key) if snapshot is None else snapshot.state

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        snapshot = await self._snapshot(key)
        if snapshot is None:
            return await super().get_data(key)
        if snapshot.data is None:
            return {}
        # parsed on every read, as Redis's answer was: callers may change what they get
        return cast(dict[str, Any], self.json_loads(snapshot.data))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await super().set_state(key, state)
        snapshot = self._snapshots.get(key)
        if snapshot is not None:
            snapshot.state = state.state if isinstance(state, State) else state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await super().set_data(key, data)
        snapshot = self._snapshots.get(key)
        if snapshot is not None:
            snapshot.data = self.json_dumps(data) if data else None


class OrderedEventIsolation(BaseEventIsolation):
    """One user's updates run one at a time AND in the order they arrived.

    Redis's lock keeps two processes apart but wakes waiters in no particular order, so
    a "Done" press could overtake the last photo of an album. A first-come-first-served
    asyncio lock per user inside this process restores the order before the Redis lock.
    """

    def __init__(
        self, shared: BaseEventIsolation, storage: UpdateScopedRedisStorage | None = None
    ) -> None:
        self.shared = shared
        self.local = LocalEventIsolation()
        self.storage = storage

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        async with self.local.lock(key), self.shared.lock(key):
            if self.storage is None:
                yield
                return
            self.storage.open_update(key)
            try:
                yield
            finally:
                self.storage.close_update(key)

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
    storage = UpdateScopedRedisStorage(
        redis, key_builder=key_builder, state_ttl=state_ttl, data_ttl=state_ttl
    )
    isolation = OrderedEventIsolation(RedisEventIsolation(redis, key_builder=key_builder), storage)
    return FsmBackend(storage, isolation, redis)
