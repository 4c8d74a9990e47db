"""Open invites and the hand-back of a deactivated executor's jobs: button data."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from fsm.callbacks import Count, Id


class OpenInvitesCb(CallbackData, prefix="oinv"):
    """``action``: list | revoke (``invite_id``)."""

    action: str
    invite_id: Id = 0


class HandBackCb(CallbackData, prefix="hback"):
    """Return the executor's open jobs to the desk; ``page``: the people list page."""

    user_id: Id
    page: Count = 0
