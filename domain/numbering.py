"""Request numbers ``YYMMDD-NNN``: a per-business-day sequence.

The day is the calendar date in the business timezone; the sequence starts at
1 each day, is zero-padded to three digits and simply grows past 999
(``YYMMDD-1000``). Allocation (atomic, never reused) is the storage layer's job.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.clock import ensure_utc


def business_day(now_utc: datetime, tz: ZoneInfo) -> date:
    """The business date of an instant (aware) in ``tz``."""
    return ensure_utc(now_utc, "now_utc").astimezone(tz).date()


def format_request_number(day: date, seq: int) -> str:
    if seq < 1:
        raise ValueError(f"sequence must be >= 1, got {seq}")
    return f"{day:%y%m%d}-{seq:03d}"
