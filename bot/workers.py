"""Several bot processes behind one long poll (``UKBOT_WORKERS``).

One Python process runs on one core. Telegram lets only one client poll a bot's
updates (a second ``getUpdates`` is answered 409), so with ``UKBOT_WORKERS=N`` the
``ukbot run`` process polls and N worker processes handle what it receives. Each
update goes to the worker chosen by its user's id: one person's updates are handled
by one process in the order they came, and the Redis conversation lock (required:
several processes share conversation state only through Redis) covers the rest.

This is for long polling only (webhook deployments grow by instances behind a proxy)
and it shares their mechanisms: the update journal, the Redis conversation locks, and
Telegram's limits in Redis. The polling process also runs the outbox, the deadline
sweeper and the command menu; the workers do not. A worker that
committed notifications tells it through its standard output, so delivery starts at
once instead of at the outbox's next poll.

The poller journals each batch (``bot.updates``) and hands every update, as the JSON
Telegram sent with its attempt, to the worker, one per line on its standard input; the
worker keeps its attempts' leases alive and marks them handled. A worker that dies
stops the whole bot with an error, so that the service manager restarts it whole; the
updates that worker had not finished are handled again after the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from bot import heap
from bot.app import SETTLE_AFTER_START, Runtime, once_per_bot, open_runtime, serving_http
from bot.database import resolve_database_url
from bot.polling import poll
from bot.settings import Settings
from bot.updates import Handoff, redriving
from storage.repositories.inbox import Claim

log = logging.getLogger(__name__)

_WAKE = b"\n"
_STOP_TIMEOUT = 20.0


class WorkerDied(RuntimeError):
    """A worker process exited while the bot was running."""


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


def _handoff_to(workers: list[_Worker]) -> Handoff:
    """Sends each update, with its attempt, to its user's worker."""

    def handoff(claim: Claim | None, update: Mapping[str, Any]) -> None:
        line = {"claim": None if claim is None else asdict(claim), "update": update}
        worker = workers[worker_of(update, len(workers))]
        # ASCII escapes: half an emoji (a lone surrogate) has no UTF-8 encoding
        worker.stdin.write(json.dumps(line, separators=(",", ":")).encode())
        worker.stdin.write(b"\n")

    return handoff


async def _poll_and_redrive(rt: Runtime, allowed: list[str]) -> None:
    async with redriving(rt.updates):
        await poll(rt.bot, allowed, rt.updates.receive)


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

        def processes() -> list[tuple[str, int]]:
            return [("main", os.getpid())] + [(f"worker-{w.index}", w.proc.pid) for w in workers]

        async with open_runtime(settings) as rt, once_per_bot(rt), serving_http(rt, processes):
            asyncio.get_running_loop().call_later(SETTLE_AFTER_START, heap.settle)
            rt.services.spawn(heap.keep_trimmed(), name="heap-trim")
            await asyncio.gather(*(_ready(w) for w in workers))
            log.info("polling for %d worker processes", len(workers))
            relays = [asyncio.create_task(_relay_wakes(w, rt)) for w in workers]
            rt.updates.handoff = _handoff_to(workers)
            allowed = rt.dispatcher.resolve_used_update_types()
            poller = asyncio.create_task(_poll_and_redrive(rt, allowed), name="polling")
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
        async with redriving(rt.updates, take_over=False):  # keeps its attempts' leases
            while line := await reader.readline():
                handed = json.loads(line)
                claim = handed["claim"]
                rt.updates.start(None if claim is None else Claim(**claim), handed["update"])
            await rt.updates.wait_idle()
