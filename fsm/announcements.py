"""Announcements: conversation state and button data (ids and short keys only)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from fsm.callbacks import Count, Id


class AnnounceInput(StatesGroup):
    """The draft lives in the conversation's data (``announce``); these are the steps
    that wait for something typed."""

    window = State()  # the planned works' start and end
    text = State()  # the text, or a photo/document with a caption
    preview = State()  # shown: Send / Edit / Cancel


class AnnounceCb(CallbackData, prefix="ann"):
    """``action``: home | new | bld (toggle ``id``) | ent (toggle entrance ``id``) | page |
    aud | next | kind (``arg``) |
    remind | send (``arg``: the draft's token) | edit | cancel | report (``id``) |
    hist (buildings, ``page``) | hb (history of building ``id``, ``page``)."""

    action: str
    id: Id = 0
    page: Count = 0
    arg: str = ""
