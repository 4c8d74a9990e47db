"""Inline mode: ``@bot 2511`` lists matching requests, ``@bot exec:ivan`` executors.

Only managers and admins get results; anybody else gets an empty list. A
picked request posts a short card with a button that opens the staff card in
the presser's private chat with the bot (access is checked again there).
"""

from __future__ import annotations

from typing import Protocol

from aiogram import Router
from aiogram.types import (
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from aiogram.types.inline_query_result_union import InlineQueryResultUnion

from bot.i18n import BoundTranslator
from domain.services.desk import find_executors, search_requests
from handlers.common.actors import ActorSource, Transactions
from handlers.manager.desk_keyboards import open_in_bot_keyboard
from handlers.manager.desk_views import item_line
from handlers.resident.tracking_views import plain


class InlineServices(ActorSource, Transactions, Protocol):
    """What these handlers use of the bot's services (``bot.services.Services``
    is one): aiogram passes it as ``services``."""


router = Router(name="desk-inline")

EXECUTOR_PREFIX = "exec:"
MAX_RESULTS = 20


@router.inline_query()
async def on_inline_query(query: InlineQuery, t: BoundTranslator, services: InlineServices) -> None:
    actor = await services.actor(query.from_user.id)
    text = query.query.strip()
    if actor is None or not actor.is_staff_manager or not text:
        await query.answer([], cache_time=0, is_personal=True)
        return
    results: list[InlineQueryResultUnion] = []
    async with services.reader() as uow:
        if text.lower().startswith(EXECUTOR_PREFIX):
            for person in await find_executors(
                uow, actor, text[len(EXECUTOR_PREFIX) :], MAX_RESULTS
            ):
                duty = t("desk-on-duty" if person.on_duty else "desk-off-duty")
                summary = t(
                    "desk-inline-executor",
                    name=plain(person.name, 60),
                    phone=person.phone or "—",
                    duty=duty,
                    count=person.open_jobs,
                )
                results.append(
                    InlineQueryResultArticle(
                        id=f"e{person.user_id}",
                        title=plain(person.name, 60) or "—",
                        description=t(
                            "desk-inline-executor-short", duty=duty, count=person.open_jobs
                        ),
                        input_message_content=InputTextMessageContent(message_text=summary),
                    )
                )
        else:
            for item in await search_requests(uow, actor, text, MAX_RESULTS):
                line = item_line(t, item)
                results.append(
                    InlineQueryResultArticle(
                        id=f"r{item.id}",
                        title=t(
                            "desk-inline-title",
                            number=item.number,
                            status=t(f"status-{item.status}"),
                        ),
                        description=line,
                        input_message_content=InputTextMessageContent(
                            message_text=t(
                                "desk-inline-card",
                                line=line,
                                urgency=t(f"urgency-{item.urgency}"),
                            )
                        ),
                        reply_markup=open_in_bot_keyboard(t, item.id),
                    )
                )
    await query.answer(results, cache_time=0, is_personal=True)
