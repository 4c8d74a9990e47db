"""📊 Reports for managers and admins: a digest on demand (with its chart) and the
export of a period's requests to XLSX or CSV (``/export``).

Thin handlers: the scope and the period are checked by ``domain.services.reports``
(a manager gets their buildings, an admin everything; a forged building is "not
available"); the numbers come from SQL. An export is prepared in the background:
the press is answered at once with "preparing…", the rows are streamed from a
server-side cursor into a file by a writer process, then the file is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any, Protocol

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.digests import build_digest, period_text, scope_label, send_digest
from bot.exports import build_export
from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import Actor
from domain.errors import NotAllowed, ValidationFailed
from domain.services.reports import (
    ERROR_DATES,
    ExportFormat,
    Period,
    PeriodKey,
    ReportScope,
    parse_period,
    period_for,
    report_scope,
)
from fsm.reports import ReportsCb, ReportsInput
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.common.screens import show_screen
from handlers.filters import Magic, MenuButton, TypedText
from storage.repositories.reports import SqlDigestLog


class ReportsServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]: ...
    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None: ...


log = logging.getLogger(__name__)

router = Router(name="reports")
router.message.filter(Magic(F.chat.type == "private"))

BUILDINGS_SHOWN = 10
EXPORT_PERIODS = (
    PeriodKey.THIS_WEEK,
    PeriodKey.LAST_WEEK,
    PeriodKey.THIS_MONTH,
    PeriodKey.LAST_MONTH,
)
DIGEST_PERIODS = (PeriodKey.YESTERDAY, PeriodKey.THIS_WEEK, PeriodKey.LAST_WEEK)


def _today(services: ReportsServices) -> Period:
    return period_for(PeriodKey.TODAY, services.clock.now().astimezone(services.tz).date())


def _period(services: ReportsServices, key: str) -> Period:
    return period_for(key, _today(services).start)


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() == ReportsInput.dates.state:
        await state.clear()


# --------------------------------------------------------------------------- screens


def home_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in DIGEST_PERIODS:
        builder.button(
            text=t("reports-btn-digest", period=t(f"reports-period-{key.value}")),
            callback_data=ReportsCb(action="digest", period=key.value),
        )
    builder.button(text=t("reports-btn-export"), callback_data=ReportsCb(action="export"))
    builder.adjust(1)
    return builder.as_markup()


def periods_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in EXPORT_PERIODS:
        builder.button(
            text=t(f"reports-period-{key.value}"),
            callback_data=ReportsCb(action="period", period=key.value),
        )
    builder.button(text=t("reports-btn-dates"), callback_data=ReportsCb(action="ask"))
    builder.button(text=t("reports-btn-back"), callback_data=ReportsCb(action="home"))
    builder.adjust(2, 2, 1, 1)
    return builder.as_markup()


def scope_keyboard(
    t: BoundTranslator,
    period: Period,
    everything: bool,
    buildings: list[tuple[int, str]],
    page: int,
    more: bool,
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("reports-btn-all-buildings" if everything else "reports-btn-my-buildings"),
        callback_data=ReportsCb(action="scope", period=period.key),
    )
    for building_id, address in buildings:
        builder.button(
            text=address[:60],
            callback_data=ReportsCb(action="scope", period=period.key, building=building_id),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(
            text=t("nav-prev"),
            callback_data=ReportsCb(action="period", period=period.key, page=page - 1),
        )
    if more:
        nav.button(
            text=t("nav-next"),
            callback_data=ReportsCb(action="period", period=period.key, page=page + 1),
        )
    builder.attach(nav)
    back = InlineKeyboardBuilder()
    back.button(text=t("reports-btn-back"), callback_data=ReportsCb(action="export"))
    builder.attach(back)
    return builder.as_markup()


def format_keyboard(t: BoundTranslator, period: Period, building: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for fmt in ExportFormat:
        builder.button(
            text=t(f"reports-btn-{fmt.value}"),
            callback_data=ReportsCb(
                action="file", period=period.key, building=building, fmt=fmt.value
            ),
        )
    builder.button(
        text=t("reports-btn-back"), callback_data=ReportsCb(action="period", period=period.key)
    )
    builder.adjust(2, 1)
    return builder.as_markup()


def cancel_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("reports-btn-cancel"), callback_data=ReportsCb(action="export"))
    return builder.as_markup()


@router.message(Command("reports"))
@router.message(MenuButton("menu-reports"))
async def on_reports(
    message: Message, state: FSMContext, t: BoundTranslator, services: ReportsServices
) -> None:
    assert message.from_user is not None
    await acting_manager(services, message.from_user.id)
    await _leave_own_state(state)
    await message.answer(t("reports-title"), reply_markup=home_keyboard(t))


@router.message(Command("export"))
async def on_export_command(
    message: Message, state: FSMContext, t: BoundTranslator, services: ReportsServices
) -> None:
    assert message.from_user is not None
    await acting_manager(services, message.from_user.id)
    await _leave_own_state(state)
    await message.answer(t("reports-export-title"), reply_markup=periods_keyboard(t))


@router.callback_query(ReportsCb.filter(F.action.in_({"home", "export"})))
async def on_screen(
    query: CallbackQuery,
    callback_data: ReportsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ReportsServices,
) -> None:
    await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    if callback_data.action == "home":
        await show_screen(query, t("reports-title"), home_keyboard(t))
    else:
        await show_screen(query, t("reports-export-title"), periods_keyboard(t))


async def _scope_screen(
    services: ReportsServices, t: BoundTranslator, actor: Actor, period: Period, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    scope = report_scope(actor)
    async with services.reader() as uow:
        found = await SqlDigestLog(uow.session).buildings(
            scope, BUILDINGS_SHOWN + 1, offset=page * BUILDINGS_SHOWN
        )
    everything = scope.scope.building_ids is None
    text = t("reports-scope-title", period=period_text(period))
    more = len(found) > BUILDINGS_SHOWN
    return text, scope_keyboard(t, period, everything, found[:BUILDINGS_SHOWN], page, more)


@router.callback_query(ReportsCb.filter(F.action == "period"))
async def on_period(
    query: CallbackQuery,
    callback_data: ReportsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ReportsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    period = _period(services, callback_data.period)
    await show_screen(query, *await _scope_screen(services, t, actor, period, callback_data.page))


@router.callback_query(ReportsCb.filter(F.action == "scope"))
async def on_scope(
    query: CallbackQuery,
    callback_data: ReportsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ReportsServices,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    period = _period(services, callback_data.period)
    scope = report_scope(actor, callback_data.building or None)
    text = t(
        "reports-format-title",
        period=period_text(period),
        scope=await scope_label(services, t, scope),
    )
    await show_screen(query, text, format_keyboard(t, period, callback_data.building))


@router.callback_query(ReportsCb.filter(F.action == "ask"))
async def on_ask_dates(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: ReportsServices
) -> None:
    await acting_manager(services, query.from_user.id)
    await state.set_state(ReportsInput.dates)
    await show_screen(query, t("reports-ask-dates"), cancel_keyboard(t))


@router.message(
    StateFilter(ReportsInput.dates),
    TypedText(),
)
async def on_dates(
    message: Message, state: FSMContext, t: BoundTranslator, services: ReportsServices
) -> None:
    assert message.from_user is not None
    try:
        actor = await acting_manager(services, message.from_user.id)
    except NotAllowed:
        await state.clear()
        raise
    period = parse_period(message.text)  # a refused value keeps waiting (or Cancel)
    await state.clear()
    text, markup = await _scope_screen(services, t, actor, period)
    await message.answer(text, reply_markup=markup)


@router.message(StateFilter(ReportsInput.dates), Magic(~F.text))
async def on_wrong_dates(message: Message, t: BoundTranslator) -> None:
    await message.answer(t(ERROR_DATES), reply_markup=cancel_keyboard(t))


# --------------------------------------------------------------------------- results


@router.callback_query(ReportsCb.filter(F.action == "digest"))
async def on_digest(
    query: CallbackQuery,
    callback_data: ReportsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ReportsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    if callback_data.period not in {key.value for key in DIGEST_PERIODS}:
        raise ValidationFailed("callback-outdated")
    period = _period(services, callback_data.period)
    digest = await build_digest(services, t, report_scope(actor), period)
    assert query.bot is not None
    callback_answer.text = t("reports-digest-sent")
    await send_digest(query.bot, query.from_user.id, digest, t)


@router.callback_query(ReportsCb.filter(F.action == "file"))
async def on_file(
    query: CallbackQuery,
    callback_data: ReportsCb,
    state: FSMContext,
    t: BoundTranslator,
    services: ReportsServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    if callback_data.fmt not in ExportFormat._value2member_map_:
        raise ValidationFailed("callback-outdated")
    period = _period(services, callback_data.period)
    scope = report_scope(actor, callback_data.building or None)
    assert query.bot is not None
    callback_answer.text = t("reports-preparing")
    notice = await query.bot.send_message(query.from_user.id, t("reports-preparing"))
    services.spawn(
        _export(
            query.bot,
            services,
            t,
            query.from_user.id,
            notice.message_id,
            scope,
            period,
            ExportFormat(callback_data.fmt),
        ),
        name=f"export-{query.from_user.id}",
    )


async def _export(
    bot: Bot,
    services: ReportsServices,
    t: BoundTranslator,
    chat_id: int,
    notice_id: int,
    scope: ReportScope,
    period: Period,
    fmt: ExportFormat,
) -> None:
    """Build the file and send it; the "preparing…" notice says how it ended."""
    try:
        exported = await build_export(
            services.session_factory, scope, period, fmt, t, services.tz, services.clock.now()
        )
    except Exception:
        log.exception("export failed", extra={"user_id": chat_id})
        await bot.edit_message_text(
            t("reports-export-failed"), chat_id=chat_id, message_id=notice_id
        )
        return
    try:
        await bot.send_document(
            chat_id,
            FSInputFile(exported.path, filename=exported.filename),
            caption=t(
                "reports-export-caption",
                period=period_text(period),
                scope=await scope_label(services, t, scope),
                count=exported.rows,
            ),
        )
        await bot.edit_message_text(
            t("reports-export-done", count=exported.rows), chat_id=chat_id, message_id=notice_id
        )
    finally:
        exported.remove()
