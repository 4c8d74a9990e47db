"""The admin's ⚙️ Settings: deadlines (SLA) per category × urgency, working hours and
days, holidays, quiet hours, auto-accept and follow-up times.

Thin handlers: load the actor, call one use case of ``domain.services.sla_settings``,
render. A typed value waits in ``SettingsInput.value`` (which one: the state's data)
until it is valid or Cancel is pressed; a refused value is answered with the
translated reason by ``DomainErrorMiddleware`` and changes nothing. Presses are
answered by ``CallbackAnswerMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
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
from domain.enums import Category, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.services import desk_rules as rules
from domain.services import sla_settings as uc
from domain.services.desk_settings import DeskSettings
from handlers.admin import settings_views as v
from handlers.admin.settings_views import SettingsCb, SettingsInput
from handlers.common.actors import ActorSource, Transactions, acting_admin
from handlers.common.screens import show_screen
from handlers.filters import Magic, MenuButton, TypedText


class SettingsServices(ActorSource, Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def deadline_settings_changed(self) -> Callable[[], None]: ...
    @property
    def profiles(self) -> ProfileCache: ...
    @property
    def settings(self) -> Settings: ...


router = Router(name="admin-settings")
router.message.filter(Magic(F.chat.type == "private"))

Screen = tuple[str, InlineKeyboardMarkup]


# --------------------------------------------------------------------------- plumbing


def _tz(services: SettingsServices) -> ZoneInfo:
    return ZoneInfo(services.settings.timezone)


async def _load(services: SettingsServices) -> DeskSettings:
    async with services.reader() as uow:
        return await uc.load_desk_settings(uow)


def _category(value: str) -> Category:
    if value not in Category._value2member_map_:
        raise ValidationFailed(uc.ERROR_OUTDATED)
    return Category(value)


def _pair(arg: str) -> tuple[Category, Urgency, str]:
    """``category.urgency[.kind]`` of button data (forged data is "outdated")."""
    category, _, rest = arg.partition(".")
    urgency, _, kind = rest.partition(".")
    if urgency not in Urgency._value2member_map_:
        raise ValidationFailed(uc.ERROR_OUTDATED)
    return _category(category), Urgency(urgency), kind


def _home(t: BoundTranslator, settings: DeskSettings) -> Screen:
    return v.render_home(t, settings), v.home_keyboard(t)


def _category_screen(
    t: BoundTranslator, settings: DeskSettings, category: Category, tz: ZoneInfo
) -> Screen:
    rows = uc.effective_targets(settings, category, tz)
    return v.render_category(t, category, rows), v.category_keyboard(t, category, rows)


def _holidays(t: BoundTranslator, settings: DeskSettings) -> Screen:
    return v.render_holidays(t, settings), v.holidays_keyboard(t, settings)


def _weekdays(t: BoundTranslator, settings: DeskSettings) -> Screen:
    return v.render_weekdays(t, settings), v.weekdays_keyboard(t, settings)


def _desk(t: BoundTranslator, settings: DeskSettings, tz: ZoneInfo) -> Screen:
    return v.render_desk(t, settings, tz.key), v.desk_keyboard(t, settings)


def _screen_for(t: BoundTranslator, settings: DeskSettings, back_to: str, tz: ZoneInfo) -> Screen:
    """The screen a prompt was opened from: ``home``, ``hols``, ``desk`` or a category."""
    if back_to == v.A_HOLIDAYS:
        return _holidays(t, settings)
    if back_to == v.A_DESK:
        return _desk(t, settings, tz)
    if back_to in Category._value2member_map_:
        return _category_screen(t, settings, Category(back_to), tz)
    return _home(t, settings)


async def _show(query: CallbackQuery, screen: Screen) -> None:
    await show_screen(query, *screen)


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() == SettingsInput.value.state:
        await state.clear()


# --------------------------------------------------------------------------- screens


@router.message(Command("settings"))
@router.message(MenuButton("menu-settings"))
async def on_settings(
    message: Message, state: FSMContext, t: BoundTranslator, services: SettingsServices
) -> None:
    assert message.from_user is not None
    await acting_admin(services, message.from_user.id)
    await _leave_own_state(state)
    text, markup = _home(t, await _load(services))
    await message.answer(text, reply_markup=markup)


@router.callback_query(SettingsCb.filter(F.action.in_({v.A_HOME, v.A_CANCEL})))
async def on_home(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    settings = await _load(services)
    if callback_data.action == v.A_CANCEL:
        callback_answer.text = t("settings-nothing-changed")
        await _show(query, _screen_for(t, settings, callback_data.arg, _tz(services)))
        return
    await _show(query, _home(t, settings))


@router.callback_query(SettingsCb.filter(F.action == v.A_CATEGORY))
async def on_category(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
) -> None:
    await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    category = _category(callback_data.arg)
    await _show(query, _category_screen(t, await _load(services), category, _tz(services)))


@router.callback_query(SettingsCb.filter(F.action == v.A_WEEKDAYS))
async def on_weekdays(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: SettingsServices
) -> None:
    await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    await _show(query, _weekdays(t, await _load(services)))


@router.callback_query(SettingsCb.filter(F.action == v.A_HOLIDAYS))
async def on_holidays(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: SettingsServices
) -> None:
    await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    await _show(query, _holidays(t, await _load(services)))


# --------------------------------------------------------------------------- one-tap changes


@router.callback_query(SettingsCb.filter(F.action.in_({v.A_BUSINESS_FLAG, v.A_RESET})))
async def on_sla_tap(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    category, urgency, _ = _pair(callback_data.arg)
    tz = _tz(services)
    async with services.uow() as uow:
        if callback_data.action == v.A_RESET:
            settings = await uc.reset_sla_target(uow, actor, category, urgency)
        else:
            settings = await uc.toggle_sla_business_hours(uow, actor, category, urgency, tz)
    services.deadline_settings_changed()
    callback_answer.text = t("settings-saved")
    await _show(query, _category_screen(t, settings, category, tz))


@router.callback_query(SettingsCb.filter(F.action == v.A_WEEKDAY))
async def on_weekday(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    if not callback_data.arg.isdigit():
        raise ValidationFailed(uc.ERROR_OUTDATED)
    async with services.uow() as uow:
        settings = await uc.toggle_working_weekday(uow, actor, int(callback_data.arg))
    services.deadline_settings_changed()
    callback_answer.text = t("settings-saved")
    await _show(query, _weekdays(t, settings))


@router.callback_query(SettingsCb.filter(F.action == v.A_HOLIDAY_DEL))
async def on_holiday_remove(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    async with services.uow() as uow:
        settings = await uc.remove_holiday(uow, actor, callback_data.arg)
    services.deadline_settings_changed()
    callback_answer.text = t("settings-holiday-removed")
    await _show(query, _holidays(t, settings))


@router.callback_query(SettingsCb.filter(F.action == v.A_QUIET_OFF))
async def on_quiet_off(
    query: CallbackQuery,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    async with services.uow() as uow:
        settings = await uc.turn_off_quiet_hours(uow, actor)
    callback_answer.text = t("settings-saved")
    await _show(query, _home(t, settings))


# --------------------------------------------------------------------------- desk rules


@router.callback_query(SettingsCb.filter(F.action == v.A_DESK))
async def on_desk(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: SettingsServices
) -> None:
    await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    await _show(query, _desk(t, await _load(services), _tz(services)))


@router.callback_query(SettingsCb.filter(F.action.in_({v.A_FLAG, v.A_RECIPIENTS})))
async def on_desk_tap(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    async with services.uow() as uow:
        if callback_data.action == v.A_RECIPIENTS:
            settings = await rules.next_digest_recipients(uow, actor)
        else:
            key = v.FLAG_ARGS.get(callback_data.arg)
            if key is None:
                raise ValidationFailed(uc.ERROR_OUTDATED)
            settings = await rules.toggle_flag(uow, actor, key)
    services.profiles.clear()  # who may file or claim is read with the profile
    callback_answer.text = t("settings-saved")
    await _show(query, _desk(t, settings, _tz(services)))


def _page_arg(arg: str) -> int:
    if not arg.isdigit():
        raise ValidationFailed(uc.ERROR_OUTDATED)
    return int(arg)


@router.callback_query(SettingsCb.filter(F.action == v.A_BUILDINGS))
async def on_buildings(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    async with services.reader() as uow:
        page = await rules.buildings_page(uow, actor, _page_arg(callback_data.arg))
    await _show(query, (v.render_buildings(t, page), v.buildings_keyboard(t, page)))


@router.callback_query(SettingsCb.filter(F.action == v.A_AUTO))
async def on_auto_assign(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    building, value, page = [*callback_data.arg.split("."), "", "", ""][:3]
    if not building.isdigit() or value not in {"0", "1"}:
        raise ValidationFailed(uc.ERROR_OUTDATED)
    async with services.uow() as uow:
        await rules.toggle_auto_assign(uow, actor, int(building), value == "1")
    callback_answer.text = t("settings-saved")
    async with services.reader() as uow:
        listing = await rules.buildings_page(uow, actor, _page_arg(page or "0"))
    await _show(query, (v.render_buildings(t, listing), v.buildings_keyboard(t, listing)))


# --------------------------------------------------------------------------- typed values


def _prompt(
    t: BoundTranslator, settings: DeskSettings, field: str, arg: str, tz: ZoneInfo
) -> tuple[str, str]:
    """The question for a typed value and the screen Cancel goes back to."""
    if field == v.A_SLA:
        category, urgency, kind = _pair(arg)
        if kind not in {uc.SLA_KIND_ACCEPT, uc.SLA_KIND_COMPLETE}:
            raise ValidationFailed(uc.ERROR_OUTDATED)
        row = next(r for r in uc.effective_targets(settings, category, tz) if r.urgency is urgency)
        business = row.target.business_hours
        minutes = row.accept_minutes if kind == uc.SLA_KIND_ACCEPT else row.complete_minutes
        params: dict[str, Any] = {
            "category": t(f"category-{category.value}"),
            "urgency": t(f"urgency-{urgency.value}"),
            "current": v.format_duration(t, minutes, business=business),
        }
        text = t(
            "settings-ask-accept" if kind == uc.SLA_KIND_ACCEPT else "settings-ask-complete",
            **params,
        )
        if business:
            hours = settings.calendar(tz).hours_per_day
            text += "\n" + t(
                "settings-ask-business-note",
                day=v.format_duration(t, int(hours.total_seconds() // 60), business=True),
            )
        return text, category.value
    if field == v.A_BUSINESS_HOURS:
        return t(
            "settings-ask-business-hours",
            start=settings.business_day_start,
            end=settings.business_day_end,
        ), v.A_HOME
    if field == v.A_QUIET:
        return t("settings-ask-quiet", current=v.quiet_text(t, settings)), v.A_HOME
    if field == v.A_HOLIDAY_ADD:
        return t("settings-ask-holiday"), v.A_HOLIDAYS
    if field == v.A_PHONE:
        return t("settings-ask-phone", current=settings.dispatcher_phone), v.A_DESK
    if field == v.A_DIGEST_HOUR:
        return t("settings-ask-digest-hour", current=f"{settings.digest_hour:02d}:00"), v.A_DESK
    if field == v.A_OUTAGE_COUNT:
        return t(
            "incident-settings-ask-count",
            current=settings.outage_min_requests,
            min=rules.OUTAGE_COUNT_RANGE[0],
            max=rules.OUTAGE_COUNT_RANGE[1],
        ), v.A_DESK
    if field == v.A_OUTAGE_WINDOW:
        return t(
            "incident-settings-ask-window",
            current=settings.outage_window_minutes,
            min=rules.OUTAGE_WINDOW_RANGE[0],
            max=rules.OUTAGE_WINDOW_RANGE[1],
        ), v.A_DESK
    if field == v.A_AUTO_ACCEPT:
        return t(
            "settings-ask-auto-accept",
            min=uc.MIN_HOURS,
            max=uc.MAX_HOURS,
            current=settings.auto_accept_hours,
        ), v.A_HOME
    if field == v.A_REMINDER:
        return t(
            "settings-ask-reminder",
            max=max(1, settings.auto_accept_hours - 1),
            current=settings.auto_accept_reminder_hours,
        ), v.A_HOME
    return t(
        "settings-ask-follow-up",
        min=uc.MIN_HOURS,
        max=uc.MAX_HOURS,
        current=settings.follow_up_hours,
    ), v.A_HOME


@router.callback_query(
    SettingsCb.filter(
        F.action.in_(
            {
                v.A_SLA,
                v.A_BUSINESS_HOURS,
                v.A_QUIET,
                v.A_HOLIDAY_ADD,
                v.A_AUTO_ACCEPT,
                v.A_REMINDER,
                v.A_FOLLOW_UP,
                v.A_PHONE,
                v.A_DIGEST_HOUR,
                v.A_OUTAGE_COUNT,
                v.A_OUTAGE_WINDOW,
            }
        )
    )
)
async def on_ask(
    query: CallbackQuery,
    callback_data: SettingsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: SettingsServices,
) -> None:
    await acting_admin(services, query.from_user.id)
    settings = await _load(services)
    text, back_to = _prompt(t, settings, callback_data.action, callback_data.arg, _tz(services))
    await state.set_state(SettingsInput.value)
    await state.update_data(settings_field=callback_data.action, settings_arg=callback_data.arg)
    markup = v.cancel_keyboard(t, back_to, quiet_off=callback_data.action == v.A_QUIET)
    await _show(query, (text, markup))


async def _save_typed(
    services: SettingsServices, actor: Actor, field: str, arg: str, text: str | None
) -> DeskSettings:
    tz = _tz(services)
    async with services.uow() as uow:
        if field == v.A_SLA:
            category, urgency, kind = _pair(arg)
            return await uc.set_sla_duration(uow, actor, category, urgency, kind, text, tz)
        if field == v.A_BUSINESS_HOURS:
            return await uc.set_business_hours(uow, actor, text)
        if field == v.A_QUIET:
            return await uc.set_quiet_hours(uow, actor, text)
        if field == v.A_HOLIDAY_ADD:
            return await uc.add_holiday(uow, actor, text)
        if field == v.A_AUTO_ACCEPT:
            return await uc.set_auto_accept_hours(uow, actor, text)
        if field == v.A_REMINDER:
            return await uc.set_auto_accept_reminder_hours(uow, actor, text)
        if field == v.A_FOLLOW_UP:
            return await uc.set_follow_up_hours(uow, actor, text)
        if field == v.A_PHONE:
            return await rules.set_dispatcher_phone(uow, actor, text)
        if field == v.A_DIGEST_HOUR:
            return await rules.set_digest_hour(uow, actor, text)
        if field == v.A_OUTAGE_COUNT:
            return await rules.set_outage_min_requests(uow, actor, text)
        if field == v.A_OUTAGE_WINDOW:
            return await rules.set_outage_window(uow, actor, text)
    raise ValidationFailed(uc.ERROR_OUTDATED)


@router.message(
    StateFilter(SettingsInput.value),
    TypedText(),
)
async def on_value(
    message: Message, state: FSMContext, t: BoundTranslator, services: SettingsServices
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    field = str(data.get("settings_field", ""))
    arg = str(data.get("settings_arg", ""))
    try:
        actor = await acting_admin(services, message.from_user.id)
        settings = await _save_typed(services, actor, field, arg, message.text)
        services.deadline_settings_changed()  # open requests follow the new settings
    except NotAllowed:
        await state.clear()
        raise
    except ValidationFailed as error:
        if error.key == uc.ERROR_OUTDATED:
            await state.clear()
        raise  # still waiting: the value may be typed again, or Cancel pressed
    await state.clear()
    if field == v.A_HOLIDAY_ADD:
        await message.answer(t("settings-holiday-added"))
        text, markup = _holidays(t, settings)
    elif field == v.A_SLA:
        await message.answer(t("settings-saved"))
        text, markup = _category_screen(t, settings, _pair(arg)[0], _tz(services))
    elif field in {v.A_PHONE, v.A_DIGEST_HOUR, v.A_OUTAGE_COUNT, v.A_OUTAGE_WINDOW}:
        await message.answer(t("settings-saved"))
        text, markup = _desk(t, settings, _tz(services))
    else:
        await message.answer(t("settings-saved"))
        text, markup = _home(t, settings)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(SettingsInput.value), Magic(~F.text))
async def on_wrong_input(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    data = await state.get_data()
    field = str(data.get("settings_field", ""))
    back_to = v.A_HOME
    if field == v.A_HOLIDAY_ADD:
        back_to = v.A_HOLIDAYS
    elif field in {v.A_PHONE, v.A_DIGEST_HOUR, v.A_OUTAGE_COUNT, v.A_OUTAGE_WINDOW}:
        back_to = v.A_DESK
    elif field == v.A_SLA:
        back_to = str(data.get("settings_arg", "")).partition(".")[0]
    await message.answer(t("settings-text-hint"), reply_markup=v.cancel_keyboard(t, back_to))
