"""Pooled connections the server closed are not handed out again: after a Postgres
restart the first statement works, with no ping per checkout."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text

from storage.db import create_engine

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_connection_the_server_closed_is_replaced_at_checkout(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=2, max_overflow=0)
    statements: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    try:
        async with engine.connect() as conn:
            backend = await conn.scalar(text("SELECT pg_backend_pid()"))
        other = create_engine(database_url, pool_size=1, max_overflow=0)
        async with other.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        await other.dispose()
        await asyncio.sleep(0.1)  # the driver reads the server's goodbye
        statements.clear()
        async with engine.connect() as conn:  # the same pool slot: a new connection
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != backend
        assert statements == ["SELECT pg_backend_pid()"]  # no ping
    finally:
        await engine.dispose()
