"""Rejection reason templates (managers and admins): the list, 🗑 and ➕ Add.

Thin handlers: load the actor, call one use case of ``domain.services.templates``,
render. Buttons carry an index and the list's version only; a press on a list
that changed since is refused as "outdated" by the use case (an alert through
``DomainErrorMiddleware``). Presses are answered by the middleware.
"""

from __future__ import annotations

from typing import Protocol

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.errors import DomainError, ValidationFailed
from domain.services.templates import (
    MAX_TEMPLATE_LENGTH,
    MIN_TEMPLATE_LENGTH,
    RejectTemplates,
    add_reject_template,
    list_reject_templates,
    remove_reject_template,
)
from fsm.desk import DeskPanelCb
from fsm.templates import TemplateInput, TemplatesCb
from handlers.common.actors import ActorSource, Transactions, acting_manager
from handlers.common.screens import show_screen
from handlers.filters import Magic, TypedText
from handlers.manager.desk_keyboards import template_text


class TemplatesServices(ActorSource, Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


router = Router(name="templates")
router.message.filter(Magic(F.chat.type == "private"))

BUTTON_TEXT = 48
"""A 🗑 button shows the beginning of its reason."""


def _short(text: str) -> str:
    return text if len(text) <= BUTTON_TEXT else text[: BUTTON_TEXT - 1] + "…"


def render_templates(t: BoundTranslator, templates: RejectTemplates) -> str:
    lines = [t("templates-title")]
    lines += [
        t("templates-line", index=index, text=template_text(t, template))
        for index, template in enumerate(templates.items, start=1)
    ]
    lines.append(t("templates-defaults-note" if templates.defaults else "templates-own-note"))
    return "\n".join(lines)


def templates_keyboard(t: BoundTranslator, templates: RejectTemplates) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not templates.defaults:  # the built-in reasons are replaced, never removed
        for index, template in enumerate(templates.items):
            builder.button(
                text=t(
                    "templates-btn-remove",
                    index=index + 1,
                    text=_short(template_text(t, template)),
                ),
                callback_data=TemplatesCb(action="del", index=index, version=templates.version),
            )
    if templates.can_add:
        builder.button(text=t("templates-btn-add"), callback_data=TemplatesCb(action="add"))
    builder.button(text=t("desk-btn-panel"), callback_data=DeskPanelCb(action="show"))
    builder.adjust(1)
    return builder.as_markup()


def _cancel_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("desk-btn-abort"), callback_data=TemplatesCb(action="cancel"))
    return builder.as_markup()


async def _screen(
    services: TemplatesServices, t: BoundTranslator
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        templates = await list_reject_templates(uow)
    return render_templates(t, templates), templates_keyboard(t, templates)


async def _leave_own_state(state: FSMContext) -> None:
    if await state.get_state() == TemplateInput.text.state:
        await state.clear()


@router.callback_query(TemplatesCb.filter(F.action.in_({"show", "cancel"})))
async def on_templates(
    query: CallbackQuery,
    callback_data: TemplatesCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TemplatesServices,
    callback_answer: CallbackAnswer,
) -> None:
    await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    if callback_data.action == "cancel":
        callback_answer.text = t("desk-nothing-changed")
    text, markup = await _screen(services, t)
    await show_screen(query, text, markup)


@router.callback_query(TemplatesCb.filter(F.action == "add"))
async def on_add(
    query: CallbackQuery, state: FSMContext, t: BoundTranslator, services: TemplatesServices
) -> None:
    await acting_manager(services, query.from_user.id)
    await state.set_state(TemplateInput.text)
    await show_screen(
        query,
        t("templates-ask-text", min=MIN_TEMPLATE_LENGTH, max=MAX_TEMPLATE_LENGTH),
        _cancel_keyboard(t),
    )


@router.callback_query(TemplatesCb.filter(F.action == "del"))
async def on_remove(
    query: CallbackQuery,
    callback_data: TemplatesCb,
    state: FSMContext,
    t: BoundTranslator,
    services: TemplatesServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await _leave_own_state(state)
    async with services.uow() as uow:
        templates = await remove_reject_template(
            uow, actor, callback_data.index, version=callback_data.version or None
        )
    callback_answer.text = t("templates-removed")
    await show_screen(query, render_templates(t, templates), templates_keyboard(t, templates))


@router.message(
    StateFilter(TemplateInput.text),
    TypedText(),
)
async def on_text(
    message: Message, state: FSMContext, t: BoundTranslator, services: TemplatesServices
) -> None:
    assert message.from_user is not None
    actor = await acting_manager(services, message.from_user.id)
    try:
        async with services.uow() as uow:
            templates = await add_reject_template(uow, actor, message.text)
    except DomainError as error:
        if not isinstance(error, ValidationFailed) or error.key == "templates-error-too-many":
            await state.clear()  # the text may be typed again after a fixable mistake
        raise
    await state.clear()
    await message.answer(t("templates-added"))
    await message.answer(
        render_templates(t, templates), reply_markup=templates_keyboard(t, templates)
    )


@router.message(StateFilter(TemplateInput.text), Magic(~F.text))
async def on_wrong_input(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("templates-text-hint"), reply_markup=_cancel_keyboard(t))
