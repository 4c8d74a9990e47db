"""Several bot processes behind one long poll (``UKBOT_WORKERS``).

One Python process runs on one core. Telegram lets only one client poll a bot's
updates (a second ``getUpdates`` is answered 409), so with ``UKBOT_WORKERS=N`` the
``ukbot run`` process polls and N worker processes handle what it receives. Each
update goes to the worker chosen by its user's id: one person's updates are handled
by one process in the order they came, and the Redis conversation lock (required:
several processes share conversation state only through Redis) covers the rest.

The polling process also runs what must exist once: the outbox (its flood limits are
per bot, not per process), the deadline sweeper and the command menu. A worker that
committed notifications tells it through its standard output, so delivery starts at
once instead of at the outbox's next poll.

Updates travel as the JSON Telegram sent, one per line on the worker's standard input:
the poller does not parse them into models, the worker does (``feed_raw_update``).
A worker that dies stops the whole bot with an error, so that the service manager
restarts it whole; the updates that worker had not finished are lost, as they would be
when a single process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import aiohttp
from aiogram.client.session.aiohttp import AiohttpSession

from bot import heap
from bot.app import SETTLE_AFTER_START, Runtime, once_per_bot, open_runtime
from bot.settings import Settings
from storage.db import resolve_database_url

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30
"""Seconds Telegram holds a ``getUpdates`` open while there is nothing to send."""
_BACKOFF = (1.0, 2.0, 5.0, 10.0)
_WAKE = b"\n"
_STOP_TIMEOUT = 20.0


class WorkerDied(RuntimeError):
    """A worker process exited while the bot was running."""


class _PollRefused(ConnectionError):
    """The Bot API answered ``getUpdates`` with an error; poll again after ``retry_after``."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def user_key(update: Mapping[str, Any]) -> int:
    """The id updates are spread by: the user who acted, else the chat, else the update."""
    for name, body in update.items():
        if name == "update_id" or not isinstance(body, dict):
            continue
        for field in ("from", "user", "chat"):
            who = body.get(field)
            if isinstance(who, dict) and isinstance(who.get("id"), int):
                return int(who["id"])
    return int(update["update_id"])


_MIX = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: Fibonacci hashing
_MASK = (1 << 64) - 1


def worker_of(update: Mapping[str, Any], workers: int) -> int:
    """The user's worker. Hashed, not ``id % workers``: ids handed out in a pattern
    (all even, steps of ten) would otherwise all land on one worker."""
    return (((user_key(update) * _MIX) & _MASK) >> 32) % workers


# --------------------------------------------------------------------------- polling side


class _Worker:
    def __init__(self, index: int, proc: asyncio.subprocess.Process) -> None:
        self.index = index
        self.proc = proc
        assert proc.stdin is not None and proc.stdout is not None
        self.stdin = proc.stdin
        self.stdout = proc.stdout

    async def send(self, lines: Iterable[bytes]) -> None:
        self.stdin.writelines(lines)
        await self.stdin.drain()


async def _spawn_workers(count: int, database_url: str) -> list[_Worker]:
    env = dict(os.environ)
    # the polling process resolved the database (an embedded one included) and migrated it
    env.update(UKBOT_DATABASE_URL=database_url, UKBOT_AUTO_MIGRATE="false")
    workers = []
    for index in range(count):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        workers.append(_Worker(index, proc))
    return workers


async def _ready(worker: _Worker) -> None:
    """A worker's first line says it is ready: polling starts when all are."""
    if not await worker.stdout.readline():
        raise WorkerDied(f"worker {worker.index} exited while starting: {await worker.proc.wait()}")


async def _relay_wakes(worker: _Worker, rt: Runtime) -> None:
    """Wakes the outbox for each line the worker writes; returns when the worker is gone."""
    while await worker.stdout.readline():
        rt.outbox.wake()
    code = await worker.proc.wait()
    raise WorkerDied(f"worker {worker.index} exited with code {code}")


