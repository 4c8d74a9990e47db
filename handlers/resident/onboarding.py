"""Onboarding: phone → name → building → apartment → owner/tenant → verification."""

from __future__ import annotations

from typing import Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.services import ProfileCache
from domain.enums import ResidencyKind
from domain.ports import Geocoder
from domain.services.residents import (
    ApartmentInfo,
    check_apartment,
    clean_name,
    register_residency,
)
from domain.services.users import UserProfile
from fsm.callbacks import BuildingPageCb, BuildingPickCb, ProfileCb, ResidencyKindCb
from fsm.states import Onboarding
from handlers.common.actors import Transactions
from handlers.common.keyboards import main_menu
from handlers.filters import Magic
from handlers.resident.keyboards import (
    BUILDINGS_PER_PAGE,
    buildings_keyboard,
    name_keyboard,
    residency_kind_keyboard,
    share_location_keyboard,
    share_phone_keyboard,
)


class OnboardingServices(Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def geocoder(self) -> Geocoder: ...
    @property
    def profiles(self) -> ProfileCache: ...


router = Router(name="onboarding")
router.message.filter(Magic(F.chat.type == "private"))

NEAREST_LIMIT = 5
SEARCH_LIMIT = 10


async def begin_onboarding(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(Onboarding.phone)
    await _ask_phone(message, t)


async def repeat_onboarding_step(
    message: Message,
    user: User,
    state: FSMContext,
    t: BoundTranslator,
    services: OnboardingServices,
) -> None:
    """Asks the step the person is on again, in ``t``'s language (they have just chosen
    another): its keyboard, a share button especially, would stay in the old one.
    Nothing when they are not onboarding."""
    step = await state.get_state()
    if step == Onboarding.phone.state:
        await _ask_phone(message, t)
    elif step == Onboarding.name.state:
        await _ask_name(message, user, t)
    elif step == Onboarding.building.state:
        await ask_building(message, state, t, services)
    elif step == Onboarding.apartment.state:
        await _ask_apartment(message, t)
    elif step == Onboarding.kind.state:
        await _ask_kind(message, t, (await state.get_data()).get("apartment_number", ""))


async def _ask_phone(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-intro"), reply_markup=share_phone_keyboard(t))


async def _ask_name(message: Message, user: User, t: BoundTranslator) -> None:
    suggested = " ".join(p for p in (user.first_name, user.last_name) if p)
    await message.answer(t("onboarding-ask-name"), reply_markup=name_keyboard(suggested))


async def _ask_apartment(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-ask-apartment"), reply_markup=ReplyKeyboardRemove())


async def _ask_kind(message: Message, t: BoundTranslator, apartment: str) -> None:
    await message.answer(
        t("onboarding-ask-kind", apartment=apartment), reply_markup=residency_kind_keyboard(t)
    )


# --- phone -------------------------------------------------------------------


@router.message(StateFilter(Onboarding.phone), Magic(F.contact))
async def on_phone(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id != message.from_user.id:
        await message.answer(t("onboarding-phone-not-yours"), reply_markup=share_phone_keyboard(t))
        return
    await state.update_data(phone=contact.phone_number)
    await state.set_state(Onboarding.name)
    await _ask_name(message, message.from_user, t)


@router.message(StateFilter(Onboarding.phone))
async def on_phone_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-phone-hint"), reply_markup=share_phone_keyboard(t))


# --- name --------------------------------------------------------------------


@router.message(StateFilter(Onboarding.name), Magic(F.text))
async def on_name(
    message: Message, state: FSMContext, t: BoundTranslator, services: OnboardingServices
) -> None:
    name = clean_name(message.text or "")
    await state.update_data(name=name)
    await ask_building(message, state, t, services)


@router.message(StateFilter(Onboarding.name))
async def on_name_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-name-hint"))


# --- building ----------------------------------------------------------------


async def ask_building(
    message: Message, state: FSMContext, t: BoundTranslator, services: OnboardingServices
) -> None:
    await state.set_state(Onboarding.building)
    await message.answer(t("onboarding-ask-building"), reply_markup=share_location_keyboard(t))
    await _send_building_page(message, t, services, page=0)


async def _send_building_page(
    message: Message, t: BoundTranslator, services: OnboardingServices, page: int
) -> None:
    async with services.reader() as uow:
        total = await uow.directory.count_buildings()
        buildings = await uow.directory.list_buildings(
            page * BUILDINGS_PER_PAGE, BUILDINGS_PER_PAGE
        )
    if not buildings:
        await message.answer(t("onboarding-no-buildings"))
        return
    pages = max(1, -(-total // BUILDINGS_PER_PAGE))
    await message.answer(
        t("onboarding-building-page", page=page + 1, pages=pages),
        reply_markup=buildings_keyboard(t, buildings, page=page, total=total),
    )


@router.callback_query(StateFilter(Onboarding.building), BuildingPageCb.filter())
async def on_building_page(
    query: CallbackQuery,
    callback_data: BuildingPageCb,
    t: BoundTranslator,
    services: OnboardingServices,
) -> None:
    page = max(0, callback_data.page)
    async with services.reader() as uow:
        total = await uow.directory.count_buildings()
        buildings = await uow.directory.list_buildings(
            page * BUILDINGS_PER_PAGE, BUILDINGS_PER_PAGE
        )
    if isinstance(query.message, Message) and buildings:
        pages = max(1, -(-total // BUILDINGS_PER_PAGE))
        await query.message.edit_text(
            t("onboarding-building-page", page=page + 1, pages=pages),
            reply_markup=buildings_keyboard(t, buildings, page=page, total=total),
        )


@router.message(StateFilter(Onboarding.building), Magic(F.location))
async def on_building_location(
    message: Message, t: BoundTranslator, services: OnboardingServices
) -> None:
    location = message.location
    assert location is not None
    async with services.reader() as uow:
        nearest = await uow.directory.nearest_buildings(
            location.latitude, location.longitude, NEAREST_LIMIT
        )
    address = await services.geocoder.reverse(location.latitude, location.longitude)
    text = t("onboarding-location-address", address=address) + "\n" if address else ""
    if not nearest:
        await message.answer(text + t("onboarding-nothing-near"))
        return
    await message.answer(
        text + t("onboarding-nearest"), reply_markup=buildings_keyboard(t, nearest)
    )


@router.message(StateFilter(Onboarding.building), Magic(F.text))
async def on_building_search(
    message: Message, t: BoundTranslator, services: OnboardingServices
) -> None:
    async with services.reader() as uow:
        found = await uow.directory.search_buildings(message.text or "", SEARCH_LIMIT)
    if not found:
        await message.answer(t("onboarding-search-empty"))
        await _send_building_page(message, t, services, page=0)
        return
    await message.answer(t("onboarding-search-results"), reply_markup=buildings_keyboard(t, found))


@router.message(StateFilter(Onboarding.building))
async def on_building_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-building-hint"), reply_markup=share_location_keyboard(t))


@router.callback_query(StateFilter(Onboarding.building), BuildingPickCb.filter())
async def on_building_pick(
    query: CallbackQuery,
    callback_data: BuildingPickCb,
    state: FSMContext,
    t: BoundTranslator,
    services: OnboardingServices,
) -> None:
    async with services.reader() as uow:
        building = await uow.directory.get_building(callback_data.building_id)
    if building is None or not isinstance(query.message, Message):
        await query.answer(t("error-not-found"), show_alert=True)
        return
    await state.update_data(building_id=building.id, building_address=building.address)
    await state.set_state(Onboarding.apartment)
    await query.message.edit_text(t("onboarding-building-chosen", address=building.address))
    await _ask_apartment(query.message, t)


# --- apartment and kind ------------------------------------------------------


@router.message(StateFilter(Onboarding.apartment), Magic(F.text))
async def on_apartment(
    message: Message, state: FSMContext, t: BoundTranslator, services: OnboardingServices
) -> None:
    data = await state.get_data()
    async with services.reader() as uow:
        apartment: ApartmentInfo = await check_apartment(
            uow.directory, data["building_id"], message.text or ""
        )
    await state.update_data(apartment_number=apartment.number)
    await state.set_state(Onboarding.kind)
    await _ask_kind(message, t, apartment.number)


@router.message(StateFilter(Onboarding.apartment))
async def on_apartment_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-apartment-hint"))


@router.message(StateFilter(Onboarding.kind))
async def on_kind_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("onboarding-kind-hint"), reply_markup=residency_kind_keyboard(t))


@router.callback_query(StateFilter(Onboarding.kind), ResidencyKindCb.filter())
async def on_kind(
    query: CallbackQuery,
    callback_data: ResidencyKindCb,
    state: FSMContext,
    t: BoundTranslator,
    services: OnboardingServices,
    profile: UserProfile | None,
    callback_answer: CallbackAnswer,
) -> None:
    data = await state.get_data()
    async with services.uow() as uow:
        link = await register_residency(
            uow,
            user_id=query.from_user.id,
            phone=data["phone"],
            full_name=data["name"],
            building_id=data["building_id"],
            apartment_number=data["apartment_number"],
            kind=ResidencyKind(callback_data.kind),
        )
    services.profiles.forget(query.from_user.id)
    await state.clear()
    callback_answer.text = t("onboarding-submitted-short")
    if isinstance(query.message, Message):
        await query.message.edit_text(
            t(
                "onboarding-submitted",
                address=link.building_address,
                apartment=link.apartment_number,
            )
        )
        roles = profile.roles if profile else frozenset()
        await query.message.answer(t("menu-title"), reply_markup=main_menu(t, roles, resident=True))


@router.callback_query(ProfileCb.filter(F.action == "add_apartment"))
async def on_add_apartment(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: OnboardingServices,
    profile: UserProfile | None,
) -> None:
    if profile is None or not profile.phone or not isinstance(query.message, Message):
        if isinstance(query.message, Message):
            await begin_onboarding(query.message, state, t)
        return
    await state.update_data(phone=profile.phone, name=profile.display_name)
    await ask_building(query.message, state, t, services)
