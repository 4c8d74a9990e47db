"""Resident: filing a request (the wizard).

category → place (apartment or common area) → description (text or voice) → files →
urgency → access → time slot → summary (edit any field) → confirm. Every step has
Back and Cancel; the draft lives in FSM data (see ``fsm.filing``), so it survives a
restart when the FSM storage is Redis.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Coroutine
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.classifier import OpenAIClassifier
from bot.i18n import BoundTranslator
from bot.media_store import TelegramMediaStore
from bot.settings import Settings
from domain.enums import Category, Urgency
from domain.errors import NotAllowed
from domain.services.filing import (
    MAX_MEDIA,
    NOT_REGISTERED,
    FilingScope,
    SimilarRequest,
    clean_description,
    emergency_phone,
    ensure_room_for_media,
    file_request,
    filing_scope,
    find_similar,
    join_request,
    voice_description,
)
from domain.services.incidents import follow, known_outages
from domain.services.triage import FiledFacts, disagreement, notify_triage
from domain.sla import BusinessCalendar
from fsm.filing import (
    STEPS,
    Filing,
    FilingAccessCb,
    FilingAreaCb,
    FilingCategoryCb,
    FilingCommonCb,
    FilingEditCb,
    FilingJoinCb,
    FilingNavCb,
    FilingPlaceCb,
    FilingSlotCb,
    FilingUrgencyCb,
    draft_from_data,
    media_from_data,
    media_to_data,
    missing_step,
    step_of,
)
from fsm.incidents import IncidentCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting
from handlers.errors import render_error
from handlers.filters import Magic, MenuButton, NotMenuText
from handlers.media import album_already_answered, media_of
from handlers.resident.filing_keyboards import (
    EDITABLE,
    Screen,
    access_screen,
    area_screen,
    category_screen,
    description_screen,
    duplicate_screen,
    filed_text,
    link_home_keyboard,
    media_count_text,
    media_keyboard,
    media_screen,
    outage_screen,
    place_screen,
    resume_screen,
    slot_screen,
    summary_screen,
    urgency_screen,
)


class FilingServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def classifier(self) -> OpenAIClassifier: ...
    @property
    def media_store(self) -> TelegramMediaStore: ...
    @property
    def settings(self) -> Settings: ...
    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None: ...
    def check_outage(self, request_id: int, number: str) -> None: ...


log = logging.getLogger(__name__)

router = Router(name="filing")
router.message.filter(Magic(F.chat.type == "private"))

PREVIOUS = {
    "place": "category",
    "area": "place",
    "description": "place",
    "media": "description",
    "urgency": "media",
    "access": "urgency",
    "slot": "access",
    "summary": "slot",
    "duplicate": "summary",
}


# Messages answering a step; after the entry points, and never menu presses.
steps = Router(name="filing-steps")
steps.message.filter(NotMenuText())


@lru_cache(maxsize=8)
def _calendar(tz: str) -> BusinessCalendar:
    return BusinessCalendar(tz=ZoneInfo(tz))


# --------------------------------------------------------------------------- plumbing


async def _scope(services: FilingServices, user_id: int) -> FilingScope:
    actor = await services.actor(user_id)
    async with services.reader() as uow:
        return await filing_scope(uow, actor, user_id)


async def _show(
    query: CallbackQuery | None,
    message: Message | None,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    """Edits the pressed wizard message in place; answers a user's message with a new one."""
    target = query.message if query is not None else message
    if query is not None and isinstance(target, Message) and target.text is not None:
        try:
            await target.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return
            log.info("wizard message not edited, sending a new one", extra={"error": error.message})
    if isinstance(target, Message):
        await target.answer(text, reply_markup=markup)
    elif query is not None and query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def _screen(
    step: str, data: dict[str, Any], t: BoundTranslator, services: FilingServices, user_id: int
) -> Screen:
    if step == "category":
        return category_screen(t, data)
    if step == "place":
        return place_screen(t, data, await _scope(services, user_id))
    if step == "area":
        return area_screen(t, data, int(data["area_building"]), str(data["area_address"]))
    if step == "description":
        return description_screen(t, data)
    if step == "media":
        return media_screen(t, data)
    if step == "urgency":
        return urgency_screen(t, data)
    if step == "access":
        return access_screen(t, data)
    if step == "slot":
        return slot_screen(t, data)
    if step == "duplicate":
        similar = await _similar(services, user_id, data)
        if similar:
            return duplicate_screen(t, data, similar, _calendar(services.settings.timezone).tz)
    return summary_screen(t, data)


