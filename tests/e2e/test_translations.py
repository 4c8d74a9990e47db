"""Every screen of the onboarding journey in ru, uz and en: no raw translation keys."""

from __future__ import annotations

import re

import pytest

from domain.enums import Role
from sandbox.client import Message, UserClient
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import LANGUAGE_BUTTONS, NAVOI, building_id, make_staff, seed_directory

RAW_KEY = re.compile(r"(?<![\w/@.])[a-z]+(?:-[a-z_]+)+(?![\w.])|\{ ?\$")


def assert_translated(message: Message) -> None:
    texts = [message.text or message.caption or ""]
    texts += [text for row in message.inline_buttons for text, _ in row]
    texts += [text for row in message.reply_keyboard or [] for text in row]
    for text in texts:
        assert not RAW_KEY.search(text), f"untranslated text: {text!r}"


async def _next(user: UserClient) -> Message:
    message = await user.expect()
    assert_translated(message)
    return message


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
async def test_onboarding_screens_are_translated(desk: Desk, lang: str) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    manager = await new_user(desk, "Manager", lang, started=True)
    await make_staff(
        factory, manager, [Role.MANAGER], buildings=[await building_id(factory, NAVOI)]
    )
    resident = await new_user(desk, "Resident", lang)

    await resident.send_command("start")
    await _next(resident)
    await resident.press(LANGUAGE_BUTTONS[lang])
    await _next(resident)  # language changed
    await _next(resident)  # share your phone
    await resident.send_text("not a contact")
    await _next(resident)  # hint
    keyboard = await resident.reply_keyboard()
    assert keyboard
    await resident.press_reply(keyboard[0][0])
    await _next(resident)  # name
    await resident.send_text("Sevara Ismoilova")
    await _next(resident)  # find the building
    await _next(resident)  # page 1
    await resident.send_text("Navoi")
    results = await _next(resident)
    await resident.press(results.inline_buttons[0][0][0])
    await _next(resident)  # building chosen (edit)
    await _next(resident)  # apartment number
    await resident.send_text("0")
    await _next(resident)  # no such apartment
    await resident.send_text("15")
    kind = await _next(resident)
    await resident.press(kind.inline_buttons[0][0][0])
    await _next(resident)  # submitted (edit)
    await _next(resident)  # menu
    card = await manager.expect(timeout=10)
    assert_translated(card)
    await resident.press_reply(keyboard_text(await resident.reply_keyboard(), 1, 0))
    await _next(resident)  # profile


def keyboard_text(keyboard: list[list[str]] | None, row: int, column: int) -> str:
    assert keyboard is not None
    return keyboard[row][column]
