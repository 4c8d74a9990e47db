"""The embedded PostgreSQL server used when no database URL is configured."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.database import resolve_database_url
from bot.embedded_pg import (
    ensure_embedded_postgres,
    ensure_embedded_server,
    is_embedded_postgres_running,
    stop_embedded_postgres,
)
from bot.settings import Settings


def _server_dir() -> Iterator[Path]:
    # not pytest's tmp_path: when tests run as root the server runs as an
    # unprivileged user, who must be able to enter the folder
    root = Path(tempfile.mkdtemp(prefix="ukbot-pg-"))
    os.chmod(root, 0o755)
    try:
        yield root / "postgres"
    finally:
        stop_embedded_postgres(root / "postgres", force=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def server_dir() -> Iterator[Path]:
    """A new, empty server directory (cold start)."""
    yield from _server_dir()


@pytest.fixture(scope="module")
def shared_server_dir() -> Iterator[Path]:
    """One server directory for the tests that need not start cold."""
    yield from _server_dir()


async def _select_one(url: str) -> int:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()


async def test_cold_start_reuse_and_stop(server_dir: Path) -> None:
    started = time.perf_counter()
    url = ensure_embedded_postgres(server_dir)
    cold = time.perf_counter() - started
    assert cold < 15, f"cold start took {cold:.1f} s"
    parsed = make_url(url)
    assert parsed.drivername == "postgresql+asyncpg"
    assert (parsed.host, parsed.username, parsed.database) == ("127.0.0.1", "postgres", "ukbot")
    assert await _select_one(url) == 1

    again = ensure_embedded_server(server_dir)
    assert not again.started
    assert again.url() == url

    assert stop_embedded_postgres(server_dir)
    assert not is_embedded_postgres_running(server_dir)

    started = time.perf_counter()
    warm = ensure_embedded_server(server_dir)
    assert warm.started
    assert time.perf_counter() - started < 10
    assert await _select_one(warm.url()) == 1


def test_concurrent_starts_share_one_server(server_dir: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        urls = list(pool.map(lambda _: ensure_embedded_postgres(server_dir), range(4)))
    assert len(set(urls)) == 1


def test_server_stays_up_while_another_process_uses_it(shared_server_dir: Path) -> None:
    ensure_embedded_postgres(shared_server_dir)
    clients = shared_server_dir / "clients"
    clients.write_text(clients.read_text() + "1\n")  # pid 1 is always alive
    assert not stop_embedded_postgres(shared_server_dir)
    assert is_embedded_postgres_running(shared_server_dir)
    assert stop_embedded_postgres(shared_server_dir, force=True)
    assert not is_embedded_postgres_running(shared_server_dir)


async def test_resolve_database_url_defaults_to_embedded(shared_server_dir: Path) -> None:
    settings = Settings(database_url=None, data_dir=shared_server_dir.parent)
    url = resolve_database_url(settings)
    assert await _select_one(url) == 1
    explicit = Settings(
        database_url="postgresql://u:p@db.example:5432/x", data_dir=shared_server_dir
    )
    assert resolve_database_url(explicit) == "postgresql+asyncpg://u:p@db.example:5432/x"
