"""Counting for ``/metrics`` (``bot.metrics``): every update (type, outcome, time) and
every Bot API call (method, outcome)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update

from bot import metrics


class UpdateMetricsMiddleware(BaseMiddleware):
    """The outermost update middleware: what every other middleware and handler took."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            metrics.HANDLER_SECONDS.labels(kind).observe(time.perf_counter() - started)
            metrics.UPDATES.labels(kind, outcome).inc()


class BotApiMetrics(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = type(method).__name__
        name = name[:1].lower() + name[1:]  # sendMessage, as Telegram names it
        outcome = "error"
        try:
            response = await make_request(bot, method)
            outcome = "ok"
            return response
        except TelegramRetryAfter:
            outcome = "429"
            raise
        except TelegramForbiddenError:
            outcome = "403"
            raise
        except TelegramBadRequest:
            outcome = "400"
            raise
        finally:
            metrics.BOT_API_CALLS.labels(name, outcome).inc()
