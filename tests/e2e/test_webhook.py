"""Webhook mode: the emulator posts updates to the bot's aiohttp server with the secret token."""

from __future__ import annotations

import contextlib
import dataclasses
import socket

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.app import create_bot
from bot.updates import UpdateRunner
from bot.web import WEBHOOK_PATH, create_web_app
from sandbox.client import EmulatorClient
from tests.e2e.conftest import Desk

WEBHOOK_TOKEN = "7000000002:e2e-webhook-token"
SECRET = "s3cret-token_for-webhook"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_receives_updates_with_the_secret(desk: Desk) -> None:
    # A second bot on the same dispatcher, in webhook mode (aiogram serves several bots).
    settings = desk.runtime.settings.model_copy(update={"bot_token": SecretStr(WEBHOOK_TOKEN)})
    bot = create_bot(settings)
    updates = UpdateRunner(desk.runtime.dispatcher, bot, desk.runtime.updates.inbox)
    runtime = dataclasses.replace(desk.runtime, bot=bot, updates=updates)
    port = _free_port()
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    runner = web.AppRunner(create_web_app(runtime, webhook_secret=SECRET))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    emu = EmulatorClient(desk.emu.base_url, WEBHOOK_TOKEN)
    try:
        await bot.set_webhook(url, secret_token=SECRET)
        user = await emu.create_user("Hooked", language_code="en", user_id=9_250_000_001)
        await user.send_command("start")
        await user.expect("Choose your language")
        await user.press("English")
        await user.expect("share your phone")

        async with aiohttp.ClientSession() as http:
            forged = await http.post(
                url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert forged.status == 401
            # Nothing Telegram would retry forever: a body that is no update is refused
            # (400), an update aiogram cannot read is accepted and skipped (200).
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for body in (
                b"{not json",
                b"[1, 2]",
                b"",
                b'{"update_id": "7"}',
                b"\xff\xfe",
                b'{"update_id": 99999999999999999999}',
                b'{"update_id": true}',
            ):
                answer = await http.post(url, data=body, headers=headers)
                assert answer.status == 400, body
            unreadable = {"update_id": 9_250_000_777, "message": "not a message"}
            answer = await http.post(url, json=unreadable, headers=headers)
            assert answer.status == 200
            # a redelivery of an update that was handled answers at once and does nothing
            first = {"update_id": 9_250_000_778}
            assert (await http.post(url, json=first, headers=headers)).status == 200
            assert (await http.post(url, json=first, headers=headers)).status == 200
            assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status == 200
            assert (await http.get(f"http://127.0.0.1:{port}/readyz")).status == 200
    finally:
        with contextlib.suppress(Exception):
            await bot.delete_webhook()
        await runner.cleanup()
        await bot.session.close()
        await emu.close()
