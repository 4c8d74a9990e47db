"""Telegram's sending limits: ~30 msg/s per bot, 1 msg/s per private chat, 20 msg/min per group."""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Callable


class TokenBucket:
    """Smooth global rate; a small burst keeps any one-second window under the limit."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.capacity = burst
        self.tokens = burst
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1.0:
                    self.tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self.tokens) / self.rate)


class ChatPacer:
    """Earliest next send per chat: private chats every ``private_interval`` s, groups 20/min.

    Only chats that must still wait are remembered (a heap of release times forgets the
    others), so ``busy()`` is as small as the sending rate times the longest interval."""

    def __init__(
        self,
        private_interval: float,
        group_per_minute: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.private_interval = private_interval
        self.group_interval = 60.0 / group_per_minute
        self._monotonic = monotonic
        self._next: dict[int, float] = {}
        self._releases: list[tuple[float, int]] = []

    def interval(self, chat_id: int) -> float:
        return self.private_interval if chat_id > 0 else self.group_interval

    def wait_for(self, chat_id: int) -> float:
        return max(0.0, self._next.get(chat_id, 0.0) - self._monotonic())

    def busy(self) -> list[int]:
        """Chats that may not be sent to now."""
        now = self._monotonic()
        while self._releases and self._releases[0][0] <= now:
            _, chat_id = heapq.heappop(self._releases)
            if self._next.get(chat_id, now) <= now:  # a later release of the chat stays queued
                self._next.pop(chat_id, None)
        return list(self._next)

    def sent(self, chat_id: int) -> None:
        self._hold(chat_id, self._monotonic() + self.interval(chat_id))

    def defer(self, chat_id: int, seconds: float) -> None:
        self._hold(chat_id, max(self._next.get(chat_id, 0.0), self._monotonic() + seconds))

    def _hold(self, chat_id: int, until: float) -> None:
        self._next[chat_id] = until
        heapq.heappush(self._releases, (until, chat_id))
