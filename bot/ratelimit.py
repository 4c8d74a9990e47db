"""Telegram's sending limits: ~30 msg/s per bot, 1 msg/s per private chat, 20 msg/min per group.

``SharedLimits`` keeps them for the whole installation in Redis (several instances, one
bot); ``LocalLimits`` keeps them in one process (no Redis, or Redis unreachable)."""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from storage.outages import OutageLog

log = logging.getLogger(__name__)


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


@dataclass(frozen=True, slots=True)
class Grant:
    """The answer to "may this chat be sent a message?"."""

    delay: float = 0.0
    """Seconds to wait before sending (the bot's overall pace); the slot is reserved."""
    chat_wait: float = 0.0
    """Above zero: the chat may not be sent to yet (nothing reserved); try after it."""


PAID_BROADCAST_RATE = 900.0
"""Messages per second sent with Telegram's paid broadcast (it allows 1,000)."""


class LocalLimits:
    """Telegram's limits as one process sees them: right for a single process, and the
    fallback of ``SharedLimits`` while Redis is unreachable."""

    def __init__(
        self,
        global_rate: float,
        private_interval: float,
        group_per_minute: int,
        *,
        paid_rate: float = PAID_BROADCAST_RATE,
    ) -> None:
        self.bucket = TokenBucket(global_rate, burst=global_burst(global_rate))
        self.paid_bucket = TokenBucket(paid_rate, burst=paid_burst(paid_rate))
        self.pacer = ChatPacer(private_interval, group_per_minute)

    def busy(self) -> list[int]:
        return self.pacer.busy()

    def wait_for(self, chat_id: int) -> float:
        return self.pacer.wait_for(chat_id)

    async def take(self, chat_id: int, *, paid: bool = False) -> Grant:
        """``paid``: sent with Telegram's paid broadcast, held to its own overall rate."""
        wait = self.pacer.wait_for(chat_id)
        if wait > 0:
            return Grant(chat_wait=wait)
        await (self.paid_bucket if paid else self.bucket).acquire()
        self.pacer.sent(chat_id)
        return Grant()

    async def defer(self, chat_id: int, seconds: float) -> None:
        self.pacer.defer(chat_id, seconds)


def paid_burst(rate: float) -> float:
    return max(1.0, min(50.0, rate))


def global_burst(rate: float) -> float:
    """A small burst keeps any one-second window under the limit (and at least one
    message may always go)."""
    return max(1.0, min(5.0, rate))


# One round trip decides both limits, on Redis's clock (the instances' clocks may differ):
# the chat's earliest next send (a plain key, gone when it has passed) and the bot's pace
# as GCRA, the "theoretical arrival time" of the next message: a send may go at
# max(now, tat - interval * (burst - 1)), and each reservation moves tat one interval on.
# The chat is held until its reserved send plus the chat's interval. Times in ms.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chat_next = tonumber(redis.call('GET', KEYS[2]) or '0')
if chat_next > now then
  return {-1, chat_next - now}
end
local interval = tonumber(ARGV[1])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local send_at = math.max(now, tat - interval * (tonumber(ARGV[2]) - 1))
local new_tat = tat + interval
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now + 1000)
local chat_interval = tonumber(ARGV[3])
if chat_interval > 0 then
  redis.call('SET', KEYS[2], send_at + chat_interval, 'PX', send_at + chat_interval - now)
end
return {send_at - now, 0}
"""

# A flood wait Telegram asked for: the chat is held until then (never shortened).
_DEFER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = now + tonumber(ARGV[1])
if hold > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], hold, 'PX', hold - now)
end
return hold - now
"""

REDIS_RETRY_AFTER = 5.0
"""Seconds the limits stay in-process after Redis failed, before Redis is tried again."""


class SharedLimits:
    """Telegram's limits for the whole installation: every instance takes its sends
    from the same Redis keys, so N instances together keep ~30 msg/s and one message
    per second per chat, not N times that.

    While Redis is unreachable each process falls back to its own ``LocalLimits`` (so
    N instances may then send up to N times the global rate, and Telegram's 429 answers
    pace them); the log says so once per outage. The local pacer also remembers the
    chats Redis reported busy, so the outbox does not claim their rows again and again.
    """

    def __init__(
        self,
        redis: Redis,
        bot_id: int,
        *,
        global_rate: float,
        private_interval: float,
        group_per_minute: int,
        paid_rate: float = PAID_BROADCAST_RATE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.local = LocalLimits(
            global_rate, private_interval, group_per_minute, paid_rate=paid_rate
        )
        self._prefix = f"ukbot:limits:{{{bot_id}}}"  # one hash slot for a bot's keys
        self._global_args = (max(1, round(1000 / global_rate)), global_burst(global_rate))
        self._paid_args = (max(1, round(1000 / paid_rate)), paid_burst(paid_rate))
        self._take = redis.register_script(_TAKE)
        self._defer = redis.register_script(_DEFER)
        self._monotonic = monotonic
        self._local_until = 0.0
        self._outage = OutageLog(log, "shared rate limits (in-process until Redis is back)")

    def _chat_key(self, chat_id: int) -> str:
        return f"{self._prefix}:chat:{chat_id}"

    def _use_redis(self) -> bool:
        return self._monotonic() >= self._local_until

    def _failed(self, error: Exception) -> None:
        self._outage.failed(error)
        self._local_until = self._monotonic() + REDIS_RETRY_AFTER

    def busy(self) -> list[int]:
        return self.local.busy()

    def wait_for(self, chat_id: int) -> float:
        return self.local.wait_for(chat_id)

    async def take(self, chat_id: int, *, paid: bool = False) -> Grant:
        """``paid``: sent with Telegram's paid broadcast, held to its own overall rate."""
        if not self._use_redis():
            return await self.local.take(chat_id, paid=paid)
        pacer = self.local.pacer
        pace, args = ("paid", self._paid_args) if paid else ("global", self._global_args)
        try:
            delay_ms, chat_wait_ms = await self._take(
                keys=[f"{self._prefix}:{pace}", self._chat_key(chat_id)],
                args=[*args, round(pacer.interval(chat_id) * 1000)],
            )
        except (RedisError, OSError) as error:
            self._failed(error)
            return await self.local.take(chat_id, paid=paid)
        self._outage.succeeded()
        if int(delay_ms) < 0:
            wait = int(chat_wait_ms) / 1000
            pacer.defer(chat_id, wait)  # another instance sent to it: not claimed meanwhile
            return Grant(chat_wait=wait)
        delay = int(delay_ms) / 1000
        pacer.defer(chat_id, delay + pacer.interval(chat_id))
        return Grant(delay=delay)

    async def defer(self, chat_id: int, seconds: float) -> None:
        self.local.pacer.defer(chat_id, seconds)
        if not self._use_redis():
            return
        try:
            await self._defer(keys=[self._chat_key(chat_id)], args=[round(seconds * 1000)])
        except (RedisError, OSError) as error:
            self._failed(error)


Limits = LocalLimits | SharedLimits
