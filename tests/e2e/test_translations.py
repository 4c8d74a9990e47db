"""Every screen of the onboarding journey in ru, uz and en: no raw translation keys."""

from __future__ import annotations

import re

import pytest

from bot.i18n import get_translator
from domain.enums import Language, Role
from sandbox.client import Message, UserClient
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import LANGUAGE_BUTTONS, NAVOI, building_id, make_staff, seed_directory
from tests.e2e.tracking_helpers import insert_request, make_cast, make_resident, to_completed

RAW_KEY = re.compile(r"(?<![\w/@.])[a-z]+(?:-[a-z_]+)+(?![\w.])|\{ ?\$")
# A missing key renders as the generic error (never as the raw key): that is a failure too.
GENERIC_ERRORS = {get_translator()(lang, "error-generic") for lang in ("ru", "uz", "en")}


def assert_translated(message: Message) -> None:
    texts = [message.text or message.caption or ""]
    texts += [text for row in message.inline_buttons for text, _ in row]
    texts += [text for row in message.reply_keyboard or [] for text in row]
    for text in texts:
        assert not RAW_KEY.search(text), f"untranslated text: {text!r}"
        assert not any(generic in text for generic in GENERIC_ERRORS), f"missing key: {text!r}"


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


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
async def test_tracking_and_closing_screens_are_translated(desk: Desk, lang: str) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Nodira", language=Language(lang))
    request_id, number = await insert_request(desk, resident, cast.home)

    await resident.send_command("my")
    listing = await _next(resident)
    await resident.press(number, message=listing)
    card = await _next(resident)
    for row in card.inline_buttons:  # add comment, add photos, cancel… each opens a prompt
        text, _ = row[0]
        if row is card.inline_buttons[-1]:
            break
        await resident.press(text, message=card)
        prompt = await _next(resident)
        back = prompt.inline_buttons[-1][-1][0] if prompt.inline_buttons else None
        if back:
            await resident.press(back, message=prompt)
            await _next(resident)

    await to_completed(desk, cast, request_id)
    done = await resident.expect(number, timeout=10)
    assert_translated(done)
    await resident.press(done.inline_buttons[0][0][0], message=done)  # accept
    stars = await _next(resident)
    await resident.press(stars.inline_buttons[0][-1][0], message=stars)  # the top rating
    rated = await _next(resident)
    await resident.press(rated.inline_buttons[-1][-1][0], message=rated)  # skip the comment
    await _next(resident)
