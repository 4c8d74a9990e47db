"""Every filter of the product's routers runs on the event loop (aiogram sends any
other to a worker thread); a button press is checked only by the routers that have a
handler for its prefix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.callback_gates import gate_callbacks
from handlers import admin, executor, manager, resident
from handlers.common import fallback, invites, start
from handlers.errors import router as errors_router
from handlers.filters import Magic

PRODUCT_ROUTERS = (
    errors_router,
    invites.router,
    start.router,
    admin.router,
    manager.router,
    executor.router,
    resident.router,
    fallback.router,
)


def test_no_filter_of_the_product_runs_in_a_worker_thread() -> None:
    threaded = [
        f"{handler.callback.__module__}.{handler.callback.__name__}: {flt.callback!r}"
        for top in PRODUCT_ROUTERS
        for router in top.chain_tail
        for observer in router.observers.values()
        for handler in observer.handlers
        for flt in handler.filters or ()
        if not flt.awaitable
    ]
    # Wrap an F filter in handlers.filters.Magic and a state in aiogram's StateFilter.
    assert threaded == []


def _message(text: str | None) -> Update:
    chat = Chat(id=1, type="private")
    user = User(id=1, is_bot=False, first_name="A")
    message = Message(
        message_id=1, date=dt.datetime.now(dt.UTC), chat=chat, from_user=user, text=text
    )
    return Update(update_id=1, message=message)


async def test_magic_filters_filter_and_pass_their_values_on() -> None:
    seen: list[str] = []
    router = Router()
    router.message.filter(Magic(F.chat.type == "private"))

    @router.message(Magic(F.text.startswith("/echo ").as_("command")), Magic(F.text.len() > 7))
    async def echo(message: Message, command: bool) -> None:
        seen.append(f"echo {message.text} {command}")

    @router.message(Magic(F.text))
    async def other(message: Message) -> None:
        seen.append(f"other {message.text}")

    @router.message(Magic(~F.text))
    async def no_text(message: Message) -> None:
        seen.append("no text")

    dp = Dispatcher()
    dp.include_router(router)
    bot = Bot("42:TEST")
    for text in ("/echo hi", "/echo ", "bye", None):
        await dp.feed_update(bot, _message(text))
    await bot.session.close()
    assert seen == ["echo /echo hi True", "other /echo ", "other bye", "no text"]


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
    tracking_steps = Router(name="tracking-steps")
    tracking.include_router(tracking_steps)

    @jobs.callback_query(counted("job"), _JobCb.filter())
    async def on_job(query: CallbackQuery, callback_data: _JobCb) -> None:
        seen.append(f"job {callback_data.job_id}")

    @tracking_steps.callback_query(counted("trk"), _TrackCb.filter())
    async def on_track(query: CallbackQuery, callback_data: _TrackCb) -> None:
        seen.append(f"trk {callback_data.request_id}")

    @fallback.callback_query()
    async def on_unknown(query: CallbackQuery) -> None:
        seen.append("unknown")

    dp = Dispatcher()
    dp.include_routers(jobs, tracking, fallback)
    # not the dispatcher, not the fallback: they take any press
    assert gate_callbacks(dp) == 3
    bot = Bot("42:TEST")
    for data in ("trk:7", "job:3", "jobs:1", "x"):
        await dp.feed_update(bot, _press(data))
    await bot.session.close()
    assert seen == ["trk 7", "job 3", "unknown", "unknown"]
    # the jobs router never looked at the tracking press, nor any router at "jobs:1"
    assert checked == ["trk", "job"]
