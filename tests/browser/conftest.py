"""Browser tests: `ukbot sandbox` as a subprocess, its web page in Chromium (Playwright).

Chromium is the system's (Debian's ``chromium``; ``UKBOT_CHROMIUM`` names another
binary): Playwright's own browser download is not used. Without Chromium the tests
are skipped, except under CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import struct
import sys
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from tests.conftest import CreateDatabase

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

CHROMIUM_ENV = "UKBOT_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
STEP_TIMEOUT_MS = 20_000  # one bot reply; generous for a loaded 2-core CI machine
VIEWPORT: ViewportSize = {"width": 1400, "height": 800}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright  # noqa: F401
    except ImportError:
        _unavailable("playwright is not installed (uv sync installs it with the dev group)")
    path = os.environ.get(CHROMIUM_ENV) or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )
    if not path or not Path(path).exists():
        _unavailable(
            "Chromium not found: install Debian's chromium (apt-get install chromium) "
            f"or set {CHROMIUM_ENV} to a Chromium binary"
        )
    assert path is not None
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox_url(chromium_path: str, create_database: CreateDatabase) -> AsyncIterator[str]:
    """A fresh `ukbot sandbox` (a database of its own, in-memory FSM) for one test; its
    page URL. Whatever the page did, the sandbox must not have logged a traceback."""
    database_url = await create_database()
    port = _free_port()
    env = {
        **os.environ,
        "UKBOT_DATABASE_URL": database_url,
        "UKBOT_REDIS_URL": "",
        "UKBOT_BOT_TOKEN": "",
        "UKBOT_LOG_LEVEL": "WARNING",
        # The test clicks faster than any person: the bot's flood control would drop clicks.
        "UKBOT_THROTTLE_RATE_PER_SECOND": "100",
        "UKBOT_THROTTLE_BURST": "100",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "sandbox",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    output = b""
    later: list[bytes] = []
    drain: asyncio.Task[None] | None = None
    try:
        while b"Press Ctrl+C" not in output:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=90)
            assert line, output.decode(errors="replace")
            output += line
        match = re.search(rb"Open in a browser:\s+(\S+)", output)
        assert match, output.decode(errors="replace")
        drain = asyncio.create_task(_drain(proc.stdout, later))
        yield match.group(1).decode()
    finally:
        if proc.returncode is None:
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        if drain is not None:  # the pipe closes when it exits; a test's own failure wins
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(drain, timeout=5)
    logged = b"".join(later).decode(errors="replace")
    assert "Traceback" not in logged, logged[-3000:]


async def _drain(stream: asyncio.StreamReader, into: list[bytes]) -> None:
    """Keeps reading the sandbox's output so a full pipe never blocks it."""
    while line := await stream.readline():
        into.append(line)


@pytest_asyncio.fixture(loop_scope="session")
async def browser_page(chromium_path: str, sandbox_url: str) -> AsyncIterator[Any]:
    """The sandbox page, loaded; JavaScript errors fail the test, and so does anything
    the page loads from elsewhere than the sandbox (no CDN: the machine may be offline)."""
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    errors: list[str] = []
    elsewhere: list[str] = []
    origin = sandbox_url.rstrip("/")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            page = await browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((origin + "/", "data:", "blob:"))
                    else elsewhere.append(request.url)
                ),
            )
            await page.goto(sandbox_url)
            await page.wait_for_selector("body[data-ready='1']")
            yield page
        finally:
            await browser.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not elsewhere, f"the page loaded from elsewhere: {elsewhere}"


def sample_photo(path: Path, width: int = 360, height: int = 220) -> Path:
    """A small flat-coloured PNG (a kitchen wall, a sink, a puddle under it) at ``path``."""
    wall, tiles, sink, pipe, floor, puddle = (
        (236, 226, 208),
        (214, 204, 186),
        (190, 198, 206),
        (150, 158, 166),
        (176, 142, 112),
        (88, 150, 214),
    )
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if y >= 160:
                colour = floor
                if ((x - 200) / 110) ** 2 + ((y - 190) / 22) ** 2 < 1:
                    colour = puddle
            elif 70 <= y < 100 and 110 <= x < 290:
                colour = sink
            elif 100 <= y < 160 and 190 <= x < 206:
                colour = pipe
            else:
                colour = tiles if (x // 30 + y // 30) % 2 and y < 70 else wall
            row += bytes(colour)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )
    return path
