"""Keyboards shared by every role."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
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


# Each role's section of the main menu; features add their entries here.
RESIDENT_MENU: tuple[str, ...] = ("menu-new-request", "menu-my-requests")
ROLE_MENUS: dict[Role, tuple[str, ...]] = {
    Role.EXECUTOR: ("menu-my-jobs", "menu-pool"),
    Role.MANAGER: ("menu-panel", "menu-people", "menu-reports"),
    Role.ADMIN: ("menu-panel", "menu-people", "menu-reports", "menu-settings"),
}


def menu_keys(roles: frozenset[Role], *, resident: bool) -> list[tuple[str, ...]]:
    """Rows of the main menu: the resident's section, each role's section, then common entries."""
    rows = [RESIDENT_MENU] if resident else []
    seen = {key for row in rows for key in row}
    for role in sorted(roles):  # an entry two roles share appears once
        row = tuple(key for key in ROLE_MENUS.get(role, ()) if key not in seen)
        seen.update(row)
        rows.append(row)
    return [row for row in rows if row] + [COMMON_MENU]


def main_menu(t: BoundTranslator, roles: frozenset[Role], *, resident: bool) -> ReplyKeyboardMarkup:
    rows = [
        [KeyboardButton(text=t(key)) for key in row] for row in menu_keys(roles, resident=resident)
    ]
    return ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        is_persistent=True,
        input_field_placeholder=t("menu-placeholder"),
    )
