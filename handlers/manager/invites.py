"""Open invites (👥 People → 📨 Open invites): listed and revoked; and, when an executor
is deactivated with open jobs, the offer to hand those jobs back to the desk.

Thin handlers over ``domain.services.invites``.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.access import Actor
from domain.services.invites import (
    OpenInvite,
    hand_back_jobs,
    list_open_invites,
    open_jobs_count,
    revoke_invite,
)
from fsm.invites import HandBackCb, OpenInvitesCb
from fsm.staff import PeopleCb, PersonCb
from handlers.common.actors import ActorSource, Timekeeping, Transactions, acting_manager
from handlers.common.screens import show_screen


class InvitesServices(ActorSource, Transactions, Timekeeping, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


router = Router(name="invites")


def _line(t: BoundTranslator, invite: OpenInvite, tz: ZoneInfo) -> str:
    details = [t(f"specialization-{s}") for s in invite.specializations]
    details += list(invite.buildings)
    return t(
        "staff-invite-line",
        id=invite.id,
        role=t(f"role-{invite.role.value}"),
        details=", ".join(details) or "—",
        until=invite.expires_at.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
        by=invite.creator or "—",
    )


def render_invites(t: BoundTranslator, invites: list[OpenInvite], tz: ZoneInfo) -> str:
    lines = [t("staff-invites-title", count=len(invites))]
    if not invites:
        lines.append(t("staff-invites-empty"))
    lines += [_line(t, invite, tz) for invite in invites]
    return "\n".join(lines)


def invites_keyboard(t: BoundTranslator, invites: list[OpenInvite]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for invite in invites:
        builder.button(
            text=t("staff-btn-invite-revoke", id=invite.id),
            callback_data=OpenInvitesCb(action="revoke", invite_id=invite.id),
        )
    builder.button(text=t("staff-btn-invite"), callback_data=PeopleCb(action="invite"))
    builder.button(text=t("staff-btn-people"), callback_data=PeopleCb(action="page", page=0))
    builder.adjust(*([2] * (len(invites) // 2)), *([1] * (len(invites) % 2)), 1, 1)
    return builder.as_markup()


async def _invites_screen(
    services: InvitesServices, t: BoundTranslator, actor: Actor
) -> tuple[str, InlineKeyboardMarkup]:
    async with services.reader() as uow:
        invites = await list_open_invites(uow, actor, services.clock.now())
    return render_invites(t, invites, services.tz), invites_keyboard(t, invites)


@router.callback_query(OpenInvitesCb.filter(F.action == "list"))
async def on_invites(query: CallbackQuery, t: BoundTranslator, services: InvitesServices) -> None:
    actor = await acting_manager(services, query.from_user.id)
    await show_screen(query, *await _invites_screen(services, t, actor))


@router.callback_query(OpenInvitesCb.filter(F.action == "revoke"))
async def on_revoke(
    query: CallbackQuery,
    callback_data: OpenInvitesCb,
    t: BoundTranslator,
    services: InvitesServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.uow() as uow:
        await revoke_invite(uow, actor, callback_data.invite_id, services.clock.now())
    callback_answer.text = t("staff-invite-revoked", id=callback_data.invite_id)
    await show_screen(query, *await _invites_screen(services, t, actor))


# --------------------------------------------------------------------------- hand back


async def offer_hand_back(
    bot: Bot, services: InvitesServices, t: BoundTranslator, actor: Actor, user_id: int, page: int
) -> None:
    """After a deactivation: when the person still holds open jobs, ask the presser
    whether to return them to the desk (they are never left assigned silently)."""
    async with services.reader() as uow:
        count = await open_jobs_count(uow, actor, user_id)
    if not count:
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("staff-btn-hand-back", count=count),
        callback_data=HandBackCb(user_id=user_id, page=page),
    )
    builder.button(
        text=t("staff-btn-keep-jobs"),
        callback_data=PersonCb(action="open", user_id=user_id, page=page),
    )
    builder.adjust(1)
    await bot.send_message(
        actor.user_id, t("staff-hand-back-offer", count=count), reply_markup=builder.as_markup()
    )


@router.callback_query(HandBackCb.filter())
async def on_hand_back(
    query: CallbackQuery,
    callback_data: HandBackCb,
    t: BoundTranslator,
    services: InvitesServices,
    callback_answer: CallbackAnswer,
) -> None:
    actor = await acting_manager(services, query.from_user.id)
    async with services.uow() as uow:
        result = await hand_back_jobs(uow, actor, callback_data.user_id, services.clock.now())
    text = t("staff-hand-back-done", count=len(result.returned))
    if result.returned:
        text += "\n" + ", ".join(result.returned)
    if result.kept:
        text += "\n" + t("staff-hand-back-kept", count=result.kept)
    callback_answer.text = t("staff-hand-back-done", count=len(result.returned))
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("staff-btn-person-card"),
        callback_data=PersonCb(
            action="open", user_id=callback_data.user_id, page=callback_data.page
        ),
    )
    await show_screen(query, text, builder.as_markup())
