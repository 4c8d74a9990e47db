"""Update delivery: long polling, aiogram's Dispatcher, webhooks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.types import Message as TgMessage
from aiohttp import web

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator import EmulatorServer


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, alice: UserClient) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0)  # let the poll reach the server (not a wait for the answer)
    started = time.monotonic()
    await alice.send_text("ping")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in updates if u.message] == ["ping"]


async def test_offsets_limit_and_negative_offset(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    for i in range(5):
        await alice.send_text(f"m{i}")
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["m0", "m1"]
    again = await bot.get_updates(limit=2)  # not confirmed yet → same updates
    assert [u.update_id for u in again] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["m2", "m3", "m4"]
    assert rest[0].update_id == first[-1].update_id + 1
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last if u.message] == ["m4"]
    assert await bot.get_updates(offset=last[0].update_id + 1, timeout=0) == []
    assert (await emu.bot_info())["pending_update_count"] == 0


async def test_allowed_updates_filter_and_are_remembered(bot: Bot, alice: UserClient) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await alice.send_text("ignored")
    sent = await bot.send_message(
        alice.id,
        "btn",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="B", callback_data="b")]]
        ),
    )
    await alice.press("B", message=sent.message_id, wait_answer=False)
    updates = await bot.get_updates()  # no allowed_updates → the previous setting stays
    assert [u.event_type for u in updates] == ["callback_query"]
    assert updates[0].callback_query is not None
    assert updates[0].callback_query.chat_instance
    assert updates[0].callback_query.message is not None


async def test_second_poller_terminates_the_first(bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=1))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)
    second.cancel()


async def test_dispatcher_polling_message_and_callback(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: TgMessage) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="yes")]]
        )
        assert message.from_user is not None
        await message.answer(f"Hello, {message.from_user.first_name}!", reply_markup=markup)

    @router.callback_query(F.data == "yes")
    async def yes(query: CallbackQuery) -> None:
        assert isinstance(query.message, TgMessage)
        await query.message.edit_text("Confirmed")
        await query.answer("Done")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10))
    try:
        await alice.send_command("start")
        greeting = await alice.expect(r"Hello, Alice!")
        assert greeting.inline_buttons == [[("Yes", "yes")]]
        press = await alice.press("Yes")
        assert press.answered and press.text == "Done"
        edited = await alice.expect("Confirmed")
        assert edited.edited and edited.message_id == greeting.message_id
        await emu.assert_all_callbacks_answered(grace=1)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


# ----------------------------------------------------------------- webhooks


class Receiver:
    """A local webhook endpoint that fails the first ``fail`` deliveries with 500."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.attempts = 0
        self.event = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.fail > 0:
            self.fail -= 1
            return web.Response(status=500)
        self.received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        self.event.set()
        return web.Response(text="ok")

    async def wait_for(self, count: int, seconds: float = 5.0) -> None:
        async with asyncio.timeout(seconds):
            while len(self.received) < count:
                self.event.clear()
                await self.event.wait()


@pytest.fixture
async def receiver_url() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield receiver, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def test_webhook_secret_order_and_conflict(
    bot: Bot, alice: UserClient, receiver_url: tuple[Receiver, str]
) -> None:
    receiver, url = receiver_url
    assert await bot.set_webhook(url, secret_token="s3cr3t-TOKEN") is True
    for i in range(5):
        await alice.send_text(f"w{i}")
    await receiver.wait_for(5)
    texts = [body["message"]["text"] for body, _ in receiver.received]
    assert texts == [f"w{i}" for i in range(5)]
    assert {secret for _, secret in receiver.received} == {"s3cr3t-TOKEN"}
    info = await bot.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == []


async def test_webhook_redelivers_after_500(
    bot: Bot, alice: UserClient, receiver_url: tuple[Receiver, str]
) -> None:
    receiver, url = receiver_url
    receiver.fail = 2
    await bot.set_webhook(url)
    await alice.send_text("retry me")
    await alice.send_text("after")
    await receiver.wait_for(2)
    assert [b["message"]["text"] for b, _ in receiver.received] == ["retry me", "after"]
    assert receiver.attempts >= 4
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.pending_update_count == 0
    await bot.delete_webhook(drop_pending_updates=True)


async def test_webhook_reports_pending_and_drop(bot: Bot, alice: UserClient) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await alice.send_text("stuck")
    for _ in range(100):  # the first attempt fails quickly (connection refused)
        info = await bot.get_webhook_info()
        if info.last_error_message:
            break
        await asyncio.sleep(0.01)
    assert info.pending_update_count == 1
    assert info.last_error_message == "Connection refused"
    await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0


def test_update_json_is_compact_and_valid(emulator: EmulatorServer) -> None:
    bot_state = emulator.state.bot(999)
    bot_state.enqueue(
        "message", {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}, 1
    )
    body = bot_state.queue[-1].body
    assert json.loads(body)["message"]["message_id"] == 1
    assert " " not in body
