"""Request numbers ``YYMMDD-NNN``: a per-business-day sequence.

The day is the calendar date in the business timezone; the sequence starts at
1 each day, is zero-padded to three digits and simply grows past 999
(``YYMMDD-1000``). Allocation (atomic, never reused) is the storage layer's job.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.clock import ensure_utc

_NUMBER_RE = re.compile(r"(\d{2})(\d{2})(\d{2})-(\d{3,})", re.ASCII)


def business_day(now_utc: datetime, tz: ZoneInfo) -> date:
    """The business date of an instant (aware) in ``tz``."""
    return ensure_utc(now_utc, "now_utc").astimezone(tz).date()


def format_request_number(day: date, seq: int) -> str:
    if seq < 1:
        raise ValueError(f"sequence must be >= 1, got {seq}")
    return f"{day:%y%m%d}-{seq:03d}"


def number_prefix(day: date) -> str:
    """``YYMMDD-``: the common prefix of one day's numbers."""
    return f"{day:%y%m%d}-"


def parse_request_number(text: str) -> tuple[date, int] | None:
    """``(day, seq)`` of a canonical number (surrounding spaces and ``#`` allowed),
    ``None`` for anything else. ``format_request_number`` inverts it."""
    match = _NUMBER_RE.fullmatch(text.strip().removeprefix("#").strip())
    if match is None:
        return None
    yy, mm, dd, digits = match.groups()
    seq = int(digits)
    if seq < 1 or (len(digits) > 3 and digits.startswith("0")):
        return None
    try:
        day = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        return None
    return day, seq
