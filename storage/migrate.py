"""Run Alembic migrations from code (``ukbot db upgrade``, application start, tests).

The URL is injected programmatically; ``alembic.ini`` is not needed (it only serves
the ``alembic`` command line). Several processes may call ``upgrade_to_head`` at
once: a Postgres advisory lock serialises them.

Importing this module loads Alembic (~8 MB, kept for the life of the process): the
bot's start-up asks ``storage.schema_version`` first and comes here only when the
database is behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import normalize_database_url

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "compare_schema",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
    "upgrade_to_head",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# pg_advisory_xact_lock key: "ukbot migrations"
_MIGRATION_LOCK_KEY = 0x756B626F745F6D67


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at ``migrations/`` (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        # ``%`` is an interpolation character in ConfigParser values
        cfg.set_main_option("sqlalchemy.url", normalize_database_url(url).replace("%", "%%"))
    cfg.attributes["skip_logging_config"] = True
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _run(url: str, fn: Any, *args: Any) -> Any:
    engine = create_async_engine(normalize_database_url(url), poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            return await conn.run_sync(fn, *args)
    finally:
        await engine.dispose()


def _with_connection(connection: Connection, action: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    if action == "upgrade":
        command.upgrade(cfg, revision)
    else:
        command.downgrade(cfg, revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` in one transaction."""
    await _run(url, _with_connection, "upgrade", revision)


async def upgrade_to_head(url: str) -> None:
    await upgrade(url, "head")


async def downgrade(url: str, revision: str) -> None:
    """Downgrade the database at ``url`` to ``revision`` (``"base"``: drop everything)."""
    await _run(url, _with_connection, "downgrade", revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(url: str) -> str | None:
    """The revision the database is at (None: not migrated)."""
    engine = create_async_engine(normalize_database_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current)
    finally:
        await engine.dispose()


def _compare(connection: Connection) -> list[Any]:
    from alembic.autogenerate import compare_metadata

    from storage.models import Base

    ctx = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(ctx, Base.metadata))


async def compare_schema(url: str) -> list[Any]:
    """Differences between the models and the database at ``url`` (empty: in sync)."""
    engine = create_async_engine(normalize_database_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_compare)
    finally:
        await engine.dispose()
