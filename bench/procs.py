"""Child processes of the benchmark (the emulator, the bot under test) and what the
kernel says about them: CPU seconds (``/proc/<pid>/stat`` utime + stime) and memory
(``/proc/<pid>/status`` VmRSS / VmHWM), sampled over time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (its own threads, not children)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        raw = handle.read()
    # the command name (field 2) may contain spaces: split after its closing parenthesis
    fields = raw[raw.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB."""
    rss = hwm = 0
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a bot with ``UKBOT_WORKERS`` is several processes)."""
    tree, index = [pid], 0
    while index < len(tree):
        try:
            tasks = os.listdir(f"/proc/{tree[index]}/task")
        except OSError:
            tasks = []
        for task in tasks:
            try:
                with open(f"/proc/{tree[index]}/task/{task}/children", encoding="ascii") as f:
                    tree.extend(int(child) for child in f.read().split())
            except OSError:
                continue
        index += 1
    return tree


def self_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


@dataclass
class Sample:
    t: float  # monotonic
    cpu: float
    rss_kb: int
    hwm_kb: int


@dataclass
class Sampler:
    """Samples CPU and memory of a process and its descendants every ``interval`` seconds
    (summed: CPU seconds, VmRSS and the peaks of VmHWM)."""

    pid: int
    interval: float = 0.5
    also: Sequence[int] = ()  # more processes (with their descendants) summed with it
    samples: list[Sample] = field(default_factory=list)
    processes: int = 0  # the most seen at once
    _task: asyncio.Task[None] | None = None

    def sample(self) -> Sample | None:
        cpu, rss, hwm, seen = 0.0, 0, 0, 0
        roots = [self.pid, *self.also]
        for pid in [found for root in roots for found in process_tree(root)]:
            try:
                cpu += cpu_seconds(pid)
                one_rss, one_hwm = memory_kb(pid)
            except (OSError, ValueError, IndexError):
                if pid == self.pid:
                    return None
                continue  # a child that just exited
            rss, hwm, seen = rss + one_rss, hwm + one_hwm, seen + 1
        self.processes = max(self.processes, seen)
        point = Sample(time.monotonic(), cpu, rss, hwm)
        self.samples.append(point)
        return point

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"sampler-{self.pid}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.sample()

    @property
    def peak_rss_kb(self) -> int:
        return max((max(s.hwm_kb, s.rss_kb) for s in self.samples), default=0)


@dataclass
class Child:
    name: str
    proc: asyncio.subprocess.Process
    spawned_at: float  # monotonic
    spawned_wall: float  # time.time()
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


async def spawn(name: str, argv: Sequence[str], env: Mapping[str, str], log_dir: Path) -> Child:
    log_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once per process
    log_path = log_dir / f"{name}.log"
    # the child writes straight into the file: no pipe for the benchmark to drain
    with open(log_path, "wb") as log:  # noqa: ASYNC230 - opening a log file is instant
        spawned_wall = time.time()
        spawned_at = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=str(ROOT),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Child(name, proc, spawned_at, spawned_wall, log_path)


async def terminate(child: Child, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """SIGTERM (the bot treats it as Ctrl+C and cleans up), SIGKILL after ``timeout``."""
    if child.proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        child.proc.terminate()
    try:
        await asyncio.wait_for(child.proc.wait(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            child.proc.kill()
        await child.proc.wait()


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The environment of a child: ours without any UKBOT_* (so a developer's shell
    settings do not leak into the process under test) and without
    PYTHONDONTWRITEBYTECODE, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")}
    env["PYTHONUNBUFFERED"] = "1"
    # Measure the bot as deployed: with its bytecode cached (written on the first run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def emulator_process(
    log_dir: Path, *, port: int | None = None
) -> AsyncIterator[tuple[str, Child]]:
    """``python -m sandbox.emulator`` on a free port; yields its base URL once it answers."""
    port = port or free_port()
    child = await spawn(
        "emulator",
        [
            sys.executable,
            "-m",
            "sandbox.emulator",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
        ],
        child_env({}),
        log_dir,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        await _wait_http(base_url + "/sandbox/api", child, timeout=30.0)
        yield base_url, child
    finally:
        await terminate(child, timeout=5.0)


async def _wait_http(url: str, child: Child, *, timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if child.proc.returncode is not None:
                raise RuntimeError(f"{child.name} exited early:\n{child.log_tail()}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=1)) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{child.name} did not answer on {url} within {timeout} s")
