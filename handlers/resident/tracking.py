"""Resident: my requests, the request card, closing the loop.

Thin handlers: each loads the actor, calls one use case of
``domain.services.requests`` and renders the result. Button data carries ids
only; the use cases re-check on every press that the user may see and act on
the request (a forged or stale button gets "not available" / "not possible").
Callback queries are answered by ``CallbackAnswerMiddleware`` (handlers only
set ``callback_answer.text``).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.settings import Settings
from domain.access import Actor
from domain.enums import Action
from domain.errors import DomainError, MissingField
from domain.lifecycle import Transition
from domain.services.requests import (
    MAX_FILES_PER_COMMENT,
    RequestsUnitOfWork,
    add_comment,
    check_action,
    check_comment,
    list_requests,
    open_card,
    perform_action,
)
from domain.services.residents import StoredMedia
from domain.sla import BusinessCalendar
from fsm.tracking import (
    CloseLoopCb,
    Closing,
    RateCb,
    RateSkipCb,
    TrackCb,
    Tracking,
    TrackListCb,
    TrackOpenCb,
)
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting
from handlers.common.files_step import FilesStep
from handlers.common.reason_step import ReasonStep, end_prompt_unless_retryable
from handlers.common.screens import show
from handlers.filters import Magic, MenuButton
from handlers.resident.tracking_keyboards import (
    abort_keyboard,
    card_keyboard,
    list_keyboard,
    photos_keyboard,
    skip_keyboard,
    stars_keyboard,
)
from handlers.resident.tracking_views import render_card, render_list


class TrackingServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def settings(self) -> Settings: ...


router = Router(name="tracking")
router.message.filter(Magic(F.chat.type == "private"))

_OWN_STATES = frozenset(
    state.state for group in (Tracking, Closing) for state in group.__all_states__
)


@lru_cache(maxsize=8)
def _calendar(timezone: str) -> BusinessCalendar:
    return BusinessCalendar(tz=ZoneInfo(timezone))


async def _leave_own_state(state: FSMContext) -> None:
    """Drops a tracking prompt; another feature's conversation (a filing draft) is kept."""
    if await state.get_state() in _OWN_STATES:
        await state.clear()


async def _card_view(
    services: TrackingServices,
    t: BoundTranslator,
    actor: Actor,
    request_id: int,
    back: TrackListCb | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    now = services.clock.now()
    calendar = _calendar(services.settings.timezone)
    async with services.reader() as uow:
        card = await open_card(uow, actor, request_id, now)
    if back is None:
        back = TrackListCb(archive=not card.can_comment, page=0)
    text = render_card(t, card, viewer_id=actor.user_id, tz=calendar.tz, now=now)
    return text, card_keyboard(t, card, back)


# --------------------------------------------------------------------------- lists


@router.message(Command("my"))
@router.message(MenuButton("menu-my-requests"))
async def on_my_requests(
    message: Message, state: FSMContext, t: BoundTranslator, services: TrackingServices
) -> None:
    assert message.from_user is not None
    await _leave_own_state(state)
    async with services.reader() as uow:
        page = await list_requests(uow, message.from_user.id, archive=False)
    await message.answer(render_list(t, page), reply_markup=list_keyboard(t, page))


@router.callback_query(TrackListCb.filter())
async def on_list_page(
    query: CallbackQuery,
    callback_data: TrackListCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    await _leave_own_state(state)
    async with services.reader() as uow:
        page = await list_requests(
            uow, query.from_user.id, archive=callback_data.archive, page=callback_data.page
        )
    await show(query, render_list(t, page), list_keyboard(t, page))


# --------------------------------------------------------------------------- the card


@router.callback_query(TrackOpenCb.filter())
async def on_open_from_list(
    query: CallbackQuery, callback_data: TrackOpenCb, t: BoundTranslator, services: TrackingServices
) -> None:
    actor = await acting(services, query.from_user.id)
    back = TrackListCb(archive=callback_data.archive, page=callback_data.page)
    text, markup = await _card_view(services, t, actor, callback_data.request_id, back)
    await show(query, text, markup)


@router.callback_query(TrackCb.filter(F.action == "open"))
async def on_open(
    query: CallbackQuery, callback_data: TrackCb, t: BoundTranslator, services: TrackingServices
) -> None:
    """From a notification: the card comes as a new message below it."""
    actor = await acting(services, query.from_user.id)
    text, markup = await _card_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup, edit=False)


@router.callback_query(TrackCb.filter(F.action == "abort"))
async def on_abort(
    query: CallbackQuery,
    callback_data: TrackCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
    callback_answer: CallbackAnswer,
) -> None:
    await _leave_own_state(state)
    callback_answer.text = t("tracking-nothing-changed")
    actor = await acting(services, query.from_user.id)
    text, markup = await _card_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup)


