"""One-tap actions of an escalation card: extend the deadline, call the resident,
mark the resident contacted ("Reassign" is the desk's executor picker).

Thin handlers over ``domain.services.deadlines``: the use case re-checks that
the presser manages the request's building (or is an admin); anybody else gets
"not available". The router is not behind the managers' role filter, so a
forged press by a resident or an executor gets that same answer instead of
"outdated". Every press is answered (``CallbackAnswerMiddleware``); the pressed
card is edited to note what was done and by whom.
"""

from __future__ import annotations

import logging
from typing import Protocol

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from domain.access import NOT_AVAILABLE
from domain.enums import TimerKind
from domain.errors import NotAllowed
from domain.services.deadlines import extend_deadline, mark_contacted, resident_call_info
from domain.services.users import UserProfile
from fsm.escalation import EscalationCb, EscalationExtendCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.resident.tracking_views import format_when, plain


class EscalationServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


log = logging.getLogger(__name__)
router = Router(name="escalation")

MAX_NAME = 60


def _presser(query: CallbackQuery, profile: UserProfile | None) -> str:
    name = profile.first_name if profile is not None else query.from_user.first_name
    return plain(name or "—", MAX_NAME)


async def _note_on_card(query: CallbackQuery, note: str) -> None:
    """Adds ``note`` under the pressed card, keeping its buttons (a second press may follow)."""
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return
    try:
        await message.edit_text(f"{message.text}\n\n{note}", reply_markup=message.reply_markup)
    except TelegramBadRequest as error:  # too old or too long to edit: the answer told it
        log.warning("escalation card not edited", extra={"error": error.message})


@router.callback_query(EscalationExtendCb.filter())
async def on_extend(
    query: CallbackQuery,
    callback_data: EscalationExtendCb,
    t: BoundTranslator,
    services: EscalationServices,
    callback_answer: CallbackAnswer,
    profile: UserProfile | None = None,
) -> None:
    if callback_data.action != "ext":
        raise NotAllowed(NOT_AVAILABLE)
    actor = await acting_manager(services, query.from_user.id)
    now = services.clock.now()
    async with services.uow() as uow:
        planned = await extend_deadline(uow, actor, callback_data.request_id, callback_data.by, now)
        state = await uow.requests.get_state(callback_data.request_id)
    waiting = TimerKind.ACCEPT_OVERDUE in planned.timers
    due = planned.accept_due if waiting else planned.complete_due
    due_text = format_when(due, t.lang, services.tz, now) if due is not None else "—"
    number = state.number if state is not None else ""
    callback_answer.text = t("escalation-extended", number=number, due=due_text)
    await _note_on_card(
        query, t("escalation-extended-note", name=_presser(query, profile), due=due_text)
    )


@router.callback_query(EscalationCb.filter())
async def on_escalation_action(
    query: CallbackQuery,
    callback_data: EscalationCb,
    t: BoundTranslator,
    services: EscalationServices,
    callback_answer: CallbackAnswer,
    profile: UserProfile | None = None,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    request_id = callback_data.request_id
    if callback_data.action == "call":
        async with services.uow() as uow:
            facts = await resident_call_info(uow, actor, request_id)
            state = await uow.requests.get_state(request_id)
        name = plain(facts.author_name or "—", MAX_NAME)
        if not facts.author_phone:
            callback_answer.text = t("escalation-no-phone")
            callback_answer.show_alert = True
            return
        callback_answer.text = t("escalation-call", name=name, phone=facts.author_phone)
        callback_answer.show_alert = True
        bot = query.bot
        assert bot is not None
        # A message too: a phone number in a chat is one tap away from a call.
        await bot.send_message(
            query.from_user.id,
            t(
                "escalation-call-message",
                number=state.number if state is not None else "",
                name=name,
                phone=facts.author_phone,
            ),
        )
        return
    if callback_data.action == "contacted":
        now = services.clock.now()
        async with services.uow() as uow:
            await mark_contacted(uow, actor, request_id, now)
        callback_answer.text = t("escalation-contacted")
        at = format_when(now, t.lang, services.tz, now)
        await _note_on_card(
            query, t("escalation-contacted-note", name=_presser(query, profile), at=at)
        )
        return
    raise NotAllowed(NOT_AVAILABLE)
