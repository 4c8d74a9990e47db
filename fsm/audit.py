"""The admin's audit log: conversation states and button data."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class AuditCb(CallbackData, prefix="aud"):
    """``action``: show | person | request | pick | csv; ``user`` / ``request``: the
    filter (0: none)."""

    action: str
    page: Count = 0
    user: Id = 0
    request: Id = 0


class AuditInput(StatesGroup):
    """A typed filter: a person (name, phone, @username, id) or a request number."""

    person = State()
    request = State()
