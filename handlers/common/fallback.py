"""Last resort: anything no feature handled still gets an answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from handlers.filters import Magic

router = Router(name="fallback")


@router.callback_query()
async def on_unknown_button(
    query: CallbackQuery, t: BoundTranslator, callback_answer: CallbackAnswer
) -> None:
    callback_answer.text = t("callback-outdated")
    callback_answer.show_alert = True


@router.message(Magic(F.chat.type == "private"))
async def on_unknown_message(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("unknown-message"))
