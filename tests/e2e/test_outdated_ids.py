"""Forged or damaged button data with numbers out of range is an "outdated button",
never "something went wrong"."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from domain.enums import Role, Specialization
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff

OUTDATED = "This button is outdated. Please open the menu again."
FORGED = [
    "job:accept:99999999999999999999",
    "job:accept:9223372036854775808",
    "job:accept:-5",
    "job:accept:abc",
    "jeta:1:-30",
    "trko:99999999999999999999:0",
    "jobs:-1",
]


async def test_out_of_range_ids_are_outdated_buttons(desk: Desk) -> None:
    executor = await new_user(desk, "Executor", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        executor,
        [Role.EXECUTOR],
        specializations=[Specialization.PLUMBER],
    )
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=data, callback_data=data)] for data in FORGED]
    )
    await desk.runtime.bot.send_message(executor.id, "buttons", reply_markup=keyboard)
    await executor.expect("buttons")
    for data in FORGED:
        result = await executor.press(data)
        assert result.show_alert and result.text == OUTDATED, data
