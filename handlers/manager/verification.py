"""Verification of residents' apartments: approve, reject with a reason, ask for a document."""

from __future__ import annotations

from typing import Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.services import ProfileCache
from domain.services.residents import (
    approve_residency,
    open_verification,
    reject_residency,
    request_document,
)
from fsm.callbacks import VerificationCb
from fsm.states import VerificationReject
from handlers.common.actors import ActorSource, Transactions, acting
from handlers.filters import Magic


class VerificationServices(ActorSource, Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def profiles(self) -> ProfileCache: ...


router = Router(name="verification")


async def _mark_card(query: CallbackQuery, text: str) -> None:
    """The card keeps its facts and shows the decision instead of the buttons."""
    if isinstance(query.message, Message):
        original = query.message.text or query.message.caption or ""
        if query.message.text is not None:
            await query.message.edit_text(f"{original}\n\n{text}")
        else:
            await query.message.edit_caption(caption=f"{original}\n\n{text}")


@router.callback_query(VerificationCb.filter(F.action == "approve"))
async def on_approve(
    query: CallbackQuery,
    callback_data: VerificationCb,
    t: BoundTranslator,
    services: VerificationServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        link = await approve_residency(uow, actor, callback_data.link_id)
    services.profiles.forget(link.user_id)
    callback_answer.text = t("verify-approved-short")
    await _mark_card(query, t("verify-approved", apartment=link.apartment_number))


@router.callback_query(VerificationCb.filter(F.action == "doc"))
async def on_ask_document(
    query: CallbackQuery,
    callback_data: VerificationCb,
    t: BoundTranslator,
    services: VerificationServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        await request_document(uow, actor, callback_data.link_id)
    callback_answer.text = t("verify-document-asked")
    await _mark_card(query, t("verify-document-asked"))


@router.callback_query(VerificationCb.filter(F.action == "reject"))
async def on_reject(
    query: CallbackQuery,
    callback_data: VerificationCb,
    state: FSMContext,
    t: BoundTranslator,
    services: VerificationServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        link = await open_verification(uow, actor, callback_data.link_id)
    await state.set_state(VerificationReject.reason)
    await state.update_data(link_id=link.id)
    if isinstance(query.message, Message):
        await query.message.answer(t("verify-ask-reason", apartment=link.apartment_number))


@router.message(StateFilter(VerificationReject.reason), Magic(F.text))
async def on_reject_reason(
    message: Message, state: FSMContext, t: BoundTranslator, services: VerificationServices
) -> None:
    assert message.from_user is not None
    actor = await acting(services, message.from_user.id)
    link_id = (await state.get_data())["link_id"]
    async with services.uow() as uow:
        link = await reject_residency(uow, actor, link_id, message.text or "")
    await state.clear()
    await message.answer(t("verify-rejected", apartment=link.apartment_number))


@router.message(StateFilter(VerificationReject.reason))
async def on_reject_reason_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("verify-reason-hint"))
