"""Collecting files before an action (the executor's "after" photos, a resident's photos
on a request): every file is stored and acknowledged until the limit, anything else gets
a hint with the keyboard that ends the step ("Done", "Cancel")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup, Message

from bot.i18n import BoundTranslator
from bot.media_store import TelegramMediaStore
from domain.services.requests import MAX_FILES_PER_COMMENT
from handlers.filters import Magic
from handlers.media import add_file_to_draft


class FilesStepServices(Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def media_store(self) -> TelegramMediaStore: ...


@dataclass(frozen=True, slots=True)
class FilesStep:
    state: State
    received: str
    """Message key acknowledging a file (an album is acknowledged once)."""
    limit: str
    """Message key when the limit is reached (takes ``max``)."""
    hint: str
    """Message key for anything but a file."""
    keyboard: Callable[[BoundTranslator, int], InlineKeyboardMarkup]

    def register(self, router: Router) -> None:
        router.message(StateFilter(self.state), Magic(F.photo | F.video | F.document))(self.on_file)
        router.message(StateFilter(self.state))(self.on_other)

    async def on_file(
        self, message: Message, state: FSMContext, t: BoundTranslator, services: FilesStepServices
    ) -> None:
        request_id = int((await state.get_data())["request_id"])
        acknowledge = await add_file_to_draft(
            message, state, services.media_store, MAX_FILES_PER_COMMENT
        )
        if acknowledge is None:
            text = t(self.limit, max=MAX_FILES_PER_COMMENT)
        elif acknowledge:
            text = t(self.received)
        else:
            return
        await message.answer(text, reply_markup=self.keyboard(t, request_id))

    async def on_other(self, message: Message, state: FSMContext, t: BoundTranslator) -> None:
        request_id = int((await state.get_data())["request_id"])
        await message.answer(t(self.hint), reply_markup=self.keyboard(t, request_id))
