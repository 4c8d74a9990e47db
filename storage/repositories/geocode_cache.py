"""Geocoding results kept in ``geocode_cache``: one row per normalised key.

A row whose ``lat`` is ``None`` records a miss (the server found nothing), so
the same question is not asked again. Keys are built by the geocoder adapter;
this repository stores and reads them as they are and never commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GeocodeCache

__all__ = ["GeocodeEntry", "SqlGeocodeCache"]


@dataclass(frozen=True, slots=True)
class GeocodeEntry:
    query: str
    lat: float | None
    lon: float | None
    address: str | None
    created_at: dt.datetime | None = None  # set by the database

    @property
    def is_miss(self) -> bool:
        return self.lat is None or self.lon is None


class SqlGeocodeCache:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_many(self, queries: Iterable[str]) -> dict[str, GeocodeEntry]:
        """The stored rows among ``queries``, by key (absent keys are simply missing)."""
        keys = list(dict.fromkeys(queries))
        if not keys:
            return {}
        rows = await self.session.execute(
            select(
                GeocodeCache.query,
                GeocodeCache.lat,
                GeocodeCache.lon,
                GeocodeCache.address,
                GeocodeCache.created_at,
            ).where(GeocodeCache.query.in_(keys))
        )
        return {
            row.query: GeocodeEntry(row.query, row.lat, row.lon, row.address, row.created_at)
            for row in rows
        }

    async def get(self, query: str) -> GeocodeEntry | None:
        return (await self.get_many([query])).get(query)

    async def put_many(self, entries: Sequence[GeocodeEntry]) -> None:
        """Insert or overwrite; an overwritten row gets a fresh ``created_at``."""
        if not entries:
            return
        values = [
            {"query": e.query, "lat": e.lat, "lon": e.lon, "address": e.address} for e in entries
        ]
        stmt = insert(GeocodeCache).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[GeocodeCache.query],
            set_={
                "lat": stmt.excluded.lat,
                "lon": stmt.excluded.lon,
                "address": stmt.excluded.address,
                "created_at": func.now(),
            },
        )
        await self.session.execute(stmt)

    async def put(self, entry: GeocodeEntry) -> None:
        await self.put_many([entry])

    async def delete_many(self, queries: Iterable[str]) -> int:
        keys = list(dict.fromkeys(queries))
        if not keys:
            return 0
        result = await self.session.execute(
            delete(GeocodeCache).where(GeocodeCache.query.in_(keys))
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
