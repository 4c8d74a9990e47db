"""Our keyboard builder lays buttons out exactly as aiogram's does, without deep copies."""

from __future__ import annotations

from aiogram.utils.keyboard import InlineKeyboardBuilder as AiogramBuilder

from bot.keyboards import InlineKeyboardBuilder


def _build(builder: AiogramBuilder) -> AiogramBuilder:
    for n in range(7):
        builder.button(text=f"b{n}", callback_data=f"x:{n}")
    builder.adjust(2, 3)
    builder.row(*AiogramBuilder().button(text="back", callback_data="back").buttons)
    return builder


def test_same_layout_as_aiogram() -> None:
    ours = _build(InlineKeyboardBuilder()).as_markup()
    theirs = _build(AiogramBuilder()).as_markup()
    assert ours == theirs
    assert [len(row) for row in ours.inline_keyboard] == [2, 3, 2, 1]


def test_exported_rows_are_the_callers_own() -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text="a", callback_data="a")
    exported = builder.export()
    exported[0].append(exported[0][0])
    exported.append([])
    assert [len(row) for row in builder.export()] == [1]


def test_buttons_are_not_copied() -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text="a", callback_data="a")
    button = next(iter(builder.buttons))
    assert builder.as_markup().inline_keyboard[0][0] is button
