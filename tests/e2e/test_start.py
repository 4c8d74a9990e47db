"""/start → language → menu, in each language, through the emulator."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Desk

MENU_TITLES = {
    "ru": "Главное меню",
    "uz": "Asosiy menyu",
    "en": "Main menu",
}
LANGUAGE_BUTTONS = {"ru": "Русский", "uz": "O'zbekcha", "en": "English"}


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
async def test_admin_start_language_then_menu(desk: Desk, lang: str) -> None:
    admin = await desk.emu.create_user("Admin", language_code="en", user_id=9_100_000_001)
    await admin.send_command("start")
    choice = await admin.expect("Choose your language")
    assert [text for row in choice.inline_buttons for text, _ in row] == [
        "🇷🇺 Русский",
        "🇺🇿 O'zbekcha",
        "🇬🇧 English",
    ]
    await admin.press(LANGUAGE_BUTTONS[lang])
    menu = await admin.expect(MENU_TITLES[lang])
    keyboard = await admin.reply_keyboard()
    assert keyboard is not None and len(keyboard[-1]) == 3
    assert menu.content.startswith(MENU_TITLES[lang])
    # a second /start goes straight to the menu, and the command menu is in the chosen language
    await admin.send_command("start")
    await admin.expect(MENU_TITLES[lang])
    commands = {c["command"] for c in await admin.visible_commands()}
    assert {"start", "help", "language"} <= commands
