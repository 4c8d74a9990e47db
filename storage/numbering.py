"""Atomic allocation of request numbers ``YYMMDD-NNN``.

One counter row per business day; ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
increments it atomically, so concurrent transactions never get the same number.
The row stays locked until the caller's transaction ends: allocate the number
late in the "file a request" transaction and commit soon. A rolled-back
transaction gives its number back (the next caller reuses it), a committed one
never does.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.numbering import business_day, format_request_number

__all__ = ["allocate_request_number", "allocate_sequence"]

_ALLOCATE = text(
    "INSERT INTO request_number_counters (day, last) VALUES (:day, 1) "
    "ON CONFLICT (day) DO UPDATE SET last = request_number_counters.last + 1 "
    "RETURNING last"
)


async def allocate_sequence(session: AsyncSession, day: date) -> int:
    """The next sequence number of ``day`` (1, 2, ...), in the session's transaction."""
    result = await session.execute(_ALLOCATE, {"day": day})
    return int(result.scalar_one())


async def allocate_request_number(
    session: AsyncSession, now_utc: datetime, tz: ZoneInfo | str
) -> str:
    """The next request number of the business day of ``now_utc`` in ``tz``."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    day = business_day(now_utc, zone)
    return format_request_number(day, await allocate_sequence(session, day))
