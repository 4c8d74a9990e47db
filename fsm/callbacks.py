"""CallbackData factories: ids only (Telegram allows 64 bytes); handlers re-check access.

Numbers in callback data are typed by what they can be (``Id``, ``Count``): a press
whose data is out of range (an id beyond Postgres's bigint, a negative page) or not a
number matches no handler and gets the "outdated button" answer, as any unknown data
does, instead of reaching the database and failing there.
"""

from __future__ import annotations

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.enums import Language, ResidencyKind

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

Id = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""A database row's or a Telegram user's id (Postgres bigint, never negative)."""
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A page number, minutes, hours, stars: small and never negative."""


class LanguageCb(CallbackData, prefix="lang"):
    code: Language


class BuildingPageCb(CallbackData, prefix="bpage"):
    page: Count


class BuildingPickCb(CallbackData, prefix="bpick"):
    building_id: Id


class ResidencyKindCb(CallbackData, prefix="rkind"):
    kind: ResidencyKind


class ProfileCb(CallbackData, prefix="prof"):
    action: str  # "add_apartment"


class VerificationCb(CallbackData, prefix="verif"):
    """Packs as ``verif:<action>:<link_id>``, the form the domain writes into outbox buttons."""

    action: str  # approve | reject | doc
    link_id: Id


class ResidencyDocumentCb(CallbackData, prefix="resdoc"):
    link_id: Id
