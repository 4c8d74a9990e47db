"""An update that changed only the conversation (no database write) and whose process
died before recording it as handled is not handled a second time: the conversation's
write in Redis carries the mark that the update is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from aiogram import Dispatcher, F
from aiogram.client.bot import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.updates import UpdateRunner
from fsm.storage import FsmBackend, build_fsm_backend
from storage.repositories.inbox import SqlUpdateInbox
from tests.conftest import require_redis_url

pytestmark = pytest.mark.asyncio(loop_scope="session")

TOKEN = "7000000055:applied-token"
USER = 9_550_000_001


@pytest_asyncio.fixture(loop_scope="session")
async def fsm() -> AsyncIterator[FsmBackend]:
    url = require_redis_url()
    backend = build_fsm_backend(url, state_ttl=timedelta(days=1))
    yield backend
    await backend.close()


def _text(update_id: int, text: str) -> dict[str, Any]:
    person = {"id": USER, "is_bot": False, "first_name": "Applied"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": USER, "type": "private"},
            "from": person,
            "text": text,
        },
    }


async def test_a_conversation_only_update_is_not_handled_twice(
    engine: AsyncEngine, fsm: FsmBackend, clean_db: None
) -> None:
    handled: list[str] = []
    dp = Dispatcher(storage=fsm.storage, events_isolation=fsm.events_isolation)

    @dp.message(F.text)
    async def remember(message: Message, state: FSMContext) -> None:
        handled.append(message.text or "")
        await state.update_data(seen=[*(await state.get_data()).get("seen", []), message.text])

    bot = Bot(TOKEN)
    inbox = SqlUpdateInbox(engine, lease=timedelta(milliseconds=1))
    runner = UpdateRunner(dp, bot, inbox, applied=fsm.applied)
    try:
        [claim] = await inbox.receive(bot.id, [_text(501, "first")])
        task = runner.start(claim, _text(501, "first"))
        assert task is not None
        await task
        # as if the process died after the conversation was written, before "handled"
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE inbox_updates SET handled_at = NULL, outcome = NULL, "
                    "lease_until = now() - interval '1 second'"
                )
            )
        [(again, payload)] = await inbox.claim_stale(bot.id)
        assert again.attempts == 2
        task = runner.start(again, payload)
        assert task is not None
        await task
        assert handled == ["first"]  # not replayed
        async with engine.connect() as conn:
            outcome = await conn.scalar(text("SELECT outcome FROM inbox_updates"))
        assert outcome == "done"
        # an update whose attempt died before its conversation was written runs again
        await inbox.receive(bot.id, [_text(502, "second")])
        [(again, payload)] = await inbox.claim_stale(bot.id)
        task = runner.start(again, payload)
        assert task is not None
        await task
        assert handled == ["first", "second"]
    finally:
        await bot.session.close()
