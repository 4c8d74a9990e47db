"""Desk settings rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.services.desk_settings import DeskSettings
from storage.models import Setting


class SqlSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self) -> DeskSettings:
        rows = await self.session.execute(select(Setting.key, Setting.value))
        return DeskSettings.from_values(dict(rows.all()))

    async def save(self, key: str, value: Any, *, by: int | None) -> None:
        stmt = insert(Setting).values(key=key, value=value, updated_by=by)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Setting.key],
                set_={"value": stmt.excluded.value, "updated_by": by, "updated_at": func.now()},
            )
        )
