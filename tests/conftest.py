"""Shared fixtures.

Database: the tests use the server named by ``UKBOT_TEST_DATABASE_URL`` (any
database on it; the tests create their own) or, when unset, an embedded
PostgreSQL in ``var/test-postgres`` (kept between runs, started on demand and
stopped when the last test session using it ends). Each test session gets a
fresh, uniquely named database migrated to head and dropped at the end.

* ``pg_server_url``   – admin URL of the test server (session)
* ``create_database`` – factory: ``await create_database()`` -> URL of a new empty
  database, dropped at the end of the session
* ``database_url``    – URL of the session database, migrated to head
* ``engine`` / ``session_factory`` – asyncpg engine and session factory on it
* ``clean_db``        – opt-in per test: truncates every table (except
  ``alembic_version``) before the test
* ``db_session``      – an ``AsyncSession`` for one test (closed, i.e. rolled back
  unless the test commits)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory, normalize_database_url
from storage.repositories.settings import forget_desk_settings

TEST_DATABASE_URL_ENV = "UKBOT_TEST_DATABASE_URL"
TEST_REDIS_URL_ENV = "UKBOT_TEST_REDIS_URL"
EMBEDDED_TEST_DIR = Path(__file__).resolve().parent.parent / "var" / "test-postgres"
# durability is not needed for throwaway test data
_FAST_SERVER_OPTIONS = ("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")

CreateDatabase = Callable[[], Awaitable[str]]


def require_redis_url(why: str = "this test needs Redis") -> str:
    """The tests' Redis. Without one, a test that needs it is skipped on a developer's
    machine and fails in CI, where it must run."""
    url = os.environ.get(TEST_REDIS_URL_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{TEST_REDIS_URL_ENV} is not set in CI: {why}")
    pytest.skip(f"{TEST_REDIS_URL_ENV} is not set: {why}")


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin_execute(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    env_url = os.environ.get(TEST_DATABASE_URL_ENV)
    if env_url:
        yield normalize_database_url(env_url)
        return
    from bot.embedded_pg import ensure_embedded_server, stop_embedded_postgres

    # as `ukbot run` does: run as root in a checkout the unprivileged server user cannot
    # enter, the cluster and a copy of the programs live in bot.embedded_pg.SHARED_DIR
    directory = EMBEDDED_TEST_DIR
    server = ensure_embedded_server(directory, database=None, server_options=_FAST_SERVER_OPTIONS)
    try:
        yield server.url("postgres")
    finally:
        stop_embedded_postgres(directory)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def create_database(pg_server_url: str) -> AsyncIterator[CreateDatabase]:
    created: list[str] = []

    async def _create() -> str:
        name = f"ukbot_test_{os.getpid()}_{secrets.token_hex(4)}"
        await _admin_execute(pg_server_url, f'CREATE DATABASE "{name}"')
        created.append(name)
        return _with_database(pg_server_url, name)

    yield _create
    for name in created:
        await _admin_execute(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(create_database: CreateDatabase) -> str:
    from storage.migrate import upgrade_to_head

    url = await create_database()
    await upgrade_to_head(url)
    return url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url, pool_size=5, max_overflow=20)
    yield eng
    await eng.dispose()


@pytest.fixture(scope="session")
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _truncate_sql(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        names = (
            await conn.scalars(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = current_schema() AND tablename <> 'alembic_version' "
                    "ORDER BY tablename"
                )
            )
        ).all()
    return f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"


@pytest_asyncio.fixture(loop_scope="session")
async def clean_db(engine: AsyncEngine, _truncate_sql: str) -> None:
    # The bot of the e2e desk keeps running between tests (its outbox, its sweeper): a
    # transaction of theirs can deadlock with the truncation, which Postgres then aborts.
    for attempt in range(3):
        try:
            async with engine.begin() as conn:
                await conn.execute(text(_truncate_sql))
            break
        except DBAPIError as error:
            if "deadlock detected" not in str(error) or attempt == 2:
                raise
    forget_desk_settings()


@pytest_asyncio.fixture(loop_scope="session")
async def db_session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session
