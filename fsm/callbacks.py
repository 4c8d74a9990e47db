"""CallbackData factories: ids only (Telegram allows 64 bytes); handlers re-check access."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from domain.enums import Language, ResidencyKind


class LanguageCb(CallbackData, prefix="lang"):
    code: Language


class BuildingPageCb(CallbackData, prefix="bpage"):
    page: int


class BuildingPickCb(CallbackData, prefix="bpick"):
    building_id: int


class ResidencyKindCb(CallbackData, prefix="rkind"):
    kind: ResidencyKind


class ProfileCb(CallbackData, prefix="prof"):
    action: str  # "add_apartment"


class VerificationCb(CallbackData, prefix="verif"):
    """Packs as ``verif:<action>:<link_id>``, the form the domain writes into outbox buttons."""

    action: str  # approve | reject | doc
    link_id: int


class ResidencyDocumentCb(CallbackData, prefix="resdoc"):
    link_id: int
