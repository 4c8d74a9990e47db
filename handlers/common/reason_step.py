"""Ask for a reason, then act: one step for every flow that needs a text before a change
(an executor declines or asks a question, a resident cancels or returns the work).

A press that may start the action asks for the text and remembers the request; the
text does the action; anything else gets a hint with the way out. Bad text (too long,
empty) keeps the prompt so the person types again; any other refusal ends it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.i18n import BoundTranslator
from domain.access import Actor
from domain.enums import Action
from domain.errors import DomainError, MissingField, ValidationFailed
from domain.lifecycle import Transition
from domain.services.requests import RequestsUnitOfWork, check_action
from handlers.common.actors import Timekeeping, Transactions
from handlers.common.screens import show
from handlers.filters import Magic


class ReasonStepServices(Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


ActWithText = Callable[[RequestsUnitOfWork, Actor, int, datetime, str], Awaitable[Transition]]
"""Does the action with the text: (unit of work, actor, request id, now, text)."""
S = TypeVar("S", bound=ReasonStepServices)
"""The services of the router the step is on (what its ``actor`` and view need too)."""


async def end_prompt_unless_retryable(state: FSMContext, error: DomainError) -> None:
    """Bad input keeps the prompt (the person types again); anything else ends it."""
    retryable = isinstance(error, MissingField | ValidationFailed)
    if not retryable or error.key == "error-request-finished":
        await state.clear()


@dataclass(frozen=True, slots=True)
class ReasonStep(Generic[S]):
    state: State
    action: Action
    """Checked before asking: a stale button is refused before anyone types."""
    ask: str
    """Message key of the prompt (takes ``number``)."""
    hint: str
    """Message key for anything but text while the prompt is open."""
    done: str
    """Message key after the action (takes ``number``)."""
    act: ActWithText
    actor: Callable[[S, int], Awaitable[Actor]]
    abort_keyboard: Callable[[BoundTranslator, int], InlineKeyboardMarkup]
    then_show: (
        Callable[[S, BoundTranslator, Actor, int], Awaitable[tuple[str, InlineKeyboardMarkup]]]
        | None
    ) = None
    """The request's screen shown after ``done`` (the card, the job), if any."""

    def register(self, router: Router, press: Filter) -> None:
        """The press, the text and the hint handlers, in this order, on ``router``."""
        router.callback_query(press)(self.on_press)
        router.message(StateFilter(self.state), Magic(F.text))(self.on_text)
        router.message(StateFilter(self.state))(self.on_other)

    async def on_press(
        self,
        query: CallbackQuery,
        callback_data: CallbackData,
        state: FSMContext,
        t: BoundTranslator,
        services: S,
    ) -> None:
        actor = await self.actor(services, query.from_user.id)
        request_id: int = callback_data.request_id  # type: ignore[attr-defined]
        async with services.reader() as uow:
            request = await check_action(uow, actor, request_id, self.action)
        await state.set_state(self.state)
        await state.set_data({"request_id": request.id})
        prompt = t(self.ask, number=request.number)
        await show(query, prompt, self.abort_keyboard(t, request.id), edit=False)

    async def on_text(
        self, message: Message, state: FSMContext, t: BoundTranslator, services: S
    ) -> None:
        assert message.from_user is not None and message.text is not None
        actor = await self.actor(services, message.from_user.id)
        request_id = int((await state.get_data())["request_id"])
        try:
            async with services.uow() as uow:
                transition = await self.act(
                    uow, actor, request_id, services.clock.now(), message.text
                )
        except DomainError as error:
            await end_prompt_unless_retryable(state, error)
            raise
        await state.clear()
        await message.answer(t(self.done, number=transition.new.number))
        if self.then_show is not None:
            text, markup = await self.then_show(services, t, actor, request_id)
            await message.answer(text, reply_markup=markup)

    async def on_other(self, message: Message, state: FSMContext, t: BoundTranslator) -> None:
        request_id = int((await state.get_data())["request_id"])
        await message.answer(t(self.hint), reply_markup=self.abort_keyboard(t, request_id))