async def _get_updates(
    http: aiohttp.ClientSession, url: str, offset: int | None, allowed: list[str]
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": allowed}
    if offset is not None:
        body["offset"] = offset
    timeout = aiohttp.ClientTimeout(total=POLL_TIMEOUT + 15)
    async with http.post(url, json=body, timeout=timeout) as response:
        answer = await response.json(content_type=None)
    if not answer.get("ok"):
        code = answer.get("error_code")
        if code == 401:
            raise PermissionError("the bot token was rejected (401)")
        retry = (answer.get("parameters") or {}).get("retry_after")
        raise _PollRefused(f"getUpdates failed: {code} {answer.get('description')}", retry)
    return list(answer["result"])


async def _poll(rt: Runtime, workers: list[_Worker]) -> None:
    # the bot's own HTTP session (connection pool, proxy settings): built by bot.app
    assert isinstance(rt.bot.session, AiohttpSession)
    session = await rt.bot.session.create_session()
    url = rt.bot.session.api.api_url(token=rt.bot.token, method="getUpdates")
    allowed = rt.dispatcher.resolve_used_update_types()
    offset: int | None = None
    failures = 0
    while True:
        try:
            updates = await _get_updates(session, url, offset, allowed)
        except (aiohttp.ClientError, TimeoutError, _PollRefused, ValueError) as error:
            retry = error.retry_after if isinstance(error, _PollRefused) else None
            pause = float(retry or _BACKOFF[min(failures, len(_BACKOFF) - 1)])
            failures += 1
            log.warning("getUpdates failed, retrying", extra={"error": str(error), "in_s": pause})
            await asyncio.sleep(pause)
            continue
        failures = 0
        if not updates:
            continue
        batches: list[list[bytes]] = [[] for _ in workers]
        for update in updates:
            line = json.dumps(update, ensure_ascii=False, separators=(",", ":")) + "\n"
            batches[worker_of(update, len(workers))].append(line.encode())
        await asyncio.gather(*(w.send(b) for w, b in zip(workers, batches, strict=True) if b))
        offset = int(updates[-1]["update_id"]) + 1


async def _stop_workers(workers: list[_Worker]) -> None:
    """End of input: each worker finishes what it holds and exits."""
    for worker in workers:
        with contextlib.suppress(ConnectionError):
            worker.stdin.close()
    for worker in workers:
        try:
            await asyncio.wait_for(worker.proc.wait(), _STOP_TIMEOUT)
        except TimeoutError:
            log.error("worker did not stop in time, killed", extra={"worker": worker.index})
            with contextlib.suppress(ProcessLookupError):
                worker.proc.kill()
            await worker.proc.wait()


async def run_polling_with_workers(settings: Settings) -> None:
    database_url = await asyncio.to_thread(resolve_database_url, settings)
    # started first: they import and connect while this process does the same
    workers = await _spawn_workers(settings.workers, database_url)
    try:
        async with open_runtime(settings) as rt, once_per_bot(rt):
            asyncio.get_running_loop().call_later(SETTLE_AFTER_START, heap.settle)
            rt.services.spawn(heap.keep_trimmed(), name="heap-trim")
            await asyncio.gather(*(_ready(w) for w in workers))
            log.info("polling for %d worker processes", len(workers))
            relays = [asyncio.create_task(_relay_wakes(w, rt)) for w in workers]
            poller = asyncio.create_task(_poll(rt, workers), name="polling")
            try:
                done, _ = await asyncio.wait([poller, *relays], return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()  # a dead worker or a rejected token: raise it
            finally:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await poller
                await _stop_workers(workers)
                for relay in relays:
                    relay.cancel()
                await asyncio.gather(*relays, return_exceptions=True)
    finally:
        for worker in workers:
            if worker.proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    worker.proc.kill()


# --------------------------------------------------------------------------- worker side


async def run_worker(settings: Settings) -> None:
    """A worker: handles the updates on its standard input until it ends."""
    # Ctrl+C reaches the whole process group: the poller ends the input, then we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    wakes, _ = await loop.connect_write_pipe(asyncio.Protocol, sys.stdout.buffer)
    async with open_runtime(settings) as rt:
        rt.services.outbox_wake = lambda: wakes.write(_WAKE)
        wakes.write(_WAKE)  # ready
        heap.settle()
        rt.services.spawn(heap.keep_trimmed(), name="heap-trim")
        handling: set[asyncio.Task[None]] = set()
        while line := await reader.readline():
            task = asyncio.create_task(_handle(rt, json.loads(line)))
            handling.add(task)
            task.add_done_callback(handling.discard)
        if handling:
            await asyncio.wait(handling)


async def _handle(rt: Runtime, update: dict[str, Any]) -> None:
    try:
        await rt.dispatcher.feed_raw_update(rt.bot, update)
    except Exception:
        log.exception("update failed", extra={"update_id": update.get("update_id")})
