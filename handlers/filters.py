"""Filters shared by handlers."""

from __future__ import annotations

import functools
from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject
from magic_filter import MagicFilter

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


class Magic(Filter):
    """A magic filter (``F.text``, ``F.chat.type == "private"``) checked on the event loop.

    aiogram runs a filter that is not a coroutine in a worker thread, and a magic filter
    is a plain callable: a few attribute lookups would cost a thread round trip for every
    candidate handler of every update. A filter that is a coroutine runs inline.
    """

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        # A dict result (``F.x.as_("name")``) becomes handler arguments, as aiogram does.
        return self.magic.resolve(event)


class TypedText(Filter):
    """Text typed in answer to a prompt: not a command and not a menu button (those go
    to their own handlers even while a prompt is open)."""

    async def __call__(self, message: Message) -> bool:
        text = message.text
        return text is not None and not text.startswith("/") and text not in _menu_texts()


class NotMenuText(Filter):
    """A main-menu press is never taken as an answer to a step: its own handler gets it
    (a file, with no text, is an answer)."""

    async def __call__(self, message: Message) -> bool:
        return message.text is None or message.text not in _menu_texts()


class NotCommandOrMenu(Filter):
    """Text or a caption typed in answer to a prompt: neither a command nor a menu button
    (a file without a caption is an answer)."""

    async def __call__(self, message: Message) -> bool:
        text = message.text or message.caption or ""
        return not text.startswith("/") and text not in _menu_texts()


@functools.cache
def _menu_texts() -> frozenset[str]:
    from handlers.common.keyboards import COMMON_MENU, RESIDENT_MENU, ROLE_MENUS

    translator = get_translator()
    keys = {*COMMON_MENU, *RESIDENT_MENU, *(key for row in ROLE_MENUS.values() for key in row)}
    keys.add("menu-settings")
    return frozenset(translator(lang, key) for lang in Language for key in keys)
