"""Accepting a staff invite: ``/start inv-…`` from a ``t.me/<bot>?start=<code>`` link.

A newcomer chooses the language first; the code waits in FSM data
(``InviteAcceptance.language``) and is applied right after the choice. Valid:
the roles, specializations and buildings are granted and the person lands in
their (staff) menu. Unknown, expired or used: a clear message, nothing changes,
and the person lands where ``/start`` would take them.
"""

from __future__ import annotations

import logging
from typing import Protocol

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.commands import CommandsMenu
from bot.i18n import BoundTranslator, Translator
from bot.services import ProfileCache
from bot.settings import Settings
from domain.enums import Role
from domain.errors import DomainError
from domain.services.staff import (
    AcceptedInvite,
    accept_invite,
    is_invite_code,
    sorted_specializations,
)
from domain.services.users import TelegramIdentity, UserProfile, choose_language
from fsm.callbacks import LanguageCb
from fsm.staff import InviteAcceptance
from handlers.common.actors import Timekeeping, Transactions
from handlers.common.keyboards import language_keyboard
from handlers.common.start import open_home
from handlers.errors import render_error
from handlers.filters import Magic


class InvitesServices(Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def commands(self) -> CommandsMenu: ...
    @property
    def profiles(self) -> ProfileCache: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def translator(self) -> Translator: ...


log = logging.getLogger(__name__)
router = Router(name="invites")
router.message.filter(Magic(F.chat.type == "private"))


@router.message(CommandStart(deep_link=True, magic=F.args.func(is_invite_code)))
async def on_invite_link(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: BoundTranslator,
    profile: UserProfile | None,
    services: InvitesServices,
) -> None:
    assert message.from_user is not None
    await state.clear()
    code = command.args or ""
    if profile is None or profile.language is None:
        await state.set_state(InviteAcceptance.language)
        await state.update_data(invite_code=code)
        await message.answer(t("start-choose-language"), reply_markup=language_keyboard())
        return
    await _apply(message, state, t, services, message.from_user.id, code)


@router.callback_query(StateFilter(InviteAcceptance.language), LanguageCb.filter())
async def on_language_then_invite(
    query: CallbackQuery,
    callback_data: LanguageCb,
    state: FSMContext,
    services: InvitesServices,
    callback_answer: CallbackAnswer,
) -> None:
    code = str((await state.get_data()).get("invite_code") or "")
    await state.clear()
    tg = query.from_user
    identity = TelegramIdentity(tg.id, tg.first_name, tg.last_name, tg.username)
    async with services.uow() as uow:
        await choose_language(uow, identity, callback_data.code, services.settings.admin_ids)
    services.profiles.forget(tg.id)
    t = services.translator.bind(callback_data.code)
    callback_answer.text = t("language-changed")
    if isinstance(query.message, Message):
        await query.message.edit_text(t("language-changed"))
        await _apply(query.message, state, t, services, tg.id, code)


def _welcome(t: BoundTranslator, accepted: AcceptedInvite) -> str:
    invite, person = accepted.invite, accepted.person
    lines = [t("staff-invite-welcome", role=t(f"role-{invite.role}"))]
    if invite.role is Role.EXECUTOR and person.specializations:
        names = ", ".join(
            t(f"specialization-{s}") for s in sorted_specializations(person.specializations)
        )
        lines.append(t("staff-invite-specializations", specializations=names))
    if person.buildings and invite.role is not Role.ADMIN:
        addresses = "; ".join(b.address for b in person.buildings)
        lines.append(t("staff-invite-buildings", buildings=addresses))
    return "\n".join(lines)


async def _apply(
    message: Message,
    state: FSMContext,
    t: BoundTranslator,
    services: InvitesServices,
    user_id: int,
    code: str,
) -> None:
    accepted: AcceptedInvite | None = None
    try:
        async with services.uow() as uow:
            accepted = await accept_invite(uow, user_id, code, services.clock.now())
    except DomainError as error:
        await message.answer(render_error(t, error))
    else:
        await message.answer(_welcome(t, accepted))
    services.profiles.forget(user_id)
    profile = await services.profiles.get_profile(user_id)
    if profile is None:  # the language is chosen before an invite is applied
        return
    if message.bot is not None:
        try:
            await services.commands.refresh_for(message.bot, profile)
        except TelegramAPIError as error:
            log.warning("command menu not refreshed", extra={"error": str(error)})
    await open_home(message, state, t, profile)
