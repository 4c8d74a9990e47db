"""One user's updates are handled one at a time, in arrival order, without leaking locks."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from fsm.storage import LocalEventIsolation


async def test_same_user_runs_in_arrival_order_and_locks_are_released() -> None:
    isolation = LocalEventIsolation()
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    order: list[int] = []

    async def handle(n: int) -> None:
        async with isolation.lock(key):
            await asyncio.sleep(0.01 if n == 0 else 0)  # the first one is slow
            order.append(n)

    await asyncio.gather(*(handle(n) for n in range(20)))
    assert order == list(range(20))
    assert isolation.held_keys() == 0  # nothing kept for idle users


async def test_different_users_do_not_wait_for_each_other() -> None:
    isolation = LocalEventIsolation()
    slow, fast = StorageKey(1, 5, 5), StorageKey(1, 6, 6)
    order: list[str] = []
    release = asyncio.Event()

    async def slow_user() -> None:
        async with isolation.lock(slow):
            await release.wait()
            order.append("slow")

    async def fast_user() -> None:
        async with isolation.lock(fast):
            order.append("fast")
            release.set()

    await asyncio.gather(slow_user(), fast_user())
    assert order == ["fast", "slow"]
