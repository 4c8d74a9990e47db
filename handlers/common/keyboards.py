"""Keyboards shared by every role."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import BoundTranslator
from domain.enums import Language, Role
from fsm.callbacks import LanguageCb

LANGUAGE_NAMES = {Language.RU: "🇷🇺 Русский", Language.UZ: "🇺🇿 O'zbekcha", Language.EN: "🇬🇧 English"}

# Menu entries as message keys; a reply keyboard press arrives as the translated text.
COMMON_MENU = ("menu-profile", "menu-language", "menu-help")


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(code=code))
    builder.adjust(1)
    return builder.as_markup()


def menu_keys(roles: frozenset[Role]) -> list[tuple[str, ...]]:
    """Rows of the main menu for a set of roles (role sections are added by their features)."""
    return [COMMON_MENU]


def main_menu(t: BoundTranslator, roles: frozenset[Role]) -> ReplyKeyboardMarkup:
    rows = [[KeyboardButton(text=t(key)) for key in row] for row in menu_keys(roles)]
    return ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=t("menu-placeholder"),
    )
