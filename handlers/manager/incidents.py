"""Manager: outage incidents on the desk (queue, card, declare, update, resolve) and the
"possible outage" suggestion's buttons. Rules live in ``domain.services.incidents``."""

from __future__ import annotations

from typing import Any, Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import NOT_AVAILABLE, Actor
from domain.enums import Category
from domain.errors import NotAllowed, ValidationFailed
from domain.services import incidents as uc
from domain.services.request_notifications import format_due
from fsm.desk import DeskPanelCb
from fsm.incidents import DeclareCb, IncidentCb, IncidentInput
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.common.screens import show_screen
from handlers.filters import Magic, TypedText


class IncidentsServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


router = Router(name="incidents")


def _back(t: BoundTranslator, builder: InlineKeyboardBuilder, to: Any) -> None:
    builder.button(text=t("incident-btn-back"), callback_data=to)


def _category(t: BoundTranslator, category: Category) -> str:
    return t(f"incident-category-{category.value}")


# --------------------------------------------------------------------------- screens


def queue_screen(
    t: BoundTranslator, items: list[uc.IncidentView], services: IncidentsServices
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("incident-queue-title", count=len(items))]
    if not items:
        lines.append(t("incident-queue-empty"))
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(
            text=t(
                "incident-queue-item",
                category=_category(t, item.category),
                address=item.address[:40],
                linked=item.linked,
                followers=item.followers,
            ),
            callback_data=IncidentCb(action="o", id=item.id),
        )
    builder.button(text=t("incident-btn-new"), callback_data=IncidentCb(action="new", id=0))
    _back(t, builder, DeskPanelCb(action="show"))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def card_screen(
    t: BoundTranslator, incident: uc.IncidentView, services: IncidentsServices
) -> tuple[str, InlineKeyboardMarkup]:
    tz = services.tz
    text = t(
        "incident-card",
        category=_category(t, incident.category),
        address=incident.address,
        since=format_due(incident.declared_at, tz),
        due=format_due(incident.due_at, tz),
        text=incident.text,
        linked=incident.linked,
        followers=incident.followers,
    )
    builder = InlineKeyboardBuilder()
    if incident.open:
        for action, key in (
            ("up", "incident-btn-update"),
            ("lk", "incident-btn-link"),
            ("rc", "incident-btn-resolve-close"),
            ("rr", "incident-btn-resolve-return"),
        ):
            builder.button(text=t(key), callback_data=IncidentCb(action=action, id=incident.id))
    else:
        text += "\n" + t("incident-card-resolved")
    _back(t, builder, IncidentCb(action="q", id=0))
    builder.adjust(1)
    return text, builder.as_markup()


