"""Filters shared by handlers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import Message

from bot.i18n import get_translator
from domain.enums import Language


class MenuButton(Filter):
    """Matches a reply-keyboard press of a menu entry in any language."""

    def __init__(self, key: str) -> None:
        translator = get_translator()
        self.key = key
        self.texts = frozenset(translator(lang, key) for lang in Language)

    async def __call__(self, message: Message) -> bool:
        return message.text in self.texts
