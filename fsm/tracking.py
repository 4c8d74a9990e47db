"""Tracking and closing the loop: conversation states and button data.

Button data carries ids only; every handler re-checks access on the server.
``TrackCb(action="open")`` and ``CloseLoopCb`` pack to the strings that
``domain.services.request_notifications`` writes into outbox buttons.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class Tracking(StatesGroup):
    comment = State()  # data: request_id
    photos = State()  # data: request_id, files (list of stored media), group
    cancel_reason = State()  # data: request_id


class Closing(StatesGroup):
    feedback = State()  # data: request_id, stars
    return_reason = State()  # data: request_id


class TrackListCb(CallbackData, prefix="trkl"):
    """A page of "My requests": ``archive`` False = active requests."""

    archive: bool
    page: Count


class TrackOpenCb(CallbackData, prefix="trko"):
    """A request picked from a list page (Back returns to that page)."""

    request_id: Id
    archive: bool
    page: Count


class TrackCb(CallbackData, prefix="trk"):
    """A button of the request card: ``trk:<action>:<request_id>``.

    Actions: open, comment, photos, photos_done, cancel, abort (leave a prompt).
    """

    action: str
    request_id: Id


class CloseLoopCb(CallbackData, prefix="rloop"):
    """Completed work: ``rloop:accept:<id>`` / ``rloop:return:<id>``."""

    action: str
    request_id: Id


class RateCb(CallbackData, prefix="rrate"):
    request_id: Id
    stars: Count


class RateSkipCb(CallbackData, prefix="rskip"):
    """Accept with the chosen stars and no text."""

    request_id: Id
    stars: Count
