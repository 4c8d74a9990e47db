"""Telegram's sending limits: ~30 msg/s per bot, 1 msg/s per private chat, 20 msg/min per group."""

from __future__ import annotations

import asyncio
import time


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
    """Earliest next send per chat: private chats every ``private_interval`` s, groups 20/min."""

    def __init__(
        self, private_interval: float, group_per_minute: int, max_chats: int = 200_000
    ) -> None:
        self.private_interval = private_interval
        self.group_interval = 60.0 / group_per_minute
        self.max_chats = max_chats
        self._next: dict[int, float] = {}

    def interval(self, chat_id: int) -> float:
        return self.private_interval if chat_id > 0 else self.group_interval

    def wait_for(self, chat_id: int) -> float:
        return max(0.0, self._next.get(chat_id, 0.0) - time.monotonic())

    def sent(self, chat_id: int) -> None:
        if len(self._next) >= self.max_chats:
            now = time.monotonic()
            self._next = {c: t for c, t in self._next.items() if t > now}
        self._next[chat_id] = time.monotonic() + self.interval(chat_id)

    def defer(self, chat_id: int, seconds: float) -> None:
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), time.monotonic() + seconds)
