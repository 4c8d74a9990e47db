"""Showing a screen in answer to a button press."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def show_screen(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    """Replace the pressed message in the private chat, else post to the presser."""
    message = query.message
    if isinstance(message, Message) and message.chat.type == "private" and message.text:
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "message is not modified" not in error.message:
                raise
        return
    assert query.bot is not None
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def show(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None, *, edit: bool = True
) -> None:
    """Replace the pressed text message (``edit``), or post a new one (photo captions,
    notifications, prompts that should stay below the card)."""
    message = query.message
    if edit and isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "message is not modified" not in error.message:
                raise
        return
    if isinstance(message, Message):
        await message.answer(text, reply_markup=markup)
    else:
        assert query.bot is not None
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
