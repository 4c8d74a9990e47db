"""The admin's API clients screen: button data and the typed name."""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from pydantic import Field

from fsm.callbacks import Id


class ApiClientsCb(CallbackData, prefix="apic"):
    """``action``: list | new | scope | create | revoke; ``client``: the client revoked;
    ``scope``: the scope toggled (its index in ``ApiScope``)."""

    action: str
    client: Id = 0
    scope: Annotated[int, Field(ge=0, le=8)] = 0


class ApiClientInput(StatesGroup):
    name = State()
