"""`ukbot run` with UKBOT_WORKERS: /metrics of the polling process adds up what its
workers counted (prometheus multiprocess mode) and reports each process's memory; a
worker process that dies stops the whole bot with an error (the service manager then
restarts it whole) instead of leaving a share of the users unanswered."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bench.procs import process_tree
from sandbox.client import EmulatorClient
from sandbox.emulator.server import EmulatorServer
from tests.conftest import require_redis_url

TOKEN = "7000000004:e2e-workers-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(120)
async def test_a_dead_worker_stops_the_bot_with_an_error(
    emulator: EmulatorServer, database_url: str, tmp_path: Path
) -> None:
    require_redis_url("several processes share conversation state only through Redis")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")},
        "UKBOT_BOT_TOKEN": TOKEN,
        "UKBOT_TELEGRAM_API_URL": emulator.base_url,
        "UKBOT_DATABASE_URL": database_url,
        "UKBOT_REDIS_URL": os.environ["UKBOT_TEST_REDIS_URL"],
        "UKBOT_WORKERS": "2",
        "UKBOT_SWEEP_INTERVAL": "0",
        "UKBOT_DATA_DIR": str(tmp_path),
        "UKBOT_HTTP_PORT": str(_free_port()),
    }
    log = tmp_path / "bot.log"
    with open(log, "wb") as out:  # noqa: ASYNC230 - a log file
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, stdout=out, stderr=out
        )
    emu = EmulatorClient(emulator.base_url, TOKEN)
    try:
        for _ in range(600):  # polling starts once both workers said they are ready
            info = await emu.bot_info()
            if (info.get("calls") or {}).get("getupdates"):
                break
            assert bot.returncode is None, log.read_text()
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("no getUpdates after 60 s:\n" + log.read_text())
        workers = process_tree(bot.pid)[1:]
        assert len(workers) == 2, workers
        # people spread over both workers; the polling process's /metrics counts them all
        people = [
            await emu.create_user(f"P{i}", user_id=9_300_000_000 + i, started=False)
            for i in range(6)
        ]
        for person in people:
            await person.send_command("start")
        for person in people:
            await person.expect(None, timeout=20)
        url = f"http://127.0.0.1:{env['UKBOT_HTTP_PORT']}/metrics"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            assert response.status == 200
            text = await response.text()
        handled = sum(
            float(line.rpartition(" ")[2])
            for line in text.splitlines()
            if line.startswith("ukbot_updates_total{") and 'type="message"' in line
        )
        assert handled >= len(people), text
        for name in ("main", "worker-0", "worker-1"):
            assert f'ukbot_process_resident_memory_bytes{{process="{name}"}}' in text
        os.kill(workers[0], signal.SIGKILL)
        code = await asyncio.wait_for(bot.wait(), 30)
        assert code != 0
        assert "exited with code -9" in log.read_text()
        assert process_tree(bot.pid) == [bot.pid]  # no worker left behind
        for pid in workers[1:]:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        await emu.close()
        if bot.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                bot.kill()
            await bot.wait()
