"""The manager's desk: conversation states and button data (ids only).

``DeskCb(action="open"|"assign")`` packs to ``desk:<action>:<request_id>``, the
strings ``domain.services.desk`` writes into staff chat post buttons.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class DeskInput(StatesGroup):
    """A typed answer the desk waits for; data: ``request_id`` (except ``search``)."""

    reject_reason = State()
    hold_comment = State()
    comment = State()
    close_comment = State()
    duplicate_number = State()
    search = State()


class DeskCb(CallbackData, prefix="desk"):
    """A button of the staff card: ``desk:<action>:<request_id>``.

    Actions: open, card (refresh in place), media, assign, hold, resume, reject,
    comment, confirm, close, dup, cat, urg, abort.
    """

    action: str
    request_id: Id


class DeskPanelCb(CallbackData, prefix="dpanel"):
    action: str  # show | search


class DeskQueueCb(CallbackData, prefix="dq"):
    queue: str
    page: Count


class DeskItemCb(CallbackData, prefix="dqi"):
    """A request picked from a queue page (Back returns to that page)."""

    request_id: Id
    queue: str
    page: Count


class DeskPickPageCb(CallbackData, prefix="dpp"):
    request_id: Id
    page: Count


class DeskPickCb(CallbackData, prefix="dpk"):
    request_id: Id
    executor_id: Id


class DeskSetCb(CallbackData, prefix="dset"):
    """A chosen value: ``field`` cat | urg | hold | rej; ``value`` a canonical key or a template index and list version."""

    request_id: Id
    field: str
    value: str
