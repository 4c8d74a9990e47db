"""Keyboards of the resident's screens."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.enums import ResidencyKind
from domain.services.residents import BuildingInfo
from fsm.callbacks import BuildingPageCb, BuildingPickCb, ProfileCb, ResidencyKindCb

BUILDINGS_PER_PAGE = 8


def share_phone_keyboard(t: BoundTranslator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("onboarding-share-phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def name_keyboard(suggested: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=suggested)]], resize_keyboard=True, one_time_keyboard=True
    )


def share_location_keyboard(t: BoundTranslator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("onboarding-share-location"), request_location=True)]],
        resize_keyboard=True,
        input_field_placeholder=t("onboarding-building-placeholder"),
    )


def building_label(t: BoundTranslator, building: BuildingInfo) -> str:
    if building.distance_km is not None:
        return t(
            "onboarding-building-distance",
            address=building.address,
            km=f"{building.distance_km:.1f}",
        )
    return building.address


def buildings_keyboard(
    t: BoundTranslator, buildings: list[BuildingInfo], *, page: int | None = None, total: int = 0
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for building in buildings:
        builder.button(
            text=building_label(t, building), callback_data=BuildingPickCb(building_id=building.id)
        )
    builder.adjust(1)
    if page is not None:
        pages = max(1, -(-total // BUILDINGS_PER_PAGE))
        nav = InlineKeyboardBuilder()
        if page > 0:
            nav.button(text=t("nav-prev"), callback_data=BuildingPageCb(page=page - 1))
        if page + 1 < pages:
            nav.button(text=t("nav-next"), callback_data=BuildingPageCb(page=page + 1))
        builder.attach(nav)
    elif buildings:
        more = InlineKeyboardBuilder()
        more.button(text=t("onboarding-building-all"), callback_data=BuildingPageCb(page=0))
        builder.attach(more)
    return builder.as_markup()


def residency_kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in ResidencyKind:
        builder.button(text=t(f"residency-{kind}"), callback_data=ResidencyKindCb(kind=kind))
    return builder.as_markup()


def profile_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("profile-add-apartment"), callback_data=ProfileCb(action="add_apartment"))
    return builder.as_markup()
