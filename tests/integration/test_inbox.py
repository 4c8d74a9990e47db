"""The inbox: an update is handled once; old update ids are forgotten."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.models import ProcessedUpdate
from storage.repositories.inbox import KEEP, SqlUpdateInbox

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_first_delivery_wins_and_old_ids_are_pruned(
    engine: AsyncEngine, clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    assert await inbox.first_delivery(1, 100)
    assert not await inbox.first_delivery(1, 100)
    assert await inbox.first_delivery(2, 100)  # another bot's update 100
    assert await inbox.first_delivery(1, 101)

    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            update(ProcessedUpdate)
            .where(ProcessedUpdate.update_id == 100)
            .values(processed_at=now - KEEP - timedelta(minutes=1))
        )
    assert await inbox.prune(now) == 2
    async with engine.connect() as conn:
        left = await conn.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert left == 1
    assert await inbox.prune(now) == 0


async def test_updates_arriving_together_share_one_statement(
    engine: AsyncEngine, clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    assert await inbox.first_delivery(1, 7)  # an earlier batch
    statements: list[str] = []
    loggers: list[Any] = []

    def count(query: Any) -> None:  # asyncpg's LoggedQuery: every statement a connection ran
        statements.append(query.query)

    def watch(_dbapi: object, record: Any, _proxy: object) -> None:
        record.driver_connection.add_query_logger(count)
        loggers.append(record.driver_connection)

    event.listen(engine.sync_engine.pool, "checkout", watch)
    try:
        # as aiogram hands them over: all updates of one getUpdates answer at once
        answers = await asyncio.gather(
            *(inbox.first_delivery(1, update_id) for update_id in (5, 6, 5, 7, 8, 6))
        )
    finally:
        event.remove(engine.sync_engine.pool, "checkout", watch)
        for driver in loggers:
            driver.remove_query_logger(count)
    assert answers == [True, True, False, False, True, False]
    assert len(statements) == 1
    async with engine.connect() as conn:
        stored = await conn.scalars(select(ProcessedUpdate.update_id).order_by("update_id"))
        assert list(stored) == [5, 6, 7, 8]


async def test_a_dropped_connection_fails_its_batch_and_is_not_used_again(
    database_url: str, clean_db: None
) -> None:
    # Not dropped at checkout: as if it died between its checkout and the INSERT.
    engine = create_engine(database_url, pool_size=1, max_overflow=0, drop_closed=False)
    inbox = SqlUpdateInbox(engine)
    try:
        assert await inbox.first_delivery(1, 1)
        async with engine.connect() as conn:  # the pool's only connection
            backend = await conn.scalar(text("SELECT pg_backend_pid()"))
        other = create_engine(database_url, pool_size=1, max_overflow=0)
        async with other.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        await other.dispose()
        with pytest.raises(Exception):  # noqa: B017, PT011 - the driver's own error
            await inbox.first_delivery(1, 2)
        assert await inbox.first_delivery(1, 3)  # a new connection, not the dead one
    finally:
        await engine.dispose()
