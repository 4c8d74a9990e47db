"""The executor's conversations and button data.

Button data carries ids only; every handler re-checks on the server that the
executor may act on the request. ``JobCb`` packs to the strings that
``domain.services.request_notifications`` writes into the job card's buttons
(``job:accept:<id>``, ``job:decline:<id>``, ``job:open:<id>``).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class JobFlow(StatesGroup):
    decline_reason = State()  # data: request_id
    question = State()  # data: request_id
    photos = State()  # data: request_id, files (stored media), group
    comment = State()  # data: request_id, files


class JobCb(CallbackData, prefix="job"):
    """A button of a job: ``job:<action>:<request_id>``.

    Actions: open, accept, decline, start (asks for an ETA), materials, ask,
    resume, complete, photos_done, claim, abort (leave a prompt).
    """

    action: str
    request_id: Id


class JobEtaCb(CallbackData, prefix="jeta"):
    """Start the work; ``minutes`` 0 = without "on my way"."""

    request_id: Id
    minutes: Count


class JobListCb(CallbackData, prefix="jobs"):
    page: Count


class PoolListCb(CallbackData, prefix="jpool"):
    page: Count


class DutyCb(CallbackData, prefix="duty"):
    on: bool
