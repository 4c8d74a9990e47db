"""🧾 The audit log for admins (from ⚙️ Settings or ``/audit``): who changed what, when
and on what, newest first, a page at a time; filtered by the person who acted or by
a request number; exported in full to CSV (UTF-8 with a BOM).

Thin handlers: ``domain.services.audit_view`` checks the admin and the filters; the
rows come from ``storage.repositories.audit.SqlAuditReader``.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
import os
import tempfile
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import Actor
from domain.services import audit_view as uc
from domain.services.audit_view import AuditEntry, AuditFilter, AuditPage, PersonChoice
from fsm.audit import AuditCb, AuditInput
from handlers.admin.settings_views import A_HOME, SettingsCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_admin
from handlers.common.screens import show_screen
from handlers.filters import Magic, TypedText
from storage.repositories.audit import SqlAuditReader


class AuditServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]: ...


router = Router(name="admin-audit")
router.message.filter(Magic(F.chat.type == "private"))


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() in {AuditInput.person.state, AuditInput.request.state}:
        await state.clear()


def _when(entry: AuditEntry, tz: ZoneInfo) -> str:
    return entry.at.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def _action(t: BoundTranslator, action: str) -> str:
    key = uc.action_key(action)
    return t(key) if t.translator.has(key) else action


def _details(entry: AuditEntry) -> str:
    shown = ", ".join(f"{key}={value}" for key, value in entry.data.items() if key != "previous")
    text = f"{entry.entity} {entry.entity_id}" + (f": {shown}" if shown else "")
    return text if len(text) <= 90 else text[:89] + "…"


def _who(t: BoundTranslator, entry: AuditEntry) -> str:
    if entry.actor_id is None:
        return t("audit-system")
    return entry.actor_name or str(entry.actor_id)


def render_page(t: BoundTranslator, page: AuditPage, tz: ZoneInfo, label: str | None) -> str:
    lines = [t("audit-title", total=page.total, page=page.page + 1, pages=page.pages)]
    if label:
        lines.append(t("audit-filter", value=label))
    lines.append("")
    if not page.entries:
        lines.append(t("audit-empty"))
    for entry in page.entries:
        lines.append(
            t(
                "audit-line",
                when=_when(entry, tz),
                who=_who(t, entry),
                action=_action(t, entry.action),
                details=_details(entry),
            )
        )
    return "\n".join(lines)


def page_keyboard(t: BoundTranslator, page: AuditPage) -> InlineKeyboardMarkup:
    where = page.filter
    user, request = where.actor_id or 0, where.request_id or 0
    builder = InlineKeyboardBuilder()
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(
            text=t("nav-prev"),
            callback_data=AuditCb(action="show", page=page.page - 1, user=user, request=request),
        )
    if page.page + 1 < page.pages:
        nav.button(
            text=t("nav-next"),
            callback_data=AuditCb(action="show", page=page.page + 1, user=user, request=request),
        )
    builder.attach(nav)
    rows = InlineKeyboardBuilder()
    rows.button(text=t("audit-btn-person"), callback_data=AuditCb(action="person"))
    rows.button(text=t("audit-btn-request"), callback_data=AuditCb(action="request"))
    if user or request:
        rows.button(text=t("audit-btn-clear"), callback_data=AuditCb(action="show"))
    rows.button(
        text=t("audit-btn-csv"), callback_data=AuditCb(action="csv", user=user, request=request)
    )
    rows.button(text=t("settings-btn-back"), callback_data=SettingsCb(action=A_HOME))
    rows.adjust(2, *([1] * 3))
    builder.attach(rows)
    return builder.as_markup()


def people_keyboard(t: BoundTranslator, people: list[PersonChoice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for person in people:
        builder.button(
            text=f"{person.name} · {person.id}",
            callback_data=AuditCb(action="pick", user=person.id),
        )
    builder.button(text=t("settings-btn-cancel"), callback_data=AuditCb(action="show"))
    builder.adjust(1)
    return builder.as_markup()


def cancel_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("settings-btn-cancel"), callback_data=AuditCb(action="show"))
    return builder.as_markup()


async def _label(services: AuditServices, t: BoundTranslator, where: AuditFilter) -> str | None:
    if where.request_id is not None:
        async with services.reader() as uow:
            state = await uow.requests.get_state(where.request_id)
        number = state.number if state is not None else str(where.request_id)
        return t("audit-filter-request", number=number)
    if where.actor_id is not None:
        async with services.reader() as uow:
            profile = await uow.users.get_profile(where.actor_id)
        name = (profile.full_name or profile.first_name) if profile else str(where.actor_id)
        return t("audit-filter-person", name=name)
    return None


async def _screen(
    services: AuditServices, t: BoundTranslator, actor: Actor, where: AuditFilter, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        found = await uc.audit_page(SqlAuditReader(uow.session), actor, where, page)
    text = render_page(t, found, services.tz, await _label(services, t, where))
    return text, page_keyboard(t, found)


def _filter(callback_data: AuditCb) -> AuditFilter:
    return AuditFilter(
        actor_id=callback_data.user or None, request_id=callback_data.request or None
    )


@router.message(Command("audit"))
async def on_audit_command(
    message: Message, state: FSMContext, t: BoundTranslator, services: AuditServices
) -> None:
    assert message.from_user is not None
    actor = await acting_admin(services, message.from_user.id)
    await _leave_own_state(state)
    text, markup = await _screen(services, t, actor, AuditFilter(), 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AuditCb.filter(F.action.in_({"show", "pick"})))
async def on_page(
    query: CallbackQuery,
    callback_data: AuditCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AuditServices,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    await show_screen(
        query, *await _screen(services, t, actor, _filter(callback_data), callback_data.page)
    )


@router.callback_query(AuditCb.filter(F.action.in_({"person", "request"})))
async def on_ask(
    query: CallbackQuery,
    callback_data: AuditCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AuditServices,
) -> None:
    await acting_admin(services, query.from_user.id)
    if callback_data.action == "person":
        await state.set_state(AuditInput.person)
        await show_screen(query, t("audit-ask-person"), cancel_keyboard(t))
    else:
        await state.set_state(AuditInput.request)
        await show_screen(query, t("audit-ask-request"), cancel_keyboard(t))


@router.message(StateFilter(AuditInput.person), TypedText())
async def on_person(
    message: Message, state: FSMContext, t: BoundTranslator, services: AuditServices
) -> None:
    assert message.from_user is not None
    actor = await acting_admin(services, message.from_user.id)
    async with services.reader() as uow:
        people = await uc.find_people(SqlAuditReader(uow.session), actor, message.text)
    await state.clear()
    if len(people) == 1:
        text, markup = await _screen(services, t, actor, AuditFilter(actor_id=people[0].id), 0)
        await message.answer(text, reply_markup=markup)
        return
    await message.answer(t("audit-pick-person"), reply_markup=people_keyboard(t, people))


@router.message(StateFilter(AuditInput.request), TypedText())
async def on_request(
    message: Message, state: FSMContext, t: BoundTranslator, services: AuditServices
) -> None:
    assert message.from_user is not None
    actor = await acting_admin(services, message.from_user.id)
    async with services.reader() as uow:
        where = await uc.request_filter(SqlAuditReader(uow.session), actor, message.text)
    await state.clear()
    text, markup = await _screen(services, t, actor, where, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AuditCb.filter(F.action == "csv"))
async def on_csv(
    query: CallbackQuery,
    callback_data: AuditCb,
    state: FSMContext,
    t: BoundTranslator,
    services: AuditServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_admin(services, query.from_user.id)
    await _leave_own_state(state)
    where = _filter(callback_data)
    handle, name = tempfile.mkstemp(prefix="ukbot-audit-", suffix=".csv")
    os.close(handle)
    try:
        count = await _write_csv(services, t, actor, where, name)
        assert query.bot is not None
        callback_answer.text = t("reports-preparing")
        await query.bot.send_document(
            query.from_user.id,
            FSInputFile(name, filename="audit.csv"),
            caption=t("audit-csv-caption", count=count),
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


async def _write_csv(
    services: AuditServices, t: BoundTranslator, actor: Actor, where: AuditFilter, path: str
) -> int:
    uc.ensure_admin(actor)
    tz = services.tz
    header = [t(f"audit-col-{key}") for key in ("at", "actor-id", "actor", "action", "entity")]
    header += [t("audit-col-entity-id"), t("audit-col-data")]
    file = await asyncio.to_thread(open, path, "w", encoding="utf-8-sig", newline="")
    count = 0
    try:
        writer = csv.writer(file)
        await asyncio.to_thread(writer.writerow, header)
        async with services.session_factory() as session, session.begin():
            async for entries in SqlAuditReader(session).stream(where, batch=2000):
                rows = [
                    [
                        _when(entry, tz),
                        entry.actor_id or "",
                        _who(t, entry),
                        _action(t, entry.action),
                        entry.entity,
                        entry.entity_id,
                        json.dumps(entry.data, ensure_ascii=False, default=str),
                    ]
                    for entry in entries
                ]
                await asyncio.to_thread(writer.writerows, rows)
                count += len(rows)
    finally:
        await asyncio.to_thread(file.close)
    return count
