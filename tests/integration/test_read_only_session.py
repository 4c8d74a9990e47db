"""Read-only sessions: statements outside a transaction, and no way to write through them."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Executable, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import ReadOnlySessionError, create_reader_factory
from storage.models import User

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _two_clock_readings(factory: async_sessionmaker[AsyncSession]) -> tuple[object, object]:
    async with factory() as session:
        first = await session.scalar(select(func.now()))
        await asyncio.sleep(0.01)
        second = await session.scalar(select(func.now()))
    return first, second


async def test_each_statement_stands_alone(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # now() is the transaction's start: equal within one transaction, not across statements
    first, second = await _two_clock_readings(session_factory)
    assert first == second
    first, second = await _two_clock_readings(create_reader_factory(engine))
    assert first != second


async def test_reads_work(engine: AsyncEngine, clean_db: None) -> None:
    async with create_reader_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_writes_and_locks_are_refused(engine: AsyncEngine, clean_db: None) -> None:
    readers = create_reader_factory(engine)
    attempts: list[Executable] = [
        update(User).values(first_name="x"),
        select(User).with_for_update(),
        text("DELETE FROM users"),
    ]
    for statement in attempts:
        async with readers() as session:
            with pytest.raises(ReadOnlySessionError):
                await session.execute(statement)
    async with readers() as session:
        session.add(User(id=1, first_name="x", language="en"))
        with pytest.raises(ReadOnlySessionError):
            await session.flush()
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(User)) == 0