async def _similar(
    services: FilingServices, user_id: int, data: dict[str, Any]
) -> list[SimilarRequest]:
    actor = await acting(services, user_id)
    async with services.reader() as uow:
        return await find_similar(
            uow, actor, int(data["building_id"]), Category(data["category"]), services.clock.now()
        )


async def _go(
    step: str,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    user_id: int,
    *,
    query: CallbackQuery | None = None,
    message: Message | None = None,
) -> None:
    """Shows ``step`` (the summary only for a complete draft) and enters its state."""
    if step == "submitting":
        step = "summary"
    data = await state.get_data()
    if step in ("summary", "duplicate"):
        step = missing_step(data) or step
    if step == "duplicate" and not await _similar(services, user_id, data):
        step = "summary"  # the similar request was closed meanwhile
    if step == "summary" and data.get("editing"):
        data["editing"] = False
        await state.update_data(editing=False)
    text, markup = await _screen(step, data, t, services, user_id)
    await state.set_state(STEPS[step])
    await _show(query, message, text, markup)


async def _advance(
    step: str,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    user_id: int,
    *,
    query: CallbackQuery | None = None,
    message: Message | None = None,
) -> None:
    """The next step, or back to the summary when the user came to change one field."""
    if (await state.get_data()).get("editing"):
        step = "summary"
    await _go(step, state, t, services, user_id, query=query, message=message)


async def _start(
    state: FSMContext,
    t: BoundTranslator,
    *,
    query: CallbackQuery | None = None,
    message: Message | None = None,
) -> None:
    data: dict[str, Any] = {"draft": secrets.token_hex(4), "media": []}
    await state.set_state(Filing.category)
    await state.set_data(data)
    text, markup = category_screen(t, data)
    await _show(query, message, text, markup)


