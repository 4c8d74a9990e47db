"""Request numbers: atomic under concurrency, per business day, growing past 999."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory
from storage.numbering import allocate_request_number

TASHKENT = ZoneInfo("Asia/Tashkent")

pytestmark = pytest.mark.usefixtures("clean_db")


async def _allocate(factory: async_sessionmaker[AsyncSession], now: datetime) -> str:
    async with factory() as session, session.begin():
        return await allocate_request_number(session, now, TASHKENT)


async def test_first_numbers_of_a_day(session_factory: async_sessionmaker[AsyncSession]) -> None:
    now = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    assert await _allocate(session_factory, now) == "260305-001"
    assert await _allocate(session_factory, now) == "260305-002"
    assert await _allocate(session_factory, now + timedelta(days=1)) == "260306-001"


async def test_200_concurrent_allocations_are_distinct_and_consecutive(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=40, max_overflow=0)
    factory = create_session_factory(engine)
    now = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    try:
        numbers = await asyncio.gather(*(_allocate(factory, now) for _ in range(200)))
    finally:
        await engine.dispose()
    assert len(set(numbers)) == 200
    assert sorted(numbers) == [f"260401-{i:03d}" for i in range(1, 201)]


async def test_business_day_follows_tashkent_midnight(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # 18:59 UTC is 23:59 in Tashkent (UTC+5); 19:30 UTC is already the next day there.
    assert await _allocate(session_factory, datetime(2026, 11, 21, 18, 59, tzinfo=UTC)) == (
        "261121-001"
    )
    assert await _allocate(session_factory, datetime(2026, 11, 21, 19, 30, tzinfo=UTC)) == (
        "261122-001"
    )
    assert await _allocate(session_factory, datetime(2026, 11, 21, 19, 31, tzinfo=UTC)) == (
        "261122-002"
    )


async def test_timezone_given_by_name(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session, session.begin():
        number = await allocate_request_number(
            session, datetime(2026, 11, 21, 19, 30, tzinfo=UTC), "Asia/Tashkent"
        )
    assert number == "261122-001"


async def test_past_999(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session, session.begin():
        await session.execute(
            text("INSERT INTO request_number_counters (day, last) VALUES ('2026-05-01', 998)")
        )
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert await _allocate(session_factory, now) == "260501-999"
    assert await _allocate(session_factory, now) == "260501-1000"
    assert await _allocate(session_factory, now) == "260501-1001"


async def test_a_rolled_back_number_is_given_back(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    first = await _allocate(session_factory, now)
    async with session_factory() as session:
        rolled_back = await allocate_request_number(session, now, TASHKENT)
        await session.rollback()
    second = await _allocate(session_factory, now)
    assert first == "260601-001"
    assert rolled_back == second == "260601-002"


async def test_naive_datetime_is_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        with pytest.raises(ValueError, match="now_utc"):
            await allocate_request_number(session, datetime(2026, 1, 1, 12, 0), TASHKENT)
