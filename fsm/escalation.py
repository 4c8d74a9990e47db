"""Escalation cards and follow ups: button data and the typed closing comment.

``EscalationExtendCb`` packs to ``esc:ext:<request_id>:<by>`` and ``EscalationCb``
to ``esc:<call|contacted>:<request_id>``: the strings
``domain.services.deadlines.escalation_buttons`` writes into escalation cards
(a unit test holds them equal). "Reassign" on the card is the desk's own
``desk:assign:<request_id>`` (the executor picker).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Id


class EscalationExtendCb(CallbackData, prefix="esc"):
    """``action`` is always ``ext``; ``by`` a key of ``domain.schedule.EXTENSIONS``."""

    action: str
    request_id: Id
    by: str


class EscalationCb(CallbackData, prefix="esc"):
    """``action``: ``call`` (show the resident's phone) or ``contacted``."""

    action: str
    request_id: Id


class FollowUpInput(StatesGroup):
    """The manager types what was done to close a follow up; data: ``request_id``."""

    comment = State()
