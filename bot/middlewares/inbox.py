"""Inbox: an update Telegram (or a load balancer) delivers twice is handled once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

log = logging.getLogger(__name__)


class UpdateInbox(Protocol):
    async def first_delivery(self, bot_id: int, update_id: int) -> bool: ...


class InboxMiddleware(BaseMiddleware):
    def __init__(self, inbox: UpdateInbox) -> None:
        self.inbox = inbox

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if not await self.inbox.first_delivery(data["bot"].id, event.update_id):
            log.info("repeated update skipped", extra={"update_id": event.update_id})
            return UNHANDLED
        return await handler(event, data)
