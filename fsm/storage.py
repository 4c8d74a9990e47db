"""FSM storage and event isolation: Redis when configured, memory otherwise."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis

log = logging.getLogger(__name__)


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
        return FsmBackend(MemoryStorage(), SimpleEventIsolation(), None)
    redis = Redis.from_url(redis_url)
    # with_destiny keeps separate FSM scopes apart; isolation serialises one user's updates.
    key_builder = DefaultKeyBuilder(with_destiny=True)
    storage = RedisStorage(redis, key_builder=key_builder, state_ttl=state_ttl, data_ttl=state_ttl)
    isolation = RedisEventIsolation(redis, key_builder=key_builder)
    return FsmBackend(storage, isolation, redis)