def _cancel_markup(t: BoundTranslator, incident_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    to = IncidentCb(action="o", id=incident_id) if incident_id else IncidentCb(action="q", id=0)
    builder.button(text=t("incident-btn-cancel"), callback_data=to)
    return builder.as_markup()


async def _queue(services: IncidentsServices, actor: Actor, t: BoundTranslator) -> tuple[str, Any]:
    async with services.reader() as uow:
        items = await uc.open_incidents(uow, actor)
    return queue_screen(t, items, services)


async def _card(
    services: IncidentsServices, actor: Actor, t: BoundTranslator, incident_id: int
) -> Any:
    async with services.reader() as uow:
        incident = await uc.open_incident(uow, actor, incident_id)
    return card_screen(t, incident, services)


async def _leave(state: FSMContext) -> None:
    current = await state.get_state()
    if current is not None and current.startswith(IncidentInput.__name__):
        await state.clear()


# --------------------------------------------------------------------------- queue and card


@router.callback_query(IncidentCb.filter(F.action == "q"))
async def on_queue(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave(state)
    await show_screen(query, *await _queue(services, actor, t))


@router.callback_query(IncidentCb.filter(F.action == "o"))
async def on_card(
    query: CallbackQuery,
    callback_data: IncidentCb,
    state: FSMContext,
    t: BoundTranslator,
    services: IncidentsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave(state)
    await show_screen(query, *await _card(services, actor, t, callback_data.id))


# --------------------------------------------------------------------------- declaring


def _categories_markup(t: BoundTranslator, building: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for category in Category:
        builder.button(
            text=_category(t, category),
            callback_data=DeclareCb(building=building, category=category.value),
        )
    _back(t, builder, IncidentCb(action="q", id=0))
    builder.adjust(2)
    return builder.as_markup()


def _hours_markup(
    t: BoundTranslator, building: int, category: Category, suggestion: int
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for hours in uc.TARGET_HOURS:
        builder.button(
            text=t("incident-btn-hours", hours=hours),
            callback_data=DeclareCb(
                building=building, category=category.value, hours=hours, suggestion=suggestion
            ),
        )
    _back(t, builder, IncidentCb(action="q", id=0))
    builder.adjust(len(uc.TARGET_HOURS), 1)
    return builder.as_markup()


@router.callback_query(IncidentCb.filter(F.action == "new"))
async def on_new(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave(state)
    building = uc.only_building(actor)
    if building is not None:
        await show_screen(query, t("incident-ask-category"), _categories_markup(t, building))
        return
    await state.set_state(IncidentInput.building_search)
    await show_screen(query, t("incident-ask-building"), _cancel_markup(t, 0))


@router.message(StateFilter(IncidentInput.building_search), TypedText())
async def on_building_search(
    message: Message, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    async with services.reader() as uow:
        found = await uc.find_buildings(uow, actor, message.text)  # none: asked again
    await state.clear()
    builder = InlineKeyboardBuilder()
    for building_id, address in found:
        builder.button(text=address[:60], callback_data=DeclareCb(building=building_id))
    _back(t, builder, IncidentCb(action="q", id=0))
    builder.adjust(1)
    await message.answer(t("incident-pick-building"), reply_markup=builder.as_markup())


@router.callback_query(DeclareCb.filter())
async def on_declare_step(
    query: CallbackQuery,
    callback_data: DeclareCb,
    state: FSMContext,
    t: BoundTranslator,
    services: IncidentsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    if not actor.is_manager_of(callback_data.building):
        raise NotAllowed(NOT_AVAILABLE)  # a forged or outdated building
    if callback_data.category not in Category._value2member_map_:
        markup = _categories_markup(t, callback_data.building)
        await show_screen(query, t("incident-ask-category"), markup)
        return
    category = Category(callback_data.category)
    if callback_data.hours not in uc.TARGET_HOURS:
        markup = _hours_markup(t, callback_data.building, category, callback_data.suggestion)
        await show_screen(query, t("incident-ask-target"), markup)
        return
    await state.set_state(IncidentInput.declare_text)
    await state.update_data(
        incident_building=callback_data.building,
        incident_category=category.value,
        incident_hours=callback_data.hours,
        incident_suggestion=callback_data.suggestion,
    )
    await show_screen(
        query,
        t("incident-ask-text", category=_category(t, category), max=uc.MAX_TEXT),
        _cancel_markup(t, 0),
    )


@router.message(StateFilter(IncidentInput.declare_text), TypedText())
async def on_declare_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    data = await state.get_data()
    try:
        async with services.uow() as uow:
            incident = await uc.declare(
                uow,
                actor,
                building_id=int(data["incident_building"]),
                category=Category(str(data["incident_category"])),
                text=message.text,
                hours=int(data["incident_hours"]),
                now=services.clock.now(),
                tz=services.tz,
                suggestion_id=int(data.get("incident_suggestion") or 0) or None,
            )
    except ValidationFailed as error:
        if error.key not in (uc.ERROR_EMPTY, uc.ERROR_TOO_LONG):
            await state.clear()  # nothing to type again
        raise
    await state.clear()
    await message.answer(t("incident-declared", linked=incident.linked))
    async with services.reader() as uow:
        fresh = await uc.open_incident(uow, actor, incident.id)
    text, markup = card_screen(t, fresh, services)
    await message.answer(text, reply_markup=markup)


# --------------------------------------------------------------------------- the suggestion


@router.callback_query(IncidentCb.filter(F.action == "sd"))
async def on_suggestion_declare(
    query: CallbackQuery,
    callback_data: IncidentCb,
    state: FSMContext,
    t: BoundTranslator,
    services: IncidentsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        suggestion = await uc.pending_suggestion(uow, actor, callback_data.id)
    await _leave(state)
    markup = _hours_markup(t, suggestion.building_id, suggestion.category, suggestion.id)
    await show_screen(query, t("incident-ask-target"), markup)


@router.callback_query(IncidentCb.filter(F.action == "sx"))
async def on_suggestion_dismiss(
    query: CallbackQuery, callback_data: IncidentCb, t: BoundTranslator, services: IncidentsServices
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.uow() as uow:
        await uc.dismiss_suggestion(uow, actor, callback_data.id, services.clock.now())
    builder = InlineKeyboardBuilder()
    _back(t, builder, IncidentCb(action="q", id=0))
    await show_screen(query, t("incident-dismissed"), builder.as_markup())


# --------------------------------------------------------------------------- updates, links


@router.callback_query(IncidentCb.filter(F.action.in_({"up", "rc", "rr"})))
async def on_prompt(
    query: CallbackQuery,
    callback_data: IncidentCb,
    state: FSMContext,
    t: BoundTranslator,
    services: IncidentsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.reader() as uow:
        incident = await uc.open_incident(uow, actor, callback_data.id)
    if not incident.open:
        raise ValidationFailed(uc.ERROR_RESOLVED)
    if callback_data.action == "up":
        await state.set_state(IncidentInput.update_text)
        prompt = t("incident-ask-update", max=uc.MAX_TEXT)
    else:
        await state.set_state(IncidentInput.resolve_text)
        resolution = uc.Resolution.CLOSE if callback_data.action == "rc" else uc.Resolution.RETURN
        await state.update_data(incident_resolution=resolution.value)
        prompt = t(f"incident-ask-resolve-{resolution.value}", linked=incident.linked)
    await state.update_data(incident_id=incident.id)
    await show_screen(query, prompt, _cancel_markup(t, incident.id))


@router.message(StateFilter(IncidentInput.update_text), TypedText())
async def on_update_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    incident_id = int((await state.get_data()).get("incident_id") or 0)
    try:
        async with services.uow() as uow:
            sent = await uc.post_update(
                uow, actor, incident_id, message.text, services.clock.now(), services.tz
            )
    except ValidationFailed as error:
        if error.key == uc.ERROR_RESOLVED:
            await state.clear()
        raise
    await state.clear()
    await message.answer(t("incident-update-sent", count=sent))
    text, markup = await _card(services, actor, t, incident_id)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(IncidentInput.resolve_text), TypedText())
async def on_resolve_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: IncidentsServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    data = await state.get_data()
    incident_id = int(data.get("incident_id") or 0)
    chosen = data.get("incident_resolution")
    if chosen is None:  # never a default: "close" would close every linked request
        await state.clear()
        raise NotAllowed(NOT_AVAILABLE)
    resolution = uc.Resolution(str(chosen))
    try:
        async with services.uow() as uow:
            result = await uc.resolve(
                uow,
                actor,
                incident_id,
                resolution,
                message.text,
                services.clock.now(),
                services.tz,
            )
    except ValidationFailed as error:
        if error.key == uc.ERROR_RESOLVED:
            await state.clear()
        raise
    await state.clear()
    await message.answer(
        t(
            "incident-resolved-report",
            closed=result.closed,
            returned=result.returned,
            notified=result.notified,
        )
    )
    text, markup = await _queue(services, actor, t)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(IncidentInput.building_search), Magic(~F.text))
@router.message(StateFilter(IncidentInput.declare_text), Magic(~F.text))
@router.message(StateFilter(IncidentInput.update_text), Magic(~F.text))
@router.message(StateFilter(IncidentInput.resolve_text), Magic(~F.text))
async def on_not_text(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("incident-text-hint"))


@router.callback_query(IncidentCb.filter(F.action == "lk"))
async def on_link(
    query: CallbackQuery,
    callback_data: IncidentCb,
    t: BoundTranslator,
    services: IncidentsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.uow() as uow:
        linked = await uc.link_matching(
            uow, actor, callback_data.id, services.clock.now(), services.tz
        )
    callback_answer.text = t("incident-linked-count", count=linked)
    callback_answer.show_alert = True
    await show_screen(query, *await _card(services, actor, t, callback_data.id))