def _outdated(t: BoundTranslator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = t("callback-outdated")
    callback_answer.show_alert = True


async def _same_draft(state: FSMContext, draft: str) -> dict[str, Any] | None:
    data = await state.get_data()
    return data if data.get("draft") == draft else None


# --------------------------------------------------------------------------- entry


@router.message(Command("new"))
@router.message(MenuButton("menu-new-request"))
async def on_new_request(
    message: Message, state: FSMContext, t: BoundTranslator, services: FilingServices
) -> None:
    assert message.from_user is not None
    try:
        await _scope(services, message.from_user.id)
    except NotAllowed as error:
        if error.key != NOT_REGISTERED:
            raise
        await message.answer(render_error(t, error), reply_markup=link_home_keyboard(t))
        return
    current = step_of(await state.get_state())
    data = await state.get_data()
    if current is not None and current != "submitting" and data.get("draft"):
        text, markup = resume_screen(t, current, str(data["draft"]))
        await message.answer(text, reply_markup=markup)
        return
    await _start(state, t, message=message)


# --------------------------------------------------------------------------- category, place


@router.callback_query(StateFilter(Filing.category), FilingCategoryCb.filter())
async def on_category(
    query: CallbackQuery,
    callback_data: FilingCategoryCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    await state.update_data(category=callback_data.category.value)
    actor = await services.actor(query.from_user.id)
    if actor is not None:
        async with services.reader() as uow:
            outages = await known_outages(uow, actor, callback_data.category)
        if outages:  # told at once, before anything is typed
            data = await state.get_data()
            await _show(query, None, *outage_screen(t, data, outages[0], services.tz))
            return
    await _advance("place", state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.category), IncidentCb.filter(F.action == "fa"))
async def on_file_anyway(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: FilingServices
) -> None:
    await _advance("place", state, t, services, query.from_user.id, query=query)


@router.callback_query(IncidentCb.filter(F.action == "fo"))
async def on_follow(
    query: CallbackQuery,
    callback_data: IncidentCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        incident = await follow(uow, actor, callback_data.id, services.clock.now())
    if step_of(await state.get_state()) == "category":
        await state.clear()  # no request: the incident's updates come instead
    await _show(query, None, t("incident-following", address=incident.address), None)


@router.callback_query(IncidentCb.filter(F.action == "fa"))
async def on_file_anyway_outdated(
    query: CallbackQuery, t: BoundTranslator, callback_answer: CallbackAnswer
) -> None:
    _outdated(t, callback_answer)


@router.callback_query(StateFilter(Filing.place), FilingPlaceCb.filter())
async def on_apartment(
    query: CallbackQuery,
    callback_data: FilingPlaceCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    place = (await _scope(services, query.from_user.id)).apartment(callback_data.apartment_id)
    await state.update_data(
        place=place.kind.value,
        building_id=place.building_id,
        address=place.address,
        apartment_id=place.apartment_id,
        apartment=place.apartment_number,
    )
    await _advance("description", state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.place), FilingCommonCb.filter())
async def on_common_area(
    query: CallbackQuery,
    callback_data: FilingCommonCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    address = (await _scope(services, query.from_user.id)).address_of(callback_data.building_id)
    await state.update_data(area_building=callback_data.building_id, area_address=address)
    await _go("area", state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.area), FilingAreaCb.filter())
async def on_area(
    query: CallbackQuery,
    callback_data: FilingAreaCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    scope = await _scope(services, query.from_user.id)
    place = scope.common_area(callback_data.building_id, callback_data.kind)
    await state.update_data(
        place=place.kind.value,
        building_id=place.building_id,
        address=place.address,
        apartment_id=None,
        apartment=None,
    )
    await _advance("description", state, t, services, query.from_user.id, query=query)


# --------------------------------------------------------------------------- description


@steps.message(StateFilter(Filing.description), Magic(F.text & ~F.text.startswith("/")))
async def on_description(
    message: Message, state: FSMContext, t: BoundTranslator, services: FilingServices
) -> None:
    assert message.from_user is not None
    await state.update_data(description=clean_description(message.text or ""))
    await _advance("media", state, t, services, message.from_user.id, message=message)


@steps.message(StateFilter(Filing.description), Magic(F.voice))
async def on_description_voice(
    message: Message, state: FSMContext, t: BoundTranslator, services: FilingServices
) -> None:
    assert message.from_user is not None and message.voice is not None
    media = media_of(message)
    assert media is not None  # the filter lets only voice notes through
    items = list((await state.get_data()).get("media") or [])
    ensure_room_for_media(len(items))
    items.append(media_to_data(media, message.message_id))
    await state.update_data(media=items, description=voice_description(message.voice.duration))
    await message.answer(t("filing-voice-kept"))
    await _advance("media", state, t, services, message.from_user.id, message=message)


@steps.message(StateFilter(Filing.description))
async def on_description_wrong(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if await album_already_answered(message, state):
        return
    data = await state.get_data()
    await message.answer(t("filing-description-hint"), reply_markup=description_screen(t, data)[1])


# --------------------------------------------------------------------------- media


@steps.message(StateFilter(Filing.media), Magic(F.photo | F.video | F.document | F.voice))
async def on_media(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    media = media_of(message)  # a file too large or of a foreign type is refused here
    assert media is not None
    data = await state.get_data()
    items = list(data.get("media") or [])
    group = message.media_group_id
    album = data.get("album") or {}
    same_album = group is not None and album.get("id") == group
    if len(items) >= MAX_MEDIA:
        if same_album and album.get("over"):
            return  # this album was already told about the limit
        if group is not None:
            await state.update_data(album={**album, "id": group, "over": True})
        await message.answer(
            t("filing-error-too-many-files", max=MAX_MEDIA), reply_markup=media_keyboard(t, data)
        )
        return
    items.append(media_to_data(media, message.message_id))
    data["media"] = items
    text = media_count_text(t, len(items))
    if same_album and album.get("ack") and message.bot is not None:
        # One acknowledgement per album, kept up to date with the count.
        try:
            await message.bot.edit_message_text(
                text=text,
                chat_id=message.chat.id,
                message_id=int(album["ack"]),
                reply_markup=media_keyboard(t, data),
            )
        except TelegramBadRequest as error:
            log.info("album acknowledgement not edited", extra={"error": error.message})
        await state.update_data(media=items)
        return
    sent = await message.answer(text, reply_markup=media_keyboard(t, data))
    await state.update_data(
        media=items,
        album={"id": group, "ack": sent.message_id, "over": False} if group else None,
    )


@steps.message(StateFilter(Filing.media))
async def on_media_wrong(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if await album_already_answered(message, state):
        return
    data = await state.get_data()
    await message.answer(t("filing-media-hint"), reply_markup=media_keyboard(t, data))


# --------------------------------------------------------------------------- urgency, access


@router.callback_query(StateFilter(Filing.urgency), FilingUrgencyCb.filter())
async def on_urgency(
    query: CallbackQuery,
    callback_data: FilingUrgencyCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    callback_answer: CallbackAnswer,
) -> None:
    urgency = callback_data.urgency
    await state.update_data(urgency=urgency.value)
    if urgency is not Urgency.EMERGENCY:
        await _advance("access", state, t, services, query.from_user.id, query=query)
        return
    async with services.reader() as uow:
        phone = await emergency_phone(uow)
    callback_answer.text = t("filing-emergency-alert", phone=phone)
    callback_answer.show_alert = True
    # The phone stands out as its own message; the wizard continues below it.
    await _show(query, None, t("filing-urgency-chosen", urgency=t(f"urgency-{urgency}")), None)
    if isinstance(query.message, Message):
        notice = await query.message.answer(t("filing-emergency", phone=phone))
        await _advance("access", state, t, services, query.from_user.id, message=notice)
    else:
        await _advance("access", state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.access), FilingAccessCb.filter())
async def on_access(
    query: CallbackQuery,
    callback_data: FilingAccessCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    await state.update_data(access=callback_data.mode.value)
    await _go("slot", state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.slot), FilingSlotCb.filter())
async def on_slot(
    query: CallbackQuery,
    callback_data: FilingSlotCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
) -> None:
    await state.update_data(slot=callback_data.slot.value)
    await _go("summary", state, t, services, query.from_user.id, query=query)


# --------------------------------------------------------------------------- summary


@router.callback_query(StateFilter(Filing.summary), FilingEditCb.filter())
async def on_edit(
    query: CallbackQuery,
    callback_data: FilingEditCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.field not in EDITABLE or not await _same_draft(state, callback_data.draft):
        _outdated(t, callback_answer)
        return
    await state.update_data(editing=True)
    await _go(callback_data.field, state, t, services, query.from_user.id, query=query)


@router.callback_query(StateFilter(Filing.duplicate), FilingJoinCb.filter())
async def on_join(
    query: CallbackQuery,
    callback_data: FilingJoinCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    callback_answer: CallbackAnswer,
) -> None:
    if not await _same_draft(state, callback_data.draft):
        _outdated(t, callback_answer)
        return
    actor = await acting(services, query.from_user.id)
    async with services.uow() as uow:
        joined = await join_request(uow, actor, callback_data.request_id)
    await state.set_state(None)
    await state.set_data(
        {"filed_draft": callback_data.draft, "filed_number": joined.number, "joined": True}
    )
    callback_answer.text = t("filing-joined-short", number=joined.number)
    await _show(
        query,
        None,
        t("filing-joined", number=joined.number, status=t(f"status-{joined.status}")),
        None,
    )


async def _submit(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    callback_answer: CallbackAnswer,
    *,
    check_duplicates: bool,
) -> None:
    user_id = query.from_user.id
    data = await state.get_data()
    if missing_step(data) is not None:
        await _go("summary", state, t, services, user_id, query=query)  # shows what is missing
        return
    actor = await acting(services, user_id)
    now = services.clock.now()
    calendar = _calendar(services.settings.timezone)
    if check_duplicates:
        similar = await _similar(services, user_id, data)
        if similar:
            await state.set_state(Filing.duplicate)
            await _show(query, None, *duplicate_screen(t, data, similar, calendar.tz))
            return
    await state.set_state(Filing.submitting)  # the draft is taken: a second press waits here
    try:
        kept = []
        for item in data.get("media") or []:
            media, message_id = media_from_data(item)
            kept.append(
                await services.media_store.keep(media, from_chat_id=user_id, message_id=message_id)
            )
        draft = draft_from_data(data, tuple(kept))
        async with services.uow() as uow:
            filed = await file_request(
                uow,
                actor,
                draft,
                now=now,
                calendar=calendar,
                staff_chat_id=services.settings.staff_chat_id,
            )
    except BaseException:
        await state.set_state(Filing.summary)  # nothing was filed: the draft is still there
        raise
    if not filed.already_filed and services.classifier.enabled:
        facts = FiledFacts(
            filed.id,
            filed.number,
            draft.place.building_id,
            draft.description,
            filed.category,
            filed.urgency,
        )
        services.spawn(_second_opinion(services, facts), name=f"triage-{filed.number}")
    if not filed.already_filed:  # after the answer: the resident does not wait for it
        services.check_outage(filed.id, filed.number)
    await state.set_state(None)
    await state.set_data({"filed_draft": draft.token, "filed_number": filed.number})
    callback_answer.text = t("filing-filed-short", number=filed.number)
    await _show(query, None, filed_text(t, filed, calendar.tz), None)


async def _second_opinion(services: FilingServices, facts: FiledFacts) -> None:
    suggestion = disagreement(
        facts, await services.classifier.suggest(facts.description, list(Category))
    )
    if suggestion is not None:
        async with services.uow() as uow:
            await notify_triage(uow, facts, suggestion)


# --------------------------------------------------------------------------- navigation


@router.callback_query(FilingNavCb.filter())
async def on_nav(
    query: CallbackQuery,
    callback_data: FilingNavCb,
    state: FSMContext,
    t: BoundTranslator,
    services: FilingServices,
    callback_answer: CallbackAnswer,
) -> None:
    action, user_id = callback_data.action, query.from_user.id
    data = await state.get_data()
    current = step_of(await state.get_state())
    if action in ("confirm", "anyway") and data.get("filed_draft") == callback_data.draft:
        key = "filing-already-joined" if data.get("joined") else "filing-already-filed-short"
        callback_answer.text = t(key, number=data.get("filed_number", ""))
        callback_answer.show_alert = True
        return
    if current is None or data.get("draft") != callback_data.draft:
        _outdated(t, callback_answer)
        return
    if current == "submitting":
        callback_answer.text = t("filing-submitting")
        return
    if action == "cancel":
        await state.clear()
        callback_answer.text = t("filing-cancelled-short")
        await _show(query, None, t("filing-cancelled"), None)
        return
    if action == "resume":
        await _go(current, state, t, services, user_id, query=query)
        return
    if action == "restart":
        await _start(state, t, query=query)
        return
    if callback_data.step != current:
        _outdated(t, callback_answer)
        return
    if action == "back":
        back = "summary" if data.get("editing") else PREVIOUS.get(current)
        if back is None:
            _outdated(t, callback_answer)
            return
        await _go(back, state, t, services, user_id, query=query)
    elif action == "done" and current == "media":
        await _advance("urgency", state, t, services, user_id, query=query)
    elif action == "clear" and current == "media":
        await state.update_data(media=[], album=None)
        await _go("media", state, t, services, user_id, query=query)
    elif action == "confirm" and current == "summary":
        await _submit(query, state, t, services, callback_answer, check_duplicates=True)
    elif action == "anyway" and current == "duplicate":
        await _submit(query, state, t, services, callback_answer, check_duplicates=False)
    else:
        _outdated(t, callback_answer)


# --------------------------------------------------------------------------- wrong input


@steps.message(StateFilter(Filing.category))
@steps.message(StateFilter(Filing.place))
@steps.message(StateFilter(Filing.area))
@steps.message(StateFilter(Filing.urgency))
@steps.message(StateFilter(Filing.access))
@steps.message(StateFilter(Filing.slot))
@steps.message(StateFilter(Filing.summary))
@steps.message(StateFilter(Filing.duplicate))
async def on_choice_wrong(
    message: Message, state: FSMContext, t: BoundTranslator, services: FilingServices
) -> None:
    """A step answered with buttons got a message: say so and show the buttons again."""
    assert message.from_user is not None
    if await album_already_answered(message, state):
        return
    step = step_of(await state.get_state()) or "summary"
    data = await state.get_data()
    if step == "duplicate" and not await _similar(services, message.from_user.id, data):
        step = "summary"  # the similar request was closed meanwhile
        await state.set_state(Filing.summary)
    _, markup = await _screen(step, data, t, services, message.from_user.id)
    await message.answer(t("filing-buttons-hint"), reply_markup=markup)


@steps.message(StateFilter(Filing.submitting))
async def on_submitting(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("filing-submitting"))


router.include_router(steps)
