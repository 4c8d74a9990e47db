"""Long polling that loses no update.

aiogram's own polling confirms a batch (asks for the next offset) while the batch's
handlers still run, so a crash loses the updates in flight. Here a batch is first
handed to ``receive`` — which journals it in Postgres — and only then is the next
``getUpdates`` (the one that confirms it) sent. Updates are fetched as the JSON
Telegram sent, so that exactly that is journaled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30
"""Seconds Telegram holds a ``getUpdates`` open while there is nothing to send."""
_BACKOFF = (1.0, 2.0, 5.0, 10.0)

Receive = Callable[[list[dict[str, Any]]], Awaitable[object]]


class PollRefused(ConnectionError):
    """The Bot API answered ``getUpdates`` with an error; poll again after ``retry_after``."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


async def get_updates(
    http: aiohttp.ClientSession,
    url: str,
    offset: int | None,
    allowed: list[str],
    timeout: int = POLL_TIMEOUT,  # noqa: ASYNC109 - the long poll's own timeout, sent to Telegram
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"timeout": timeout, "allowed_updates": allowed}
    if offset is not None:
        body["offset"] = offset
    client_timeout = aiohttp.ClientTimeout(total=timeout + 15)
    async with http.post(url, json=body, timeout=client_timeout) as response:
        answer = await response.json(content_type=None)
    if not answer.get("ok"):
        code = answer.get("error_code")
        if code == 401:
            raise PermissionError("the bot token was rejected (401)")
        retry = (answer.get("parameters") or {}).get("retry_after")
        raise PollRefused(f"getUpdates failed: {code} {answer.get('description')}", retry)
    return list(answer["result"])


async def poll(bot: Bot, allowed: list[str], receive: Receive) -> None:
    """Polls until cancelled; each batch is confirmed only after ``receive`` returned."""
    # the bot's own HTTP session (connection pool, proxy settings): built by bot.app
    assert isinstance(bot.session, AiohttpSession)
    session = await bot.session.create_session()
    url = bot.session.api.api_url(token=bot.token, method="getUpdates")
    offset: int | None = None
    failures = 0
    log.info("long polling for updates (bot id %d)", bot.id)
    while True:
        try:
            updates = await get_updates(session, url, offset, allowed)
        except (aiohttp.ClientError, TimeoutError, PollRefused, ValueError) as error:
            retry = error.retry_after if isinstance(error, PollRefused) else None
            pause = float(retry or _BACKOFF[min(failures, len(_BACKOFF) - 1)])
            failures += 1
            log.warning("getUpdates failed, retrying", extra={"error": str(error), "in_s": pause})
            await asyncio.sleep(pause)
            continue
        failures = 0
        if not updates:
            continue
        await receive(updates)
        offset = int(updates[-1]["update_id"]) + 1
