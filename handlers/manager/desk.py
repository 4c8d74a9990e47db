"""The manager's desk: panel, queues, search, the staff card and its actions.

Thin handlers: load the actor, call one use case (``domain.services.desk`` or
``domain.services.requests``), render. Every state change goes through
``perform_action``; button data carries ids only and every press re-checks
access (a forged or stale button gets "not available" / "not possible").
Presses in the staff chat (or on an inline result) open the card in the
presser's private chat. Callback queries are answered by the middleware.
An open follow up shows on the card with "Close the case", which asks for a
comment (``FollowUpInput``) and closes it through ``close_follow_up``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator, Translator
from bot.settings import Settings
from domain.access import NOT_AVAILABLE, Actor
from domain.enums import Action, Category, CommentVisibility, HoldReason, MediaPurpose, Urgency
from domain.errors import DomainError, MissingField, NotAllowed, ValidationFailed
from domain.services.deadlines import close_follow_up
from domain.services.desk import (
    Queue,
    executor_picker,
    link_duplicate,
    open_panel,
    picked_candidate,
    queue_page,
    search_requests,
)
from domain.services.incidents import open_incidents
from domain.services.requests import (
    add_comment,
    check_action,
    check_comment,
    open_card,
    perform_action,
)
from domain.services.templates import list_reject_templates, pick_reject_template
from domain.sla import BusinessCalendar
from fsm.desk import (
    DeskCb,
    DeskInput,
    DeskItemCb,
    DeskPanelCb,
    DeskPickCb,
    DeskPickPageCb,
    DeskQueueCb,
    DeskSetCb,
)
from fsm.escalation import FollowUpInput
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.filters import Magic, MenuButton
from handlers.manager.desk_keyboards import (
    FOLLOW_UP_ACTION,
    abort_keyboard,
    card_keyboard,
    choice_keyboard,
    panel_keyboard,
    picker_keyboard,
    queue_keyboard,
    reject_keyboard,
    results_keyboard,
    template_text,
)
from handlers.manager.desk_views import (
    reason_text,
    render_panel,
    render_picker,
    render_queue,
    render_search,
    render_staff_card,
)


class DeskServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def settings(self) -> Settings: ...
    @property
    def translator(self) -> Translator: ...


router = Router(name="desk")
router.message.filter(Magic(F.chat.type == "private"))

_INPUT_STATES = (*DeskInput.__all_states__, *FollowUpInput.__all_states__)
_OWN_STATES = frozenset(state.state for state in _INPUT_STATES)
_VISUAL = ("photo", "video")


@lru_cache(maxsize=8)
def _calendar(timezone: str) -> BusinessCalendar:
    return BusinessCalendar(tz=ZoneInfo(timezone))


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() in _OWN_STATES:
        await state.clear()


async def _clear_unless_retryable(state: FSMContext, error: DomainError) -> None:
    if not isinstance(error, MissingField | ValidationFailed) or error.key in (
        "error-request-finished",
        "error-unchanged",
    ):
        await state.clear()


def _private(query: CallbackQuery) -> Message | None:
    message = query.message
    if isinstance(message, Message) and message.chat.type == "private":
        return message
    return None


async def _show(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None, *, edit: bool = True
) -> None:
    """Replace the pressed message in the private chat, or post to the presser's private chat
    (a press in the staff chat or on an inline result never posts into that chat)."""
    message = _private(query)
    if message is not None and edit and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "message is not modified" not in error.message:
                raise
        return
    bot = query.bot
    assert bot is not None
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


async def _card(
    services: DeskServices,
    t: BoundTranslator,
    actor: Actor,
    request_id: int,
    back: DeskQueueCb | DeskPanelCb | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    now = services.clock.now()
    calendar = _calendar(services.settings.timezone)
    async with services.reader() as uow:
        card = await open_card(uow, actor, request_id, now)
    # managers of the building see the open follow-up; others never do
    follow_up = card.details.follow_up if actor.is_manager_of(card.state.building_id) else None
    text = render_staff_card(
        t, card, viewer_id=actor.user_id, tz=calendar.tz, now=now, follow_up=follow_up
    )
    return text, card_keyboard(t, card, back, follow_up=follow_up is not None)


async def _after_change(services: DeskServices, request_id: int) -> None:
    """Delivery starts at once (the staff chat post edit is written by the write path)."""


async def _act(
    services: DeskServices,
    actor: Actor,
    request_id: int,
    action: Action,
    **fields: object,
) -> None:
    async with services.uow() as uow:
        await perform_action(
            uow,
            actor,
            request_id,
            action,
            services.clock.now(),
            **fields,  # type: ignore[arg-type]
        )
    await _after_change(services, request_id)


# --------------------------------------------------------------------------- panel


async def _panel(
    services: DeskServices, t: BoundTranslator, actor: Actor
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        panel = await open_panel(uow, actor, services.clock.now())
        outages = len(await open_incidents(uow, actor))
    return render_panel(t, panel), panel_keyboard(t, panel, outages=outages)


@router.message(Command("panel"))
@router.message(MenuButton("menu-panel"))
async def on_panel(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    assert message.from_user is not None
    await _leave_own_state(state)
    actor = await acting_manager(services, message.from_user.id)
    text, markup = await _panel(services, t, actor)
    await message.answer(text, reply_markup=markup)


@router.callback_query(DeskPanelCb.filter(F.action == "show"))
async def on_panel_again(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _leave_own_state(state)
    actor = await acting_manager(services, query.from_user.id)
    text, markup = await _panel(services, t, actor)
    await _show(query, text, markup)


@router.callback_query(DeskQueueCb.filter())
async def on_queue(
    query: CallbackQuery,
    callback_data: DeskQueueCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
) -> None:
    await _leave_own_state(state)
    actor = await acting_manager(services, query.from_user.id)
    try:
        queue = Queue(callback_data.queue)
    except ValueError as error:
        raise NotAllowed(NOT_AVAILABLE) from error
    now = services.clock.now()
    async with services.reader() as uow:
        page = await queue_page(uow, actor, queue, now, callback_data.page)
    text = render_queue(t, page, tz=_calendar(services.settings.timezone).tz, now=now)
    await _show(query, text, queue_keyboard(t, page))


@router.callback_query(DeskItemCb.filter())
async def on_queue_item(
    query: CallbackQuery, callback_data: DeskItemCb, t: BoundTranslator, services: DeskServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    back = DeskQueueCb(queue=callback_data.queue, page=callback_data.page)
    text, markup = await _card(services, t, actor, callback_data.request_id, back)
    await _show(query, text, markup)


# --------------------------------------------------------------------------- search


async def _search(message: Message, t: BoundTranslator, services: DeskServices, text: str) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    async with services.reader() as uow:
        items = await search_requests(uow, actor, text)
    await message.answer(render_search(t, text, items), reply_markup=results_keyboard(t, items))


@router.message(Command("find"))
async def on_find(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
) -> None:
    assert message.from_user is not None
    await _leave_own_state(state)
    await acting_manager(services, message.from_user.id)
    if command.args and command.args.strip():
        await _search(message, t, services, command.args)
        return
    await state.set_state(DeskInput.search)
    await message.answer(t("desk-ask-search"))


@router.callback_query(DeskPanelCb.filter(F.action == "search"))
async def on_search_button(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await acting_manager(services, query.from_user.id)
    await state.set_state(DeskInput.search)
    await _show(query, t("desk-ask-search"), None, edit=False)


@router.message(StateFilter(DeskInput.search), Magic(F.text))
async def on_search_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await state.clear()
    await _search(message, t, services, message.text or "")


# --------------------------------------------------------------------------- the card


@router.callback_query(DeskCb.filter(F.action == "open"))
async def on_open(
    query: CallbackQuery, callback_data: DeskCb, t: BoundTranslator, services: DeskServices
) -> None:
    """From the staff chat, an inline result or a notification: the card as a new message."""
    actor = await acting_manager(services, query.from_user.id)
    text, markup = await _card(services, t, actor, callback_data.request_id)
    await _show(query, text, markup, edit=False)


@router.callback_query(DeskCb.filter(F.action == "card"))
async def on_card(
    query: CallbackQuery, callback_data: DeskCb, t: BoundTranslator, services: DeskServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    text, markup = await _card(services, t, actor, callback_data.request_id)
    await _show(query, text, markup)


@router.callback_query(DeskCb.filter(F.action == "abort"))
async def on_abort(
    query: CallbackQuery,
    callback_data: DeskCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
    callback_answer: CallbackAnswer,
) -> None:
    await _leave_own_state(state)
    callback_answer.text = t("desk-nothing-changed")
    actor = await acting_manager(services, query.from_user.id)
    text, markup = await _card(services, t, actor, callback_data.request_id)
    await _show(query, text, markup)


@router.callback_query(DeskCb.filter(F.action == "media"))
async def on_media(
    query: CallbackQuery,
    callback_data: DeskCb,
    t: BoundTranslator,
    services: DeskServices,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    now = services.clock.now()
    async with services.reader() as uow:
        card = await open_card(uow, actor, callback_data.request_id, now)
        media = [
            ref
            for purpose in (MediaPurpose.REQUEST, MediaPurpose.COMPLETION, MediaPurpose.COMMENT)
            for ref in await uow.requests.media_of(callback_data.request_id, purpose)
        ]
    chat_id = query.from_user.id
    if not media:
        callback_answer.text = t("desk-no-media")
        return
    callback_answer.text = t("desk-media-sent", count=len(media))
    visual = [ref for ref in media if ref.kind in _VISUAL]
    for start in range(0, len(visual), 10):
        chunk = visual[start : start + 10]
        if len(chunk) == 1:
            ref = chunk[0]
            if ref.kind == "photo":
                await bot.send_photo(chat_id, ref.file_id, caption=card.state.number)
            else:
                await bot.send_video(chat_id, ref.file_id, caption=card.state.number)
            continue
        await bot.send_media_group(
            chat_id,
            media=[
                InputMediaPhoto(media=ref.file_id)
                if ref.kind == "photo"
                else InputMediaVideo(media=ref.file_id)
                for ref in chunk
            ],
        )
    for ref in media:
        if ref.kind == "voice":
            await bot.send_voice(chat_id, ref.file_id)
        elif ref.kind not in _VISUAL:
            await bot.send_document(chat_id, ref.file_id)


# --------------------------------------------------------------------------- assignment


@router.callback_query(DeskCb.filter(F.action == "assign"))
async def on_assign(
    query: CallbackQuery, callback_data: DeskCb, t: BoundTranslator, services: DeskServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        picker = await executor_picker(uow, actor, callback_data.request_id)
    await _show(query, render_picker(t, picker), picker_keyboard(t, picker), edit=False)


@router.callback_query(DeskPickPageCb.filter())
async def on_picker_page(
    query: CallbackQuery, callback_data: DeskPickPageCb, t: BoundTranslator, services: DeskServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        picker = await executor_picker(uow, actor, callback_data.request_id, callback_data.page)
    await _show(query, render_picker(t, picker), picker_keyboard(t, picker))


@router.callback_query(DeskPickCb.filter())
async def on_pick(
    query: CallbackQuery,
    callback_data: DeskPickCb,
    t: BoundTranslator,
    services: DeskServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        action, ranked = await picked_candidate(
            uow, actor, callback_data.request_id, callback_data.executor_id
        )
    # The assignment keeps its explanation in the desk's default language.
    reason = reason_text(services.translator.bind(services.settings.default_language), ranked)
    await _act(
        services,
        actor,
        callback_data.request_id,
        action,
        assignee_id=ranked.user_id,
        assignment_reason=reason,
    )
    callback_answer.text = t("desk-assigned", name=ranked.candidate.first_name or "—")
    text, markup = await _card(services, t, actor, callback_data.request_id)
    await _show(query, text, markup)


# --------------------------------------------------------------------------- one-tap actions


@router.callback_query(DeskCb.filter(F.action.in_({"confirm", "resume"})))
async def on_simple_action(
    query: CallbackQuery,
    callback_data: DeskCb,
    t: BoundTranslator,
    services: DeskServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    action = Action.CONFIRM_COMPLETION if callback_data.action == "confirm" else Action.RESUME
    await _act(services, actor, callback_data.request_id, action)
    callback_answer.text = t("desk-done")
    text, markup = await _card(services, t, actor, callback_data.request_id)
    await _show(query, text, markup)


_CHOICES = {
    "cat": (Action.CHANGE_CATEGORY, "desk-ask-category"),
    "urg": (Action.CHANGE_URGENCY, "desk-ask-urgency"),
    "hold": (Action.HOLD, "desk-ask-hold"),
    "reject": (Action.REJECT, "desk-ask-reject"),
}


@router.callback_query(DeskCb.filter(F.action.in_(set(_CHOICES))))
async def on_choice(
    query: CallbackQuery,
    callback_data: DeskCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    action, prompt = _CHOICES[callback_data.action]
    async with services.reader() as uow:
        request = await check_action(uow, actor, callback_data.request_id, action)
    field = "rej" if callback_data.action == "reject" else callback_data.action
    current = {"cat": request.category.value, "urg": request.urgency.value}.get(field)
    if field == "rej":  # a template, or the reason typed
        async with services.reader() as uow:
            templates = await list_reject_templates(uow)
        await state.set_state(DeskInput.reject_reason)
        await state.set_data({"request_id": request.id})
        markup = reject_keyboard(t, request.id, templates)
    else:
        markup = choice_keyboard(t, request.id, field, current)
    await _show(query, t(prompt, number=request.number), markup, edit=False)


@router.callback_query(DeskSetCb.filter())
async def on_set(
    query: CallbackQuery,
    callback_data: DeskSetCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    request_id, value = callback_data.request_id, callback_data.value
    try:
        if callback_data.field == "cat":
            await _act(
                services, actor, request_id, Action.CHANGE_CATEGORY, category=Category(value)
            )
        elif callback_data.field == "urg":
            await _act(services, actor, request_id, Action.CHANGE_URGENCY, urgency=Urgency(value))
        elif callback_data.field == "hold":
            reason = HoldReason(value)
            if reason is HoldReason.OTHER:
                async with services.reader() as uow:
                    request = await check_action(uow, actor, request_id, Action.HOLD)
                await state.set_state(DeskInput.hold_comment)
                await state.set_data({"request_id": request.id})
                await _show(
                    query,
                    t("desk-ask-hold-comment", number=request.number),
                    abort_keyboard(t, request.id),
                )
                return
            await _act(services, actor, request_id, Action.HOLD, hold_reason=reason)
        elif callback_data.field == "rej":
            index, _dot, version = value.partition(".")
            async with services.uow() as uow:  # access first, then the template re-resolved
                await check_action(uow, actor, request_id, Action.REJECT)
                # a button without the list's version (an old picker) is outdated too
                template = await pick_reject_template(uow, int(index), version)
            await _leave_own_state(state)
            await _act(
                services, actor, request_id, Action.REJECT, reason=template_text(t, template)
            )
        else:
            raise NotAllowed(NOT_AVAILABLE)
    except ValueError as error:  # a forged canonical key
        raise NotAllowed(NOT_AVAILABLE) from error
    callback_answer.text = t("desk-done")
    text, markup = await _card(services, t, actor, request_id)
    await _show(query, text, markup)


# --------------------------------------------------------------------------- typed answers


_PROMPTS = {
    "comment": (DeskInput.comment, "desk-ask-comment"),
    "close": (DeskInput.close_comment, "desk-ask-close-comment"),
    "dup": (DeskInput.duplicate_number, "desk-ask-duplicate"),
}
_PROMPT_ACTIONS = {"close": Action.CLOSE_ON_BEHALF, "dup": Action.CANCEL}


@router.callback_query(DeskCb.filter(F.action.in_(set(_PROMPTS))))
async def on_prompt(
    query: CallbackQuery,
    callback_data: DeskCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.uow() as uow:
        action = _PROMPT_ACTIONS.get(callback_data.action)
        if action is None:
            request = await check_comment(uow, actor, callback_data.request_id)
        else:
            request = await check_action(uow, actor, callback_data.request_id, action)
    target, prompt = _PROMPTS[callback_data.action]
    await state.set_state(target)
    await state.set_data({"request_id": request.id})
    await _show(query, t(prompt, number=request.number), abort_keyboard(t, request.id), edit=False)


async def _typed(
    message: Message,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
    done_key: str,
    **work: object,
) -> None:
    """Runs the action of a typed answer, then shows the card."""
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    request_id = int((await state.get_data())["request_id"])
    text = message.text or ""
    try:
        kind = work["kind"]
        if kind == "comment":
            async with services.uow() as uow:
                await add_comment(
                    uow,
                    actor,
                    request_id,
                    services.clock.now(),
                    text=text,
                    visibility=CommentVisibility.INTERNAL,
                )
        elif kind == "dup":
            async with services.uow() as uow:
                _transition, original = await link_duplicate(
                    uow,
                    actor,
                    request_id,
                    text,
                    services.clock.now(),
                    reason=lambda number: t("desk-duplicate-reason", number=number),
                )
            await _after_change(services, request_id)
            done_key = "desk-duplicate-linked"
            work = {**work, "number": original.number}
        else:
            action = work["action"]
            assert isinstance(action, Action)
            fields = {str(work["field"]): text}
            if "hold_reason" in work:
                fields_hold: dict[str, object] = {**fields, "hold_reason": work["hold_reason"]}
                await _act(services, actor, request_id, action, **fields_hold)
            else:
                await _act(services, actor, request_id, action, **fields)
    except DomainError as error:
        await _clear_unless_retryable(state, error)
        raise
    await state.clear()
    params = {"number": work["number"]} if "number" in work else {}
    await message.answer(t(done_key, **params))
    card_text, markup = await _card(services, t, actor, request_id)
    await message.answer(card_text, reply_markup=markup)


@router.message(StateFilter(DeskInput.comment), Magic(F.text))
async def on_comment_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _typed(message, state, t, services, "desk-comment-saved", kind="comment")


@router.message(StateFilter(DeskInput.close_comment), Magic(F.text))
async def on_close_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _typed(
        message,
        state,
        t,
        services,
        "desk-done",
        kind="action",
        action=Action.CLOSE_ON_BEHALF,
        field="comment",
    )


@router.message(StateFilter(DeskInput.reject_reason), Magic(F.text))
async def on_reject_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _typed(
        message,
        state,
        t,
        services,
        "desk-done",
        kind="action",
        action=Action.REJECT,
        field="reason",
    )


@router.message(StateFilter(DeskInput.hold_comment), Magic(F.text))
async def on_hold_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _typed(
        message,
        state,
        t,
        services,
        "desk-done",
        kind="action",
        action=Action.HOLD,
        field="comment",
        hold_reason=HoldReason.OTHER,
    )


@router.message(StateFilter(DeskInput.duplicate_number), Magic(F.text))
async def on_duplicate_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    await _typed(message, state, t, services, "desk-duplicate-linked", kind="dup")


# --------------------------------------------------------------------------- follow ups


@router.callback_query(DeskCb.filter(F.action == FOLLOW_UP_ACTION))
async def on_follow_up(
    query: CallbackQuery,
    callback_data: DeskCb,
    state: FSMContext,
    t: BoundTranslator,
    services: DeskServices,
) -> None:
    """Asks what was done to close the case (the comment goes to the audit log)."""
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        card = await open_card(uow, actor, callback_data.request_id, services.clock.now())
    if not actor.is_manager_of(card.state.building_id):
        raise NotAllowed(NOT_AVAILABLE)
    follow_up = card.details.follow_up
    if follow_up is None:
        raise ValidationFailed("follow-up-error-none-open")
    await state.set_state(FollowUpInput.comment)
    await state.set_data({"request_id": card.state.id})
    prompt = t(
        "escalation-ask-follow-up-comment",
        number=card.state.number,
        reason=t(f"follow-up-reason-{follow_up.reason}"),
    )
    await _show(query, prompt, abort_keyboard(t, card.state.id), edit=False)


@router.message(StateFilter(FollowUpInput.comment), Magic(F.text))
async def on_follow_up_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: DeskServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    request_id = int((await state.get_data())["request_id"])
    try:
        async with services.uow() as uow:
            await close_follow_up(uow, actor, request_id, message.text or "", services.clock.now())
            closed = await uow.requests.get_state(request_id)
    except DomainError as error:
        if error.key == "follow-up-error-none-open":  # closed meanwhile: nothing to retry
            await state.clear()
        await _clear_unless_retryable(state, error)
        raise
    await state.clear()
    await message.answer(
        t("escalation-follow-up-closed", number=closed.number if closed is not None else "")
    )
    card_text, markup = await _card(services, t, actor, request_id)
    await message.answer(card_text, reply_markup=markup)


@router.message(StateFilter(*_INPUT_STATES))
async def on_wrong_input(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    data = await state.get_data()
    request_id = data.get("request_id")
    markup = abort_keyboard(t, int(request_id)) if request_id else None
    await message.answer(t("desk-text-hint"), reply_markup=markup)
