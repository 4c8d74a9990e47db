"""aiogram's inline keyboard builder without its deep copies.

aiogram's builder deep-copies every button it holds on each ``add``/``button``
call and again on ``as_markup`` (quadratic in the keyboard's size): building the
keyboards of one update cost about a millisecond of pydantic ``__deepcopy__``.
The copies guard against callers mutating buttons after export, which this code
base never does, so the rows are copied and the buttons shared.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder as _AiogramInlineKeyboardBuilder

__all__ = ["InlineKeyboardBuilder"]


class InlineKeyboardBuilder(_AiogramInlineKeyboardBuilder):
    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]
