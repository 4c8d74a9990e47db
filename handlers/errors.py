"""Errors: a user always gets an answer in their language; the operator gets the traceback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.types import CallbackQuery, ErrorEvent, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator, get_translator
from domain.errors import DomainError

log = logging.getLogger(__name__)
router = Router(name="errors")


# Error parameters that are canonical keys are shown by their display text.
_KEYED_PARAMS = {"status": "status", "action": "action", "field": "field"}


def render_error(t: BoundTranslator, error: DomainError) -> str:
    params = {
        name: t(f"{_KEYED_PARAMS[name]}-{value}") if name in _KEYED_PARAMS else value
        for name, value in error.params.items()
    }
    return t(error.key, **params)


class DomainErrorMiddleware(BaseMiddleware):
    """Turns a rule refusing an action into a translated answer that changes nothing."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            t: BoundTranslator = data["t"]
            text = render_error(t, error)
            answer: CallbackAnswer | None = data.get("callback_answer")
            if isinstance(event, CallbackQuery) and answer is not None and not answer.answered:
                answer.text = text
                answer.show_alert = True
            elif isinstance(event, CallbackQuery):
                await event.answer(text, show_alert=True)
            elif isinstance(event, Message):
                await event.answer(text)
            return None


@router.errors()
async def on_unexpected_error(event: ErrorEvent, t: BoundTranslator | None = None) -> None:
    update = event.update
    log.error(
        "unhandled error in update %s",
        update.update_id,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    text = (t or get_translator().bind(None))("error-generic")
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is not None:
            await query.bot.send_message(query.message.chat.id, text)  # type: ignore[union-attr]
    elif update.message is not None and update.message.chat.type == "private":
        await update.message.answer(text)
