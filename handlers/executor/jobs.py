"""Executor: job cards, my jobs, the pool, duty, and the work steps.

Thin handlers: each loads the actor, calls one use case of
``domain.services.jobs`` / ``domain.services.requests`` and renders the result.
Button data carries ids only; the use cases re-check on every press that the
executor may act on the request (a forged or stale button gets "not
available" / "not possible"). Callback queries are answered by
``CallbackAnswerMiddleware`` (handlers only set ``callback_answer.text``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.services import ProfileCache
from bot.settings import Settings
from domain.access import Actor
from domain.enums import Action
from domain.errors import DomainError
from domain.services.jobs import (
    ask_clarification,
    claim_job,
    complete_job,
    decline_job,
    list_jobs,
    list_pool,
    pause_for_materials,
    set_duty,
    start_job,
)
from domain.services.requests import (
    MAX_FILES_PER_COMMENT,
    check_action,
    open_card,
    perform_action,
)
from domain.services.residents import StoredMedia
from domain.sla import BusinessCalendar
from fsm.executor import DutyCb, JobCb, JobEtaCb, JobFlow, JobListCb, PoolListCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting
from handlers.common.files_step import FilesStep
from handlers.common.reason_step import ReasonStep, end_prompt_unless_retryable
from handlers.common.screens import show
from handlers.executor.jobs_keyboards import (
    abort_keyboard,
    eta_keyboard,
    job_keyboard,
    jobs_keyboard,
    photos_keyboard,
    pool_keyboard,
)
from handlers.executor.jobs_views import render_job, render_jobs, render_pool
from handlers.filters import Magic, MenuButton


class JobsServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def profiles(self) -> ProfileCache: ...
    @property
    def settings(self) -> Settings: ...


router = Router(name="jobs")
router.message.filter(Magic(F.chat.type == "private"))

_OWN_STATES = frozenset(state.state for state in JobFlow.__all_states__)


@lru_cache(maxsize=8)
def _calendar(timezone: str) -> BusinessCalendar:
    return BusinessCalendar(tz=ZoneInfo(timezone))


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() in _OWN_STATES:
        await state.clear()


async def _job_view(
    services: JobsServices, t: BoundTranslator, actor: Actor, request_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    now = services.clock.now()
    calendar = _calendar(services.settings.timezone)
    async with services.reader() as uow:
        card = await open_card(uow, actor, request_id, now)
        claim_enabled = (await uow.settings.load()).pool_claim_enabled
    text = render_job(t, card, tz=calendar.tz, now=now)
    return text, job_keyboard(t, card, claim_enabled=claim_enabled)


async def _jobs_view(
    services: JobsServices, t: BoundTranslator, actor: Actor, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        jobs = await list_jobs(uow, actor, page=page)
    tz = _calendar(services.settings.timezone).tz
    return render_jobs(t, jobs), jobs_keyboard(t, jobs, tz=tz, now=services.clock.now())


async def _pool_view(
    services: JobsServices, t: BoundTranslator, actor: Actor, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        pool = await list_pool(uow, actor, page=page)
    return render_pool(t, pool), pool_keyboard(t, pool)


# --------------------------------------------------------------------------- lists


@router.message(Command("jobs"))
@router.message(MenuButton("menu-my-jobs"))
async def on_my_jobs(
    message: Message, state: FSMContext, t: BoundTranslator, services: JobsServices
) -> None:
    assert message.from_user is not None
    await _leave_own_state(state)
    actor = await acting(services, message.from_user.id)
    text, markup = await _jobs_view(services, t, actor)
    await message.answer(text, reply_markup=markup)


@router.callback_query(JobListCb.filter())
async def on_jobs_page(
    query: CallbackQuery,
    callback_data: JobListCb,
    state: FSMContext,
    t: BoundTranslator,
    services: JobsServices,
) -> None:
    await _leave_own_state(state)
    actor = await acting(services, query.from_user.id)
    text, markup = await _jobs_view(services, t, actor, callback_data.page)
    await show(query, text, markup)


@router.message(Command("pool"))
@router.message(MenuButton("menu-pool"))
async def on_pool(
    message: Message, state: FSMContext, t: BoundTranslator, services: JobsServices
) -> None:
    assert message.from_user is not None
    await _leave_own_state(state)
    actor = await acting(services, message.from_user.id)
    text, markup = await _pool_view(services, t, actor)
    await message.answer(text, reply_markup=markup)


@router.callback_query(PoolListCb.filter())
async def on_pool_page(
    query: CallbackQuery,
    callback_data: PoolListCb,
    state: FSMContext,
    t: BoundTranslator,
    services: JobsServices,
) -> None:
    await _leave_own_state(state)
    actor = await acting(services, query.from_user.id)
    text, markup = await _pool_view(services, t, actor, callback_data.page)
    await show(query, text, markup)


@router.callback_query(DutyCb.filter())
async def on_duty(
    query: CallbackQuery,
    callback_data: DutyCb,
    t: BoundTranslator,
    services: JobsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        on_duty = await set_duty(uow, actor, callback_data.on)
    services.profiles.forget(actor.user_id)
    callback_answer.text = t("job-duty-now-on" if on_duty else "job-duty-now-off")
    actor = await acting(services, query.from_user.id)
    text, markup = await _jobs_view(services, t, actor)
    await show(query, text, markup)


# --------------------------------------------------------------------------- the card


@router.callback_query(JobCb.filter(F.action == "open"))
async def on_open(
    query: CallbackQuery, callback_data: JobCb, t: BoundTranslator, services: JobsServices
) -> None:
    actor = await acting(services, query.from_user.id)
    text, markup = await _job_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup)


@router.callback_query(JobCb.filter(F.action == "abort"))
async def on_abort(
    query: CallbackQuery,
    callback_data: JobCb,
    state: FSMContext,
    t: BoundTranslator,
    services: JobsServices,
    callback_answer: CallbackAnswer,
) -> None:
    await _leave_own_state(state)
    callback_answer.text = t("job-nothing-changed")
    actor = await acting(services, query.from_user.id)
    text, markup = await _job_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup)


# One-tap buttons of the job card: the lifecycle step and the confirmation shown.
ONE_TAP: dict[str, tuple[Action, str]] = {
    "accept": (Action.ACCEPT, "job-accepted"),
    "claim": (Action.CLAIM, "job-claimed"),
    "materials": (Action.HOLD, "job-paused"),
    "resume": (Action.RESUME, "job-resumed"),
}


@router.callback_query(JobCb.filter(F.action.in_(ONE_TAP)))
async def on_one_tap(
    query: CallbackQuery,
    callback_data: JobCb,
    t: BoundTranslator,
    services: JobsServices,
    callback_answer: CallbackAnswer,
) -> None:
    """One button, one lifecycle step; the card is redrawn."""
    action, done_key = ONE_TAP[callback_data.action]
    actor = await acting(services, query.from_user.id)
    request_id, now = callback_data.request_id, services.clock.now()
    async with services.uow() as uow:
        if action is Action.CLAIM:
            transition = await claim_job(uow, actor, request_id, now)
        elif action is Action.HOLD:
            transition = await pause_for_materials(uow, actor, request_id, now)
        else:
            transition = await perform_action(uow, actor, request_id, action, now)
    callback_answer.text = t(done_key, number=transition.new.number)
    text, markup = await _job_view(services, t, actor, request_id)
    await show(query, text, markup)


# --------------------------------------------------------------------------- start


@router.callback_query(JobCb.filter(F.action == "start"))
async def on_start(
    query: CallbackQuery, callback_data: JobCb, t: BoundTranslator, services: JobsServices
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, Action.START)
    await show(
        query, t("job-ask-eta", number=request.number), eta_keyboard(t, request.id), edit=False
    )


@router.callback_query(JobEtaCb.filter())
async def on_eta(
    query: CallbackQuery,
    callback_data: JobEtaCb,
    t: BoundTranslator,
    services: JobsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    eta = callback_data.minutes or None
    async with services.uow() as uow:
        transition = await start_job(
            uow, actor, callback_data.request_id, services.clock.now(), eta_minutes=eta
        )
    number = transition.new.number
    callback_answer.text = (
        t("job-started-eta", number=number, minutes=eta) if eta else t("job-started", number=number)
    )
    text, markup = await _job_view(services, t, actor, callback_data.request_id)
    await show(query, text, markup)


# --------------------------------------------------------------------------- decline


_decline_step: ReasonStep[JobsServices] = ReasonStep(
    state=JobFlow.decline_reason,
    action=Action.DECLINE,
    ask="job-ask-decline-reason",
    hint="job-reason-hint",
    done="job-declined",
    act=decline_job,
    actor=acting,
    abort_keyboard=abort_keyboard,
)
_decline_step.register(router, JobCb.filter(F.action == "decline"))


# --------------------------------------------------------------------------- clarification


_question_step: ReasonStep[JobsServices] = ReasonStep(
    state=JobFlow.question,
    action=Action.HOLD,
    ask="job-ask-question",
    hint="job-question-hint",
    done="job-question-sent",
    act=ask_clarification,
    actor=acting,
    abort_keyboard=abort_keyboard,
    then_show=_job_view,
)
_question_step.register(router, JobCb.filter(F.action == "ask"))


# --------------------------------------------------------------------------- complete


@router.callback_query(JobCb.filter(F.action == "complete"))
async def on_complete(
    query: CallbackQuery,
    callback_data: JobCb,
    state: FSMContext,
    t: BoundTranslator,
    services: JobsServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, Action.COMPLETE)
    await state.set_state(JobFlow.photos)
    await state.set_data({"request_id": request.id, "files": [], "group": None})
    await show(
        query,
        t("job-ask-photos", number=request.number, max=MAX_FILES_PER_COMMENT),
        photos_keyboard(t, request.id),
        edit=False,
    )


FilesStep(
    state=JobFlow.photos,
    received="job-photo-received",
    limit="job-photos-limit",
    hint="job-photos-hint",
    keyboard=photos_keyboard,
).register(router)


@router.callback_query(JobCb.filter(F.action == "photos_done"))
async def on_photos_done(
    query: CallbackQuery,
    callback_data: JobCb,
    state: FSMContext,
    t: BoundTranslator,
    services: JobsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting(services, query.from_user.id)
    data = await state.get_data()
    collecting = (
        await state.get_state() == JobFlow.photos.state
        and data.get("request_id") == callback_data.request_id
    )
    files = list(data.get("files") or []) if collecting else []
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, Action.COMPLETE)
    if not files:
        await state.set_state(JobFlow.photos)
        await state.set_data({"request_id": request.id, "files": [], "group": None})
        callback_answer.text = t("job-photos-none")
        callback_answer.show_alert = True
        return
    await state.set_state(JobFlow.comment)
    await state.set_data({"request_id": request.id, "files": files})
    await show(
        query,
        t("job-ask-comment", number=request.number, count=len(files)),
        abort_keyboard(t, request.id),
        edit=False,
    )


@router.message(StateFilter(JobFlow.comment), Magic(F.text))
async def on_completion_comment(
    message: Message, state: FSMContext, t: BoundTranslator, services: JobsServices
) -> None:
    assert message.from_user is not None
    actor = await acting(services, message.from_user.id)
    data = await state.get_data()
    request_id = int(data["request_id"])
    files = [StoredMedia(**item) for item in data.get("files") or []]
    try:
        async with services.uow() as uow:
            transition = await complete_job(
                uow,
                actor,
                request_id,
                services.clock.now(),
                media=files,
                comment=message.text,
            )
    except DomainError as error:
        await end_prompt_unless_retryable(state, error)
        raise
    await state.clear()
    await message.answer(t("job-completed", number=transition.new.number, count=len(files)))


@router.message(StateFilter(JobFlow.comment))
async def on_completion_comment_wrong(
    message: Message, state: FSMContext, t: BoundTranslator
) -> None:
    request_id = int((await state.get_data())["request_id"])
    await message.answer(t("job-comment-hint"), reply_markup=abort_keyboard(t, request_id))