# --------------------------------------------------------------------------- comments


@router.callback_query(TrackCb.filter(F.action == "comment"))
async def on_comment(
    query: CallbackQuery,
    callback_data: TrackCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_comment(uow, actor, callback_data.request_id)
    await state.set_state(Tracking.comment)
    await state.set_data({"request_id": request.id})
    await show(
        query,
        t("tracking-ask-comment", number=request.number),
        abort_keyboard(t, request.id),
        edit=False,
    )


@router.message(StateFilter(Tracking.comment), Magic(F.text))
async def on_comment_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: TrackingServices
) -> None:
    assert message.from_user is not None
    actor = await acting(services, message.from_user.id)
    request_id = int((await state.get_data())["request_id"])
    try:
        async with services.uow() as uow:
            result = await add_comment(
                uow, actor, request_id, services.clock.now(), text=message.text
            )
    except DomainError as error:
        await end_prompt_unless_retryable(state, error)
        raise
    await state.clear()
    await message.answer(t("tracking-comment-sent", number=result.number))
    text, markup = await _card_view(services, t, actor, request_id)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(Tracking.comment))
async def on_comment_wrong(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    request_id = int((await state.get_data())["request_id"])
    await message.answer(t("tracking-comment-hint"), reply_markup=abort_keyboard(t, request_id))


# --------------------------------------------------------------------------- photos


@router.callback_query(TrackCb.filter(F.action == "photos"))
async def on_photos(
    query: CallbackQuery,
    callback_data: TrackCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_comment(uow, actor, callback_data.request_id)
    await state.set_state(Tracking.photos)
    await state.set_data({"request_id": request.id, "files": [], "group": None})
    await show(
        query,
        t("tracking-ask-photos", number=request.number, max=MAX_FILES_PER_COMMENT),
        photos_keyboard(t, request.id),
        edit=False,
    )


FilesStep(
    state=Tracking.photos,
    received="tracking-photo-received",
    limit="tracking-photos-limit",
    hint="tracking-photos-hint",
    keyboard=photos_keyboard,
).register(router)


@router.callback_query(TrackCb.filter(F.action == "photos_done"))
async def on_photos_done(
    query: CallbackQuery,
    callback_data: TrackCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    data = await state.get_data()
    collecting = (
        await state.get_state() == Tracking.photos.state
        and data.get("request_id") == callback_data.request_id
    )
    files = [StoredMedia(**item) for item in data.get("files") or []] if collecting else []
    if not files:
        async with services.reader() as uow:
            request = await check_comment(uow, actor, callback_data.request_id)
        await state.set_state(Tracking.photos)
        await state.set_data({"request_id": request.id, "files": [], "group": None})
        callback_answer.text = t("tracking-photos-none")
        callback_answer.show_alert = True
        return
    try:
        async with services.uow() as uow:
            result = await add_comment(
                uow, actor, callback_data.request_id, services.clock.now(), media=files
            )
    except DomainError:
        await state.clear()
        raise
    await state.clear()
    sent = t("tracking-photos-sent", number=result.number, count=result.files)
    callback_answer.text = sent
    await show(query, sent, None)
    text, markup = await _card_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup, edit=False)


# --------------------------------------------------------------------------- cancel


async def _cancel(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, now: datetime, text: str
) -> Transition:
    return await perform_action(uow, actor, request_id, Action.CANCEL, now, reason=text)


async def _return_work(
    uow: RequestsUnitOfWork, actor: Actor, request_id: int, now: datetime, text: str
) -> Transition:
    return await perform_action(uow, actor, request_id, Action.RETURN_WORK, now, reason=text)


async def _card(
    services: TrackingServices, t: BoundTranslator, actor: Actor, request_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    return await _card_view(services, t, actor, request_id)


_cancel_step: ReasonStep[TrackingServices] = ReasonStep(
    state=Tracking.cancel_reason,
    action=Action.CANCEL,
    ask="tracking-ask-cancel-reason",
    hint="tracking-reason-hint",
    done="tracking-cancelled",
    act=_cancel,
    actor=acting,
    abort_keyboard=abort_keyboard,
    then_show=_card,
)
_cancel_step.register(router, TrackCb.filter(F.action == "cancel"))


# --------------------------------------------------------------------------- closing the loop


@router.callback_query(CloseLoopCb.filter(F.action == "accept"))
async def on_accept_work(
    query: CallbackQuery,
    callback_data: CloseLoopCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, Action.ACCEPT_WORK)
    await _leave_own_state(state)
    await show(
        query,
        t("tracking-ask-rating", number=request.number),
        stars_keyboard(t, request.id),
        edit=False,
    )


@router.callback_query(RateCb.filter())
async def on_rate(
    query: CallbackQuery,
    callback_data: RateCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    if not 1 <= callback_data.stars <= 5:
        raise MissingField("rating")
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, Action.ACCEPT_WORK)
    await state.set_state(Closing.feedback)
    await state.set_data({"request_id": request.id, "stars": callback_data.stars})
    await show(
        query,
        t("tracking-ask-feedback", stars=callback_data.stars),
        skip_keyboard(t, request.id, callback_data.stars),
    )


async def _accept(
    services: TrackingServices, actor: Actor, request_id: int, stars: int, text: str | None
) -> tuple[str, int]:
    async with services.uow() as uow:
        transition = await perform_action(
            uow,
            actor,
            request_id,
            Action.ACCEPT_WORK,
            services.clock.now(),
            rating=stars,
            comment=text,
        )
    return transition.new.number, stars


def _thanks(t: BoundTranslator, number: str, stars: int) -> str:
    key = "tracking-accepted-low" if stars <= 2 else "tracking-accepted"
    return t(key, number=number, stars=stars)


@router.message(StateFilter(Closing.feedback), Magic(F.text))
async def on_feedback(
    message: Message, state: FSMContext, t: BoundTranslator, services: TrackingServices
) -> None:
    assert message.from_user is not None
    actor = await acting(services, message.from_user.id)
    data = await state.get_data()
    try:
        number, stars = await _accept(
            services, actor, int(data["request_id"]), int(data["stars"]), message.text
        )
    except DomainError as error:
        await end_prompt_unless_retryable(state, error)
        raise
    await state.clear()
    await message.answer(_thanks(t, number, stars))


@router.message(StateFilter(Closing.feedback))
async def on_feedback_wrong(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    data = await state.get_data()
    await message.answer(
        t("tracking-feedback-hint"),
        reply_markup=skip_keyboard(t, int(data["request_id"]), int(data["stars"])),
    )


@router.callback_query(RateSkipCb.filter())
async def on_feedback_skip(
    query: CallbackQuery,
    callback_data: RateSkipCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TrackingServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    number, stars = await _accept(
        services, actor, callback_data.request_id, callback_data.stars, None
    )
    await _leave_own_state(state)
    await show(query, _thanks(t, number, stars), None)


_return_step: ReasonStep[TrackingServices] = ReasonStep(
    state=Closing.return_reason,
    action=Action.RETURN_WORK,
    ask="tracking-ask-return-reason",
    hint="tracking-reason-hint",
    done="tracking-returned",
    act=_return_work,
    actor=acting,
    abort_keyboard=abort_keyboard,
    then_show=_card,
)
_return_step.register(router, CloseLoopCb.filter(F.action == "return"))
