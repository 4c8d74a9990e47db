"""Alembic environment (async).

Two ways in:

* from code (``storage.migrate``): the caller opens the connection and passes it
  in ``config.attributes["connection"]``;
* from the ``alembic`` command line: the URL is ``-x url=...``, else
  ``sqlalchemy.url`` set on the config, else ``UKBOT_DATABASE_URL`` (the embedded
  server is the application's business: ``ukbot db upgrade``).
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config
from sqlalchemy.pool import NullPool

from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if url:
        from storage.db import normalize_database_url

        return normalize_database_url(url)
    from storage.db import normalize_database_url

    configured = os.environ.get("UKBOT_DATABASE_URL")
    if not configured:
        raise SystemExit(
            "no database: pass -x url=..., set UKBOT_DATABASE_URL, or run `ukbot db upgrade` "
            "(which also starts the embedded server)"
        )
    return normalize_database_url(configured)


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``)."""
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = async_engine_from_config(
        {"sqlalchemy.url": _database_url()}, prefix="sqlalchemy.", poolclass=NullPool
    )
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
