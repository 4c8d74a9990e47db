"""Last resort: anything no feature handled still gets an answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from handlers.filters import Magic
from handlers.media import album_already_answered

router = Router(name="fallback")


@router.callback_query()
async def on_unknown_button(
    query: CallbackQuery, t: BoundTranslator, callback_answer: CallbackAnswer
) -> None:
    callback_answer.text = t("callback-outdated")
    callback_answer.show_alert = True


@router.message(Magic(F.chat.type == "private"))
async def on_unknown_message(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if await album_already_answered(message, state):
        return
    await message.answer(t("unknown-message"))
