"""Processed updates: the first delivery of an update_id wins, repeats are skipped."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdate


class SqlUpdateInbox:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def first_delivery(self, bot_id: int, update_id: int) -> bool:
        stmt = (
            insert(ProcessedUpdate)
            .values(bot_id=bot_id, update_id=update_id)
            .on_conflict_do_nothing()
            .returning(ProcessedUpdate.update_id)
        )
        async with self.session_factory() as session, session.begin():
            return (await session.execute(stmt)).first() is not None
