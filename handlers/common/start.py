"""/start, language choice, main menu, /help, profile."""

from __future__ import annotations

from typing import Protocol

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import CommandsMenu
from bot.i18n import BoundTranslator, Translator
from bot.settings import Settings
from domain.enums import Role
from domain.services.users import TelegramIdentity, UserProfile, choose_language
from fsm.callbacks import LanguageCb
from handlers.common.keyboards import language_keyboard, main_menu
from handlers.filters import Magic, MenuButton
from handlers.resident.keyboards import profile_keyboard
from handlers.resident.onboarding import (
    OnboardingServices,
    begin_onboarding,
    repeat_onboarding_step,
)


class StartServices(OnboardingServices, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``. A language chosen mid-onboarding asks
    the step again, hence onboarding's."""

    @property
    def commands(self) -> CommandsMenu: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def translator(self) -> Translator: ...


router = Router(name="common")
router.message.filter(Magic(F.chat.type == "private"))


def _roles_text(t: BoundTranslator, roles: frozenset[Role]) -> str:
    shown = sorted(roles) or [Role.RESIDENT]
    return ", ".join(t(f"role-{role}") for role in shown)


async def show_menu(message: Message, t: BoundTranslator, profile: UserProfile) -> None:
    menu = main_menu(t, profile.roles, resident=profile.has_residency)
    await message.answer(t("menu-title"), reply_markup=menu)


async def open_home(
    message: Message, state: FSMContext, t: BoundTranslator, profile: UserProfile
) -> None:
    """Where a known user lands: onboarding until they are linked to a home, else the menu."""
    if profile.needs_onboarding:
        await begin_onboarding(message, state, t)
    else:
        await show_menu(message, t, profile)


@router.message(CommandStart())
async def on_start(
    message: Message, state: FSMContext, t: BoundTranslator, profile: UserProfile | None
) -> None:
    await state.clear()
    if profile is None or profile.language is None:
        await message.answer(t("start-choose-language"), reply_markup=language_keyboard())
        return
    await open_home(message, state, t, profile)


@router.message(Command("language"))
@router.message(MenuButton("menu-language"))
async def on_language_command(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("language-current"), reply_markup=language_keyboard())


@router.callback_query(LanguageCb.filter())
async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    state: FSMContext,
    services: StartServices,
    callback_answer: CallbackAnswer,
) -> None:
    tg = query.from_user
    identity = TelegramIdentity(tg.id, tg.first_name, tg.last_name, tg.username)
    async with services.uow() as uow:
        profile = await choose_language(
            uow, identity, callback_data.code, services.settings.admin_ids
        )
    services.profiles.forget(tg.id)
    t = services.translator.bind(callback_data.code)
    callback_answer.text = t("language-changed")
    if isinstance(query.message, Message):
        await query.message.edit_text(t("language-changed"))
        if await state.get_state() is None:
            await open_home(query.message, state, t, profile)
        else:
            await repeat_onboarding_step(query.message, query.from_user, state, t, services)
    await services.commands.refresh_for(query.bot, profile)  # type: ignore[arg-type]


@router.message(Command("help"))
@router.message(MenuButton("menu-help"))
async def on_help(message: Message, t: BoundTranslator, profile: UserProfile | None) -> None:
    text = t("help-text")
    if profile is not None and profile.is_staff:
        text += "\n\n" + t("help-staff", roles=_roles_text(t, profile.roles))
    await message.answer(text)


@router.message(MenuButton("menu-profile"))
async def on_profile(
    message: Message,
    state: FSMContext,
    t: BoundTranslator,
    profile: UserProfile | None,
    services: StartServices,
) -> None:
    if profile is None or profile.language is None:
        await message.answer(t("start-choose-language"), reply_markup=language_keyboard())
        return
    async with services.reader() as uow:
        links = await uow.residents.links_of(profile.id)
    lines = [
        t(
            "profile-apartment-line",
            address=link.building_address,
            apartment=link.apartment_number,
            kind=t(f"residency-{link.kind}"),
            state=t(f"verification-{link.verification}"),
        )
        for link in links
    ]
    text = t(
        "profile-text",
        name=profile.display_name,
        phone=profile.phone or t("profile-no-phone"),
        roles=_roles_text(t, profile.roles),
        apartments="\n".join(lines) if lines else t("profile-no-apartments"),
    )
    await message.answer(text, reply_markup=profile_keyboard(t))
