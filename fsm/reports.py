"""Reports: conversation state and button data (ids and short keys only)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class ReportsInput(StatesGroup):
    """Typed dates of an export period."""

    dates = State()


class ReportsCb(CallbackData, prefix="rep"):
    """``action``: home | digest | export | period | scope | file | ask.

    ``period``: a ``PeriodKey`` or ``YYYYMMDD-YYYYMMDD``; ``building``: 0 for the whole
    scope; ``fmt``: ``xlsx`` | ``csv``; ``page``: of the buildings list.
    """

    action: str
    period: str = ""
    building: Id = 0
    fmt: str = ""
    page: Count = 0
