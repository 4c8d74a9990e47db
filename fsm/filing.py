"""The filing wizard: its states, callback data and the draft kept in FSM data.

The draft is plain JSON (ids, canonical keys, Telegram file ids), small enough for
Redis, so a conversation survives a restart. Shape of the FSM data::

    {
      "draft": "3f9c1a2b",            # token of this draft (in confirm/nav buttons)
      "category": "plumbing",
      "place": "apartment",           # PlaceKind; or a common area ("elevator", ...)
      "building_id": 1, "address": "…",
      "apartment_id": 12, "apartment": "12",   # None for a common area
      "description": "…",
      "media": [{"kind": "photo", "file_id": "…", "uid": "…", "mime": "image/jpeg",
                 "size": 1234, "msg": 55}],     # msg: the user's message (copied on confirm)
      "urgency": "normal", "access": "any_time", "slot": "any",
      "editing": false,               # came from the summary: return there after the step
      "album": {"id": "…", "ack": 77, "over": false},  # the last album acknowledged
      "hinted_album": "…",            # an album already answered with a hint
    }

After filing only ``{"filed_draft": token, "filed_number": "…"}`` remains, so a
second press of Confirm is told the number instead of filing again.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from domain.enums import AccessMode, Category, PlaceKind, TimeSlot, Urgency
from domain.services.filing import FilingDraft, PlaceChoice
from domain.services.residents import StoredMedia
from fsm.callbacks import Id


class Filing(StatesGroup):
    category = State()
    place = State()
    area = State()
    description = State()
    media = State()
    urgency = State()
    access = State()
    slot = State()
    summary = State()
    duplicate = State()
    submitting = State()


STEPS: dict[str, State] = {
    state.state.split(":", 1)[1]: state  # type: ignore[union-attr]
    for state in Filing.__states__
}
"""Step name (as in callback data) → state."""


def step_of(state_name: str | None) -> str | None:
    """``"Filing:media"`` → ``"media"``; None outside the wizard."""
    if not state_name or not state_name.startswith("Filing:"):
        return None
    return state_name.split(":", 1)[1]


# --------------------------------------------------------------------------- callbacks


class FilingCategoryCb(CallbackData, prefix="flc"):
    category: Category


class FilingPlaceCb(CallbackData, prefix="flp"):
    """An apartment of the user's (re-checked on the server)."""

    apartment_id: Id


class FilingCommonCb(CallbackData, prefix="flb"):
    """The common areas of one of the user's buildings."""

    building_id: Id


class FilingAreaCb(CallbackData, prefix="fla"):
    building_id: Id
    kind: PlaceKind


class FilingUrgencyCb(CallbackData, prefix="flu"):
    urgency: Urgency


class FilingAccessCb(CallbackData, prefix="flx"):
    mode: AccessMode


class FilingSlotCb(CallbackData, prefix="fls"):
    slot: TimeSlot


class FilingNavCb(CallbackData, prefix="fln"):
    """back | cancel | done | clear | confirm | anyway | resume | restart, from ``step``."""

    action: str
    step: str
    draft: str


class FilingEditCb(CallbackData, prefix="fle"):
    field: str  # category | place | description | media | urgency | access
    draft: str


class FilingJoinCb(CallbackData, prefix="flj"):
    request_id: Id
    draft: str


# --------------------------------------------------------------------------- the draft


def media_to_data(media: StoredMedia, message_id: int) -> dict[str, Any]:
    return {
        "kind": media.kind,
        "file_id": media.file_id,
        "uid": media.file_unique_id,
        "mime": media.mime,
        "size": media.size,
        "msg": message_id,
    }


def media_from_data(item: dict[str, Any]) -> tuple[StoredMedia, int]:
    """The file and the id of the user's message that carried it."""
    media = StoredMedia(
        kind=str(item["kind"]),
        file_id=str(item["file_id"]),
        file_unique_id=str(item["uid"]),
        mime=item.get("mime"),
        size=item.get("size"),
    )
    return media, int(item["msg"])


def missing_step(data: dict[str, Any]) -> str | None:
    """The first step whose answer the draft lacks (None: complete)."""
    if not data.get("category"):
        return "category"
    if not data.get("place") or not data.get("building_id"):
        return "place"
    if not data.get("description"):
        return "description"
    if not data.get("urgency"):
        return "urgency"
    if not data.get("access") or not data.get("slot"):
        return "access"
    return None


def draft_from_data(data: dict[str, Any], media: tuple[StoredMedia, ...]) -> FilingDraft:
    """The complete draft (check ``missing_step`` first) with the given (kept) media."""
    apartment_id = data.get("apartment_id")
    return FilingDraft(
        token=str(data["draft"]),
        category=Category(data["category"]),
        place=PlaceChoice(
            kind=PlaceKind(data["place"]),
            building_id=int(data["building_id"]),
            apartment_id=int(apartment_id) if apartment_id is not None else None,
        ),
        description=str(data["description"]),
        urgency=Urgency(data["urgency"]),
        access=AccessMode(data["access"]),
        slot=TimeSlot(data["slot"]),
        media=media,
    )
