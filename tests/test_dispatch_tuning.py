"""Magic filters are checked on the event loop, never in a worker thread."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import Chat, Message, Update, User

from bot.dispatch_tuning import run_filters_inline


def _update(text: str) -> Update:
    chat = Chat(id=1, type="private")
    user = User(id=1, is_bot=False, first_name="A")
    message = Message(
        message_id=1, date=dt.datetime.now(dt.UTC), chat=chat, from_user=user, text=text
    )
    return Update(update_id=1, message=message)


async def test_filters_run_inline_and_still_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    router = Router()
    router.message.filter(F.chat.type == "private")

    @router.message(F.text == "hello")
    async def hello(message: Message) -> None:
        seen.append("hello")

    @router.message(F.text)
    async def other(message: Message) -> None:
        seen.append("other")

    dp = Dispatcher()
    dp.include_router(router)
    assert run_filters_inline(dp) == 3

    async def no_threads(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a filter went to a worker thread")

    monkeypatch.setattr(asyncio, "to_thread", no_threads)
    bot = Bot("42:TEST")
    await dp.feed_update(bot, _update("hello"))
    await dp.feed_update(bot, _update("bye"))
    await bot.session.close()
    assert seen == ["hello", "other"]
