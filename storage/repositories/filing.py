"""Filing new requests: numbering, creation, media, duplicates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlFilingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
