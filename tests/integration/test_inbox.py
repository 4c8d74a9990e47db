"""The inbox: an update is handled once; old update ids are forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

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
