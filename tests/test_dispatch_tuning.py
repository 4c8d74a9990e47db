"""Magic filters are checked on the event loop, never in a worker thread; a button press
is checked only by the routers that have a handler for its prefix."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.dispatch_tuning import gate_callbacks, run_filters_inline


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


class _JobCb(CallbackData, prefix="job"):
    job_id: int


class _TrackCb(CallbackData, prefix="trk"):
    request_id: int


def _press(data: str) -> Update:
    user = User(id=1, is_bot=False, first_name="A")
    return Update(
        update_id=2,
        callback_query=CallbackQuery(id="1", from_user=user, chat_instance="c", data=data),
    )


async def test_a_press_skips_routers_without_its_prefix_and_still_reaches_its_handler() -> None:
    seen: list[str] = []
    checked: list[str] = []

    def counted(name: str) -> Any:
        async def check(query: CallbackQuery) -> bool:
            checked.append(name)
            return True

        return check

    jobs, tracking, fallback = Router(name="jobs"), Router(name="tracking"), Router(name="fallback")

    @jobs.callback_query(counted("job"), _JobCb.filter())
    async def on_job(query: CallbackQuery, callback_data: _JobCb) -> None:
        seen.append(f"job {callback_data.job_id}")

    @tracking.callback_query(counted("trk"), _TrackCb.filter())
    async def on_track(query: CallbackQuery, callback_data: _TrackCb) -> None:
        seen.append(f"trk {callback_data.request_id}")

    @fallback.callback_query()
    async def on_unknown(query: CallbackQuery) -> None:
        seen.append("unknown")

    dp = Dispatcher()
    dp.include_routers(jobs, tracking, fallback)
    assert gate_callbacks(dp) == 2  # not the dispatcher, not the fallback: they take any press
    bot = Bot("42:TEST")
    for data in ("trk:7", "job:3", "jobs:1", "x"):
        await dp.feed_update(bot, _press(data))
    await bot.session.close()
    assert seen == ["trk 7", "job 3", "unknown", "unknown"]
    # the jobs router never looked at the tracking press, nor any router at "jobs:1"
    assert checked == ["trk", "job"]
