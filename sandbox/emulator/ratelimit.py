"""Telegram-like flood limits for "sending" methods.

Token buckets per bot (overall), per private chat and per group; a request is
admitted only when every bucket that applies has enough tokens, otherwise it is
answered with 429 and nothing is consumed (like Telegram, a refused call does
not count as a sent message).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RateLimitConfig:
    per_bot_per_sec: float = 30.0
    per_bot_burst: float = 30.0
    private_per_sec: float = 1.0
    private_burst: float = 3.0
    group_per_min: float = 20.0
    group_burst: float = 20.0
    paid_per_sec: float = 1000.0
    """Messages sent with ``allow_paid_broadcast``: Telegram lifts the overall limit to
    1,000/s for them (each charged in Stars); per-chat limits still apply."""
    paid_burst: float = 1000.0

    def update(self, data: dict[str, Any]) -> None:
        for key in self.__slots__:
            if key in data and data[key] is not None:
                setattr(self, key, float(data[key]))

    def to_dict(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in self.__slots__}


class TokenBucket:
    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate  # tokens per second
        self.tokens = capacity
        self.stamp = now

    def wait_for(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` tokens are available (0 when available now)."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        need = min(amount, self.capacity) - self.tokens
        if need <= 1e-9:
            return 0.0
        return need / self.rate if self.rate > 0 else math.inf

    def take(self, amount: float) -> None:
        self.tokens -= min(amount, self.capacity)


@dataclass
class RateLimiter:
    """Flood-control state of one emulator (all bots)."""

    config: RateLimitConfig = field(default_factory=RateLimitConfig)
    _bot_buckets: dict[int, TokenBucket] = field(default_factory=dict)
    _chat_buckets: dict[tuple[int, int], TokenBucket] = field(default_factory=dict)
    _paid_buckets: dict[int, TokenBucket] = field(default_factory=dict)
    # Counters of 429s answered: per bot, per scope ("global"/"private"/"group").
    hits: Counter[tuple[int, str]] = field(default_factory=Counter)
    # Messages admitted with allow_paid_broadcast, per bot (what Telegram would charge).
    paid: Counter[int] = field(default_factory=Counter)

    def check(
        self, bot_id: int, chat_id: int, chat_type: str, amount: int = 1, *, paid: bool = False
    ) -> int | None:
        """Admit ``amount`` messages or return the retry_after (whole seconds). A paid
        broadcast (``paid``) is held to ``paid_per_sec`` instead of the bot's free limit."""
        now = time.monotonic()
        cfg = self.config
        buckets = self._paid_buckets if paid else self._bot_buckets
        bot_bucket = buckets.get(bot_id)
        if bot_bucket is None:
            if paid:
                bot_bucket = TokenBucket(cfg.paid_burst, cfg.paid_per_sec, now)
            else:
                bot_bucket = TokenBucket(cfg.per_bot_burst, cfg.per_bot_per_sec, now)
            buckets[bot_id] = bot_bucket
        key = (bot_id, chat_id)
        chat_bucket = self._chat_buckets.get(key)
        scope = "private" if chat_type == "private" else "group"
        if chat_bucket is None:
            if scope == "private":
                chat_bucket = TokenBucket(cfg.private_burst, cfg.private_per_sec, now)
            else:
                chat_bucket = TokenBucket(cfg.group_burst, cfg.group_per_min / 60.0, now)
            self._chat_buckets[key] = chat_bucket
        wait_chat = chat_bucket.wait_for(amount, now)
        wait_bot = bot_bucket.wait_for(amount, now)
        if wait_chat > 0 or wait_bot > 0:
            self.hits[(bot_id, scope if wait_chat >= wait_bot else "global")] += 1
            return max(1, math.ceil(max(wait_chat, wait_bot)))
        chat_bucket.take(amount)
        bot_bucket.take(amount)
        if paid:
            self.paid[bot_id] += amount
        return None

    def reset_buckets(self) -> None:
        """Start all buckets full again (after the limits were reconfigured)."""
        self._bot_buckets.clear()
        self._chat_buckets.clear()
        self._paid_buckets.clear()

    def reset(self) -> None:
        """Forget buckets and the 429 and paid counters."""
        self.reset_buckets()
        self.hits.clear()
        self.paid.clear()

    def stats(self, bot_id: int | None = None) -> dict[str, Any]:
        by_scope: Counter[str] = Counter()
        by_bot: Counter[int] = Counter()
        for (bid, scope), n in self.hits.items():
            if bot_id is None or bid == bot_id:
                by_scope[scope] += n
                by_bot[bid] += n
        paid = sum(n for bid, n in self.paid.items() if bot_id is None or bid == bot_id)
        return {
            "paid_broadcast_messages": paid,
            "total_429": sum(by_scope.values()),
            "by_scope": dict(by_scope),
            "by_bot": {str(k): v for k, v in by_bot.items()},
        }
