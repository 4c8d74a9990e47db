"""Processed updates: the first delivery of an update_id wins, repeats are skipped.

One Core statement per update, outside any transaction (no ORM session, no
BEGIN/COMMIT round trips: this runs for every update and a single INSERT is
atomic on its own). Rows older than ``KEEP`` are pruned; Telegram redelivers an update
within minutes, never days later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import ProcessedUpdate

KEEP = timedelta(days=2)


class SqlUpdateInbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._first = (
            insert(ProcessedUpdate).on_conflict_do_nothing().returning(ProcessedUpdate.update_id)
        )

    async def first_delivery(self, bot_id: int, update_id: int) -> bool:
        async with self._autocommit.connect() as conn:
            result = await conn.execute(self._first, {"bot_id": bot_id, "update_id": update_id})
            return result.first() is not None

    async def prune(self, now: datetime, *, batch: int = 10_000) -> int:
        """Forget updates processed before ``now - KEEP``; returns how many."""
        old = (
            select(ProcessedUpdate.bot_id, ProcessedUpdate.update_id)
            .where(ProcessedUpdate.processed_at < now - KEEP)
            .limit(batch)
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(
                delete(ProcessedUpdate).where(
                    tuple_(ProcessedUpdate.bot_id, ProcessedUpdate.update_id).in_(old)
                )
            )
            return result.rowcount or 0
