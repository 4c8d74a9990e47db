"""Desk settings rows.

Every update reads the desk settings (who may file, deadlines), so they are
cached per database for a few seconds. A change made through ``save`` drops
the cache when its transaction commits; other processes see it within the TTL.
"""

from __future__ import annotations

import time
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from domain.services.desk_settings import DeskSettings
from storage.models import Setting

SETTINGS_TTL = 5.0
"""Seconds another process may keep serving settings changed elsewhere."""

_cached: WeakKeyDictionary[Any, tuple[float, DeskSettings]] = WeakKeyDictionary()


def _database_of(session: AsyncSession) -> Any:
    """The cache key: the connection pool, shared by the engine and its read-only twin."""
    bind = session.bind
    return bind.sync_engine.pool if isinstance(bind, AsyncEngine) else None


def forget_desk_settings() -> None:
    """Drop every cached copy (tests that empty the database)."""
    _cached.clear()


class SqlSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self) -> DeskSettings:
        database = _database_of(self.session)
        hit = _cached.get(database) if database is not None else None
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        rows = await self.session.execute(select(Setting.key, Setting.value))
        settings = DeskSettings.from_values(dict(rows.all()))
        if database is not None:
            _cached[database] = (now + SETTINGS_TTL, settings)
        return settings

    async def save(self, key: str, value: Any, *, by: int | None) -> None:
        stmt = insert(Setting).values(key=key, value=value, updated_by=by)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Setting.key],
                set_={"value": stmt.excluded.value, "updated_by": by, "updated_at": func.now()},
            )
        )
        database = _database_of(self.session)

        def drop_cached(_session: Session) -> None:
            if database is not None:
                _cached.pop(database, None)

        drop_cached(self.session.sync_session)
        event.listen(self.session.sync_session, "after_commit", drop_cached, once=True)
