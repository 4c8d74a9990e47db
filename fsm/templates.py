"""Rejection reason templates: the conversation state and button data (ids only).

``TemplatesCb`` packs to ``tpl:<action>:<index>:<version>`` (at most ~30 bytes):
``action`` show | add | del | cancel; ``index`` the template's position and
``version`` the fingerprint of the list it was shown from (``del`` only).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup


class TemplateInput(StatesGroup):
    """The text of a new reason is awaited."""

    text = State()


class TemplatesCb(CallbackData, prefix="tpl"):
    action: str
    index: int = -1
    version: str = ""
