"""A resident sends the document photo a manager asked for."""

from __future__ import annotations

from typing import Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import BoundTranslator
from bot.media_store import TelegramMediaStore
from domain.errors import NotAllowed
from domain.services.residents import attach_document
from fsm.callbacks import ResidencyDocumentCb
from fsm.states import ResidencyDocument
from handlers.common.actors import Transactions
from handlers.filters import Magic
from handlers.media import media_of


class DocumentsServices(Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def media_store(self) -> TelegramMediaStore: ...


router = Router(name="residency-documents")


@router.callback_query(ResidencyDocumentCb.filter())
async def on_send_document(
    query: CallbackQuery,
    callback_data: ResidencyDocumentCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DocumentsServices,
) -> None:
    async with services.uow() as uow:
        link = await uow.residents.get_link(callback_data.link_id)
    if link is None or link.user_id != query.from_user.id:
        raise NotAllowed("error-not-available")
    await state.set_state(ResidencyDocument.photo)
    await state.update_data(link_id=link.id)
    if isinstance(query.message, Message):
        await query.message.answer(t("residency-document-ask"))


@router.message(StateFilter(ResidencyDocument.photo), Magic(F.photo | F.document))
async def on_document(
    message: Message, state: FSMContext, t: BoundTranslator, services: DocumentsServices
) -> None:
    assert message.from_user is not None
    media = media_of(message)
    assert media is not None  # the filter let only photos and documents through
    kept = await services.media_store.keep(
        media, from_chat_id=message.chat.id, message_id=message.message_id
    )
    link_id = (await state.get_data())["link_id"]
    async with services.uow() as uow:
        await attach_document(uow, message.from_user.id, link_id, kept)
    await state.clear()
    await message.answer(t("residency-document-received"))


@router.message(StateFilter(ResidencyDocument.photo))
async def on_document_wrong(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("residency-document-hint"))
