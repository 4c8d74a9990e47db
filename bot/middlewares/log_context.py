"""Binds the handler (and the request a button is about) to the update's log lines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from storage.log_context import bind_log_context


class LogContextMiddleware(BaseMiddleware):
    """An inner middleware: aiogram has chosen the handler when it runs."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chosen = data.get("handler")
        if chosen is not None:
            callback = chosen.callback
            bind_log_context(handler=f"{callback.__module__}.{callback.__qualname__}")
        request_id = getattr(data.get("callback_data"), "request_id", None)
        if isinstance(request_id, int):
            bind_log_context(request_id=request_id)
        return await handler(event, data)
