"""📢 Announcements (the panel's button and ``/announce``): a manager or an admin writes
to the residents of whole buildings, follows the delivery report and reads the history.

Thin handlers over ``domain.services.announcements``: the draft lives in the
conversation (``announce``), every press re-checks the scope (a forged building is
"not available"), sending stores the announcement with one outbox row per resident.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any, Protocol

from aiogram import Bot, F, Router
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import Actor
from domain.enums import MediaKind
from domain.errors import DomainError, ValidationFailed
from domain.services import announcements as uc
from domain.services.announcements import (
    AnnouncementKind,
    Attachment,
    DeliveryReport,
    Draft,
)
from fsm.announcements import AnnounceCb, AnnounceInput
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.common.screens import show_screen
from handlers.filters import Magic, NotCommandOrMenu
from handlers.manager.announcements_views import (
    DRAFT,
    cancel_button,
    cancel_keyboard,
    draft_data,
    draft_of,
    history_keyboard,
    home_keyboard,
    kinds_keyboard,
    render_history,
    render_message,
    render_report,
    report_keyboard,
)


class AnnouncementsServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None: ...


log = logging.getLogger(__name__)

router = Router(name="announcements")
router.message.filter(Magic(F.chat.type == "private"))

BUILDINGS_SHOWN = 8
HISTORY_BUILDINGS_SHOWN = 8
REPORT_REFRESH_SECONDS = 2.0
"""Characters of the report before its "…and N more" line (a message holds 4,096)."""
REPORT_FOLLOW_SECONDS = 600.0
"""The report message after Send updates itself while sending, for at most this long
(🔄 Refresh updates it at any time)."""
_OWN_STATES = {s.state for s in AnnounceInput.__states__}


# --------------------------------------------------------------------------- the draft


async def _draft(state: FSMContext) -> Draft:
    draft = draft_of(await state.get_data())
    if draft is None:
        raise ValidationFailed("callback-outdated")
    return draft


async def _save(state: FSMContext, draft: Draft) -> None:
    await state.update_data({DRAFT: draft_data(draft)})


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() in _OWN_STATES:
        await state.clear()


# --------------------------------------------------------------------------- screens


async def _audience_screen(
    services: AnnouncementsServices, t: BoundTranslator, actor: Actor, draft: Draft, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    scope = uc.scope_of(actor)
    async with services.reader() as uow:
        total = await uow.announcements.count_buildings(scope)
        pages = max(1, -(-total // BUILDINGS_SHOWN))
        page = min(page, pages - 1)
        shown = await uow.announcements.buildings(scope, page * BUILDINGS_SHOWN, BUILDINGS_SHOWN)
        reach = (
            await uc.count_audience(
                uow, actor, draft.building_ids, draft.verified_only, draft.entrance_ids
            )
            if draft.building_ids
            else 0
        )
        entrances = (
            await uow.announcements.entrances(draft.building_ids)
            if len(draft.building_ids) == 1
            else []
        )
    lines = [t("announce-audience-title")]
    lines.append(
        t("announce-audience-reach", buildings=len(draft.building_ids), count=reach)
        if draft.building_ids
        else t("announce-audience-none")
    )
    builder = InlineKeyboardBuilder()
    for building_id, address in shown:
        chosen = building_id in draft.building_ids
        builder.button(
            text=("✅ " if chosen else "▫️ ") + address[:56],
            callback_data=AnnounceCb(action="bld", id=building_id, page=page),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text=t("nav-prev"), callback_data=AnnounceCb(action="page", page=page - 1))
    if page + 1 < pages:
        nav.button(text=t("nav-next"), callback_data=AnnounceCb(action="page", page=page + 1))
    builder.attach(nav)
    if len(entrances) > 1:  # one building: its entrances may narrow the audience
        chosen_numbers = [n for e, n in entrances if e in draft.entrance_ids]
        lines.append(
            t("announce-audience-entrances", entrances=", ".join(chosen_numbers))
            if chosen_numbers
            else t("announce-audience-all-entrances")
        )
        doors = InlineKeyboardBuilder()
        for entrance_id, number in entrances:
            doors.button(
                text=("✅ " if entrance_id in draft.entrance_ids else "🚪 ")
                + t("announce-btn-entrance", number=number),
                callback_data=AnnounceCb(action="ent", id=entrance_id, page=page),
            )
        doors.adjust(4)
        builder.attach(doors)
    rest = InlineKeyboardBuilder()
    rest.button(
        text=t("announce-btn-verified" if draft.verified_only else "announce-btn-all-linked"),
        callback_data=AnnounceCb(action="aud", page=page),
    )
    rest.button(text=t("announce-btn-next"), callback_data=AnnounceCb(action="next"))
    cancel_button(t, rest)
    rest.adjust(1)
    builder.attach(rest)
    return "\n".join(lines), builder.as_markup()


async def _control(
    services: AnnouncementsServices, t: BoundTranslator, actor: Actor, draft: Draft
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        reach = await uc.count_audience(
            uow, actor, draft.building_ids, draft.verified_only, draft.entrance_ids
        )
        addresses = [await uow.announcements.address(b) or "—" for b in draft.building_ids]
        numbers = [
            n
            for e, n in await uow.announcements.entrances(draft.building_ids)
            if e in draft.entrance_ids
        ]
    lines = [
        t("announce-preview-title"),
        t("announce-preview-reach", count=reach, buildings="; ".join(addresses)),
        *([t("announce-audience-entrances", entrances=", ".join(numbers))] if numbers else []),
        t(
            "announce-preview-audience-verified"
            if draft.verified_only
            else "announce-preview-audience-all"
        ),
    ]
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("announce-btn-send", count=reach),
        callback_data=AnnounceCb(action="send", arg=draft.token),
    )
    builder.button(text=t("announce-btn-edit"), callback_data=AnnounceCb(action="edit"))
    if draft.kind is AnnouncementKind.PLANNED_WORKS:
        builder.button(
            text=t("announce-btn-remind-on" if draft.remind else "announce-btn-remind-off"),
            callback_data=AnnounceCb(action="remind"),
        )
    cancel_button(t, builder)
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


async def _report(
    services: AnnouncementsServices, t: BoundTranslator, actor: Actor, announcement_id: int
) -> tuple[str, InlineKeyboardMarkup, DeliveryReport]:
    async with services.reader() as uow:
        report = await uc.delivery_report(uow, actor, announcement_id)
    return render_report(t, report, services.tz), report_keyboard(t, announcement_id), report


async def _history_buildings(
    services: AnnouncementsServices, t: BoundTranslator, actor: Actor, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    scope = uc.scope_of(actor)
    async with services.reader() as uow:
        total = await uow.announcements.count_buildings(scope)
        pages = max(1, -(-total // HISTORY_BUILDINGS_SHOWN))
        page = min(page, pages - 1)
        shown = await uow.announcements.buildings(
            scope, page * HISTORY_BUILDINGS_SHOWN, HISTORY_BUILDINGS_SHOWN
        )
    builder = InlineKeyboardBuilder()
    for building_id, address in shown:
        builder.button(text=address[:60], callback_data=AnnounceCb(action="hb", id=building_id))
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text=t("nav-prev"), callback_data=AnnounceCb(action="hist", page=page - 1))
    if page + 1 < pages:
        nav.button(text=t("nav-next"), callback_data=AnnounceCb(action="hist", page=page + 1))
    builder.attach(nav)
    back = InlineKeyboardBuilder()
    back.button(text=t("announce-btn-home"), callback_data=AnnounceCb(action="home"))
    builder.attach(back)
    return t("announce-history-buildings"), builder.as_markup()


# --------------------------------------------------------------------------- entry points


@router.message(Command("announce"))
async def on_announce(
    message: Message, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    assert message.from_user is not None
    await acting_manager(services, message.from_user.id)
    await _leave_own_state(state)
    await message.answer(t("announce-home"), reply_markup=home_keyboard(t))


@router.callback_query(AnnounceCb.filter(F.action.in_({"home", "cancel"})))
async def on_home(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AnnouncementsServices,
    callback_answer: CallbackAnswer,
) -> None:
    await acting_manager(services, query.from_user.id)
    if callback_data.action == "cancel" and await state.get_data():
        callback_answer.text = t("announce-cancelled")
    await _leave_own_state(state)
    await state.update_data({DRAFT: None})
    await show_screen(query, t("announce-home"), home_keyboard(t))


@router.callback_query(AnnounceCb.filter(F.action == "new"))
async def on_new(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    scope = uc.scope_of(actor)
    chosen: tuple[int, ...] = ()
    if scope is not None and len(scope) == 1:  # one building: it is the audience
        chosen = tuple(scope)
    draft = Draft(token=secrets.token_hex(4), building_ids=chosen)
    await _save(state, draft)
    await show_screen(query, *await _audience_screen(services, t, actor, draft, 0))


@router.callback_query(AnnounceCb.filter(F.action.in_({"bld", "page", "aud", "ent"})))
async def on_audience(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AnnouncementsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    draft = await _draft(state)
    if callback_data.action == "bld":
        uc.check_buildings(actor, [callback_data.id])  # a forged building: not available
        chosen = set(draft.building_ids) ^ {callback_data.id}
        draft = replace(draft, building_ids=tuple(sorted(chosen)), entrance_ids=())
    elif callback_data.action == "ent":
        doors = set(draft.entrance_ids) ^ {callback_data.id}
        async with services.reader() as uow:  # a forged entrance: not available
            await uc.check_entrances(
                uow.announcements, draft.building_ids, sorted(doors | {callback_data.id})
            )
        draft = replace(draft, entrance_ids=tuple(sorted(doors)))
    elif callback_data.action == "aud":
        draft = replace(draft, verified_only=not draft.verified_only)
    await _save(state, draft)
    await show_screen(query, *await _audience_screen(services, t, actor, draft, callback_data.page))


@router.callback_query(AnnounceCb.filter(F.action == "next"))
async def on_next(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    draft = await _draft(state)
    async with services.reader() as uow:
        reach = await uc.count_audience(
            uow, actor, draft.building_ids, draft.verified_only, draft.entrance_ids
        )
    if not reach:
        raise ValidationFailed(uc.ERROR_NO_RESIDENTS)
    await show_screen(query, t("announce-kind-title"), kinds_keyboard(t))


@router.callback_query(AnnounceCb.filter(F.action == "kind"))
async def on_kind(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AnnouncementsServices,
) -> None:
    await acting_manager(services, query.from_user.id)
    draft = await _draft(state)
    if callback_data.arg not in AnnouncementKind._value2member_map_:
        raise ValidationFailed("callback-outdated")
    kind = AnnouncementKind(callback_data.arg)
    works = kind is AnnouncementKind.PLANNED_WORKS
    await _save(state, replace(draft, kind=kind, remind=works))
    if works:
        await state.set_state(AnnounceInput.window)
        await show_screen(query, t("announce-ask-window"), cancel_keyboard(t))
    else:
        await state.set_state(AnnounceInput.text)
        await show_screen(query, t("announce-ask-text", max=uc.MAX_TEXT_LENGTH), cancel_keyboard(t))


@router.message(StateFilter(AnnounceInput.window), Magic(F.text), NotCommandOrMenu())
async def on_window(
    message: Message, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    assert message.from_user is not None
    await acting_manager(services, message.from_user.id)
    draft = await _draft(state)
    now = services.clock.now()
    starts_at, ends_at = uc.parse_window(message.text, now, services.tz)
    remind = draft.remind and uc.reminder_possible(starts_at, now)
    await _save(state, replace(draft, starts_at=starts_at, ends_at=ends_at, remind=remind))
    await state.set_state(AnnounceInput.text)
    await message.answer(
        t("announce-window-saved", window=uc.format_window(starts_at, ends_at, services.tz))
        + "\n\n"
        + t("announce-ask-text", max=uc.MAX_TEXT_LENGTH),
        reply_markup=cancel_keyboard(t),
    )


@router.message(StateFilter(AnnounceInput.window), NotCommandOrMenu())
async def on_wrong_window(message: Message, t: BoundTranslator) -> None:
    await message.answer(t(uc.ERROR_WINDOW), reply_markup=cancel_keyboard(t))


@router.message(StateFilter(AnnounceInput.text), NotCommandOrMenu())
@router.message(StateFilter(AnnounceInput.preview), NotCommandOrMenu())
async def on_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    """The text (or a photo/document with its caption): checked, then the preview."""
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    draft = await _draft(state)
    attachment: Attachment | None = None
    if message.photo:
        photo = message.photo[-1]
        attachment = uc.check_attachment(MediaKind.PHOTO, photo.file_id, photo.file_size)
    elif message.document:
        document = message.document
        attachment = uc.check_attachment(MediaKind.DOCUMENT, document.file_id, document.file_size)
    elif message.text is None:
        raise ValidationFailed("announce-error-content")
    written = message.html_text if (message.text or message.caption) else ""
    text = uc.check_text(written)
    draft = replace(draft, text=text, attachment=attachment)
    await _save(state, draft)
    await state.set_state(AnnounceInput.preview)
    await send_preview(message.bot, services, t, actor, draft)


async def send_preview(
    bot: Bot | None, services: AnnouncementsServices, t: BoundTranslator, actor: Actor, draft: Draft
) -> None:
    """The announcement exactly as a resident of the first building sees it (in the
    manager's language), then the screen with Send / Edit / Cancel."""
    assert bot is not None
    async with services.reader() as uow:
        recipients = await uow.announcements.audience(draft.building_ids[:1], draft.verified_only)
        organisation = recipients[0].organisation if recipients else ""
    text = render_message(t, draft, organisation, services.tz)
    attachment = draft.attachment
    if attachment and len(text) <= 1024:
        send = bot.send_photo if attachment.kind == MediaKind.PHOTO else bot.send_document
        await send(actor.user_id, attachment.file_id, caption=text, parse_mode=ParseMode.HTML)
    else:
        if attachment:
            send = bot.send_photo if attachment.kind == MediaKind.PHOTO else bot.send_document
            await send(actor.user_id, attachment.file_id)
        await bot.send_message(actor.user_id, text, parse_mode=ParseMode.HTML)
    control, markup = await _control(services, t, actor, draft)
    await bot.send_message(actor.user_id, control, reply_markup=markup)


@router.callback_query(AnnounceCb.filter(F.action == "edit"))
async def on_edit(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: AnnouncementsServices
) -> None:
    await acting_manager(services, query.from_user.id)
    await _draft(state)
    await state.set_state(AnnounceInput.text)
    await show_screen(query, t("announce-ask-text", max=uc.MAX_TEXT_LENGTH), cancel_keyboard(t))


@router.callback_query(AnnounceCb.filter(F.action == "remind"))
async def on_remind(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: AnnouncementsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    draft = await _draft(state)
    if not draft.remind:
        uc.check_reminder(draft.starts_at, services.clock.now())
    draft = replace(draft, remind=not draft.remind)
    await _save(state, draft)
    callback_answer.text = t(
        "announce-btn-remind-on" if draft.remind else "announce-btn-remind-off"
    )
    await show_screen(query, *await _control(services, t, actor, draft))


@router.callback_query(AnnounceCb.filter(F.action == "send"))
async def on_send(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AnnouncementsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    draft = draft_of(await state.get_data())
    if draft is None or draft.token != callback_data.arg:
        # Send pressed again after the draft went out: the announcement it made.
        async with services.reader() as uow:
            sent = await uow.announcements.by_token(callback_data.arg)
        if sent is None:
            raise ValidationFailed("callback-outdated")
        callback_answer.text = t("announce-already-sent")
        text, markup, _ = await _report(services, t, actor, sent)
        await show_screen(query, text, markup)
        return
    async with services.uow() as uow:
        result = await uc.send_announcement(uow, actor, draft, services.clock.now(), services.tz)
    await state.clear()
    callback_answer.text = t(
        "announce-already-sent" if result.already_sent else "announce-sent", count=result.recipients
    )
    text, markup, report = await _report(services, t, actor, result.announcement_id)
    await show_screen(query, text, markup)
    if not report.done and isinstance(query.message, Message) and query.bot is not None:
        services.spawn(
            _follow_report(query.bot, services, t, actor, query.message, report),
            name=f"announcement-report-{result.announcement_id}",
        )


async def _follow_report(
    bot: Bot,
    services: AnnouncementsServices,
    t: BoundTranslator,
    actor: Actor,
    message: Message,
    report: DeliveryReport,
) -> None:
    """Updates the report message while the announcement is being sent."""
    shown = render_report(t, report, services.tz)
    loop = asyncio.get_running_loop()
    until = loop.time() + REPORT_FOLLOW_SECONDS
    while not report.done and loop.time() < until:
        await asyncio.sleep(REPORT_REFRESH_SECONDS)
        try:
            text, markup, report = await _report(services, t, actor, report.announcement_id)
        except DomainError:  # the manager lost the building meanwhile: they no longer see it
            return
        if text == shown:
            continue
        try:
            await bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
            )
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:  # 🔄 Refresh showed it already
                shown = text
                continue
            log.info("announcement report no longer followed", extra={"error": error.message})
            return
        shown = text


@router.callback_query(AnnounceCb.filter(F.action == "report"))
async def on_report(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    t: BoundTranslator,
    services: AnnouncementsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    text, markup, _ = await _report(services, t, actor, callback_data.id)
    await show_screen(query, text, markup)


@router.callback_query(AnnounceCb.filter(F.action == "hist"))
async def on_history_buildings(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    t: BoundTranslator,
    services: AnnouncementsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await show_screen(query, *await _history_buildings(services, t, actor, callback_data.page))


@router.callback_query(AnnounceCb.filter(F.action == "hb"))
async def on_history(
    query: CallbackQuery,
    callback_data: AnnounceCb,
    t: BoundTranslator,
    services: AnnouncementsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        page = await uc.history(uow, actor, callback_data.id, callback_data.page)
    await show_screen(query, render_history(t, page, services.tz), history_keyboard(t, page))
