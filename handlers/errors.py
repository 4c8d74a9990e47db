"""Errors: a user always gets an answer in their language; the operator gets the traceback.

An outage of Postgres or Redis (``storage.outages.is_outage``) is no bug: the person is
told "temporarily unavailable, try again in a minute" in their own language (from
``Services.languages`` when the profile could not be read), the operator gets one
warning line per update, no traceback, and the update's conversation changes are not
written (``fsm.storage.UpdateScopedRedisStorage``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from aiogram import BaseMiddleware, Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Chat, ErrorEvent, Message, TelegramObject, Update
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator, Translator, get_translator
from bot.services import LanguageCache
from domain.errors import DomainError
from storage.outages import Unavailable, is_outage


class ErrorsServices(Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def languages(self) -> LanguageCache: ...
    @property
    def translator(self) -> Translator: ...


if TYPE_CHECKING:
    pass

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
    """Turns a rule refusing an action into a translated answer that changes nothing.

    An outage inside a handler is answered here too, while the press can still be
    answered with an alert (``CallbackAnswerMiddleware`` answers it as the error passes),
    and goes on as ``Unavailable`` so the update's conversation changes are dropped.
    """

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
        except Exception as error:
            if isinstance(error, Unavailable) or not is_outage(error):
                raise
            text = data["t"]("error-unavailable")
            answer = data.get("callback_answer")
            chat = _chat_of(event)
            if isinstance(event, CallbackQuery) and answer is not None and not answer.answered:
                answer.text = text
                answer.show_alert = True
            elif chat is not None and chat.type == "private":  # the press was answered
                with contextlib.suppress(TelegramAPIError):
                    await data["bot"].send_message(chat.id, text)
            else:
                raise
            raise Unavailable(str(error)) from error


def _chat_of(event: TelegramObject) -> Chat | None:
    if isinstance(event, Message):
        return event.chat
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat
    return None


async def answer_unavailable(
    bot: Bot, update: Update, language: str, translator: Translator
) -> None:
    """Tells the sender of ``update`` that the bot is temporarily unavailable, in
    ``language``: an alert for a button press (which also stops its spinner), a reply in
    a private chat. Telegram refusing it (an old press) is ignored: nothing else to do."""
    text = translator(language, "error-unavailable")
    with contextlib.suppress(TelegramAPIError):
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id, text, show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await bot.send_message(update.message.chat.id, text)


def _language(update: Update, t: BoundTranslator | None, services: ErrorsServices | None) -> str:
    if t is not None:
        return t.lang
    if services is not None:
        return services.languages.of_update(update)
    return get_translator().default


@router.errors()
async def on_unexpected_error(
    event: ErrorEvent,
    bot: Bot,
    t: BoundTranslator | None = None,
    services: ErrorsServices | None = None,
) -> None:
    update = event.update
    error = event.exception
    translator = services.translator if services is not None else get_translator()
    if is_outage(error):
        cause = error.__cause__ if isinstance(error, Unavailable) else error
        log.warning(
            "update %s not handled: a backing service is unavailable (%s: %s)",
            update.update_id,
            type(cause).__name__,
            str(cause)[:200],
        )
        if not isinstance(error, Unavailable):  # not answered yet
            await answer_unavailable(bot, update, _language(update, t, services), translator)
        return
    log.error(
        "unhandled error in update %s",
        update.update_id,
        exc_info=(type(error), error, error.__traceback__),
    )
    text = translator(_language(update, t, services), "error-generic")
    if update.callback_query is not None:
        query = update.callback_query
        if query.message is not None:
            await bot.send_message(query.message.chat.id, text)
    elif update.message is not None and update.message.chat.type == "private":
        await update.message.answer(text)
