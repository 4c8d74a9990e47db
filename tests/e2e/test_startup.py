"""Start-up: long polling does not wait for the command menu, and a menu that cannot be
set is logged, never fatal."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import pytest
from aiogram import Dispatcher
from pydantic import SecretStr

from bot.app import Runtime, create_bot, polling
from bot.outbox import OutboxWorker
from sandbox.client import EmulatorClient
from tests.e2e.conftest import Desk

TOKEN = "7000000003:e2e-startup-token"


class _IdleOutbox:
    """Sends nothing until stopped (the desk's own outbox delivers)."""

    def __init__(self) -> None:
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        await self._stopped.wait()

    def stop(self) -> None:
        self._stopped.set()


@pytest.fixture
async def second_bot(desk: Desk) -> AsyncIterator[tuple[EmulatorClient, Runtime]]:
    """Another bot with a dispatcher of its own (aiogram routers attach to one dispatcher
    only: this one has none) on the desk's services, not polling yet."""
    emu = EmulatorClient(desk.emu.base_url, TOKEN)
    settings = desk.runtime.settings.model_copy(update={"bot_token": SecretStr(TOKEN)})
    bot = create_bot(settings)
    runtime = dataclasses.replace(
        desk.runtime,
        settings=settings,
        bot=bot,
        dispatcher=Dispatcher(),
        outbox=cast(OutboxWorker, _IdleOutbox()),
    )
    try:
        yield emu, runtime
    finally:
        await emu.clear_faults()
        await emu.close()
        await bot.session.close()


async def _eventually(check: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(200):  # 10 s
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{check.__name__}: still false after 10 s")


async def _first_calls(emu: EmulatorClient) -> dict[str, Any]:
    return dict((await emu.bot_info()).get("first_calls") or {})


async def test_polling_does_not_wait_for_the_command_menu(
    second_bot: tuple[EmulatorClient, Runtime],
) -> None:
    emu, runtime = second_bot
    await emu.inject_fault("setMyCommands", delay=3.0)  # the first call is held 3 s
    async with polling(runtime):

        async def polled() -> bool:
            return "getupdates" in await _first_calls(emu)

        await _eventually(polled)
        assert await emu.commands() == []  # the menu is still on its way

        async def menu_set() -> bool:
            return len(await emu.commands()) == 4  # default + one per language

        await _eventually(menu_set)


async def test_a_menu_that_cannot_be_set_is_logged_not_fatal(
    second_bot: tuple[EmulatorClient, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    emu, runtime = second_bot
    await emu.inject_fault("setMyCommands", error_code=500, description="menu is down")
    with caplog.at_level(logging.ERROR, logger="bot.services"):
        async with polling(runtime) as poller:

            async def logged() -> bool:
                return any(getattr(r, "task", None) == "commands" for r in caplog.records)

            await _eventually(logged)
            assert "getupdates" in await _first_calls(emu)
            assert not poller.done()
