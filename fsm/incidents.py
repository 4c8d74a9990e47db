"""Outage incidents: conversation states and button data (ids only).

``IncidentCb`` packs to ``inc:<action>:<id>``: the strings ``domain.services.incidents``
writes into outbox buttons (``sd`` declare from a suggestion, ``sx`` not related,
``fo`` follow). Other actions: ``q`` the desk's queue, ``o`` an incident's card,
``new`` declare one, ``up`` post an update, ``lk`` link matching requests, ``rc`` /
``rr`` resolve closing / returning the linked requests, ``fa`` file anyway.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class IncidentInput(StatesGroup):
    """Text the incident screens wait for; data: ``incident_id`` or the declaration."""

    building_search = State()
    declare_text = State()
    update_text = State()
    resolve_text = State()


class IncidentCb(CallbackData, prefix="inc"):
    action: str
    id: Id


class DeclareCb(CallbackData, prefix="incd"):
    """Declaring step by step: building, then category, then target hours (0: not
    chosen yet); ``suggestion`` is the suggestion accepted (0: none)."""

    building: Id
    category: str = ""
    hours: Count = 0
    suggestion: Id = 0
