"""The connection pool: a peak of concurrent updates reuses the same server connections.

A connection beyond the pool (overflow) is closed when it is returned, so a pool smaller
than the peak opens a new server connection, with its handshake and every statement
prepared again, round after round.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.settings import Settings
from storage.db import create_engine, create_session_factory


async def _backends_over_rounds(url: str, settings: Settings, concurrent: int) -> set[int]:
    engine = create_engine(
        url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    sessions = create_session_factory(engine)
    seen: set[int] = set()
    try:
        for _ in range(3):
            all_in = asyncio.Barrier(concurrent)

            async def update(all_in: asyncio.Barrier = all_in) -> None:
                async with sessions() as session:
                    seen.add(int(await session.scalar(text("SELECT pg_backend_pid()"))))
                    await all_in.wait()  # every session holds its connection at once

            await asyncio.gather(*(update() for _ in range(concurrent)))
    finally:
        await engine.dispose()
    return seen


@pytest.mark.asyncio(loop_scope="session")
async def test_a_peak_within_the_pool_keeps_its_connections(database_url: str) -> None:
    settings = Settings(_env_file=None, database_pool_size=6, database_max_overflow=4)
    assert len(await _backends_over_rounds(database_url, settings, concurrent=6)) == 6


@pytest.mark.asyncio(loop_scope="session")
async def test_a_peak_beyond_the_pool_reconnects_every_round(database_url: str) -> None:
    settings = Settings(_env_file=None, database_pool_size=2, database_max_overflow=4)
    # 2 kept, 4 overflow connections closed on return and opened again in the next round
    assert len(await _backends_over_rounds(database_url, settings, concurrent=6)) == 2 + 3 * 4


def test_the_default_pool_covers_the_benchmarked_peak() -> None:
    # 20 closed-loop lanes held up to 22 connections at once on a saturated core
    settings = Settings(_env_file=None)
    assert settings.database_pool_size + settings.database_max_overflow >= 22
    assert settings.database_pool_size >= 20
