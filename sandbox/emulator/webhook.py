"""Webhook delivery: POST each pending update to the bot's URL.

Up to ``max_connections`` requests are in flight, but never two for the same
chat/user, so updates of one conversation arrive in order (as with Telegram).
A failed delivery stays at the head of its chat's line and is retried after an
exponential backoff; while backing off nothing else is sent, which keeps the
overall order too.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

import aiohttp

from .state import BotState, EmulatorState, PendingUpdate, now_unix

log = logging.getLogger(__name__)


class WebhookDelivery:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200),
                timeout=aiohttp.ClientTimeout(total=self.state.config.webhook_timeout),
            )
        return self._session

    def start(self, bot: BotState) -> None:
        if bot.webhook_task is None or bot.webhook_task.done():
            bot.webhook_task = asyncio.create_task(self._run(bot), name=f"webhook-{bot.id}")
        bot.webhook_wake.set()

    def stop(self, bot: BotState) -> None:
        if bot.webhook_task is not None:
            bot.webhook_task.cancel()
            bot.webhook_task = None

    async def close(self) -> None:
        tasks = [b.webhook_task for b in self.state.bots.values() if b.webhook_task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self, bot: BotState) -> None:
        in_flight: dict[int, tuple[asyncio.Task[bool], int]] = {}  # update_id → (task, key)
        busy_keys: set[int] = set()
        failures = 0
        backoff_until = 0.0

        def wake(_task: asyncio.Task[bool]) -> None:
            bot.webhook_wake.set()

        try:
            while bot.webhook is not None:
                bot.webhook_wake.clear()
                now = time.monotonic()
                limit = bot.webhook.max_connections
                if now >= backoff_until and len(in_flight) < limit:
                    # Bounded scan from the head: a flood in one chat must not
                    # make every wake-up O(queue length).
                    for update in itertools.islice(bot.queue, limit * 4 + 16):
                        if len(in_flight) >= limit:
                            break
                        if update.done or update.update_id in in_flight or update.key in busy_keys:
                            continue
                        busy_keys.add(update.key)
                        task = asyncio.create_task(self._deliver(bot, update))
                        in_flight[update.update_id] = (task, update.key)
                        task.add_done_callback(wake)
                timeout = None if now >= backoff_until else backoff_until - now
                try:
                    async with asyncio.timeout(timeout):
                        await bot.webhook_wake.wait()
                except TimeoutError:
                    pass
                for update_id, (task, key) in list(in_flight.items()):
                    if not task.done():
                        continue
                    del in_flight[update_id]
                    busy_keys.discard(key)
                    ok = not task.cancelled() and task.exception() is None and task.result()
                    if ok:
                        failures = 0
                    else:
                        failures += 1
                        cfg = self.state.config
                        delay = min(
                            cfg.webhook_retry_max, cfg.webhook_retry_base * 2 ** (failures - 1)
                        )
                        backoff_until = time.monotonic() + delay
        finally:
            for task, _key in in_flight.values():
                task.cancel()

    async def _deliver(self, bot: BotState, update: PendingUpdate) -> bool:
        hook = bot.webhook
        if hook is None:
            return False
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._client().post(
                hook.url, data=update.body.encode(), headers=headers
            ) as resp:
                await resp.read()
                if 200 <= resp.status < 300:
                    bot.mark_delivered(update)
                    return True
                error = (
                    f"Wrong response from the webhook: {resp.status} {resp.reason or ''}".rstrip()
                )
        except TimeoutError:
            error = "Read timeout expired"
        except aiohttp.ClientConnectorError:
            error = "Connection refused"
        except aiohttp.ClientError as exc:
            error = f"Connection error: {type(exc).__name__}"
        bot.last_error_date = now_unix()
        bot.last_error_message = error
        log.debug("webhook delivery of update %s failed: %s", update.update_id, error)
        return False
