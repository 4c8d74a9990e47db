"""Per-user flood control that never drops a message silently.

A user over the rate gets one polite notice per flood; parts of a photo album
(same ``media_group_id``) always pass, so an album is never cut short.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from bot.i18n import BoundTranslator


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    notified: bool = False


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, rate_per_second: float, burst: int, max_users: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = float(burst)
        self.max_users = max_users
        self._buckets: dict[int, _Bucket] = {}

    def _allow(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, notice_due)."""
        now = time.monotonic()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.max_users:
                self._buckets.clear()  # bounded memory; worst case a flooder gets a fresh burst
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.notified = False
            return True, False
        notice_due = not bucket.notified
        bucket.notified = True
        return False, notice_due

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        inner = event.event if isinstance(event, Update) else event
        user = data.get("event_from_user")
        if user is None or (isinstance(inner, Message) and inner.media_group_id):
            return await handler(event, data)
        allowed, notice_due = self._allow(user.id)
        if allowed:
            return await handler(event, data)
        t: BoundTranslator = data["t"]
        if isinstance(inner, CallbackQuery):
            # A press must always be answered, or the button spins forever.
            await inner.answer(t("throttle-notice") if notice_due else None)
        elif notice_due and isinstance(inner, Message) and inner.chat.type == "private":
            await inner.answer(t("throttle-notice"))
        return UNHANDLED
