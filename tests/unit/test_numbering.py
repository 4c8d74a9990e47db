"""Request numbers YYMMDD-NNN per business day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.numbering import (
    business_day,
    format_request_number,
)

TASHKENT = ZoneInfo("Asia/Tashkent")


def test_business_day_rolls_over_at_local_midnight() -> None:
    # Tashkent is UTC+5: 19:00 UTC is already the next local day
    assert business_day(datetime(2025, 12, 31, 18, 59, tzinfo=UTC), TASHKENT) == date(2025, 12, 31)
    assert business_day(datetime(2025, 12, 31, 19, 0, tzinfo=UTC), TASHKENT) == date(2026, 1, 1)
    assert business_day(datetime(2025, 12, 31, 19, 0, tzinfo=UTC), ZoneInfo("UTC")) == date(
        2025, 12, 31
    )
    # UTC midnight is 05:00 local, same day
    assert business_day(datetime(2026, 1, 1, 0, 0, tzinfo=UTC), TASHKENT) == date(2026, 1, 1)


def test_business_day_needs_aware_input() -> None:
    with pytest.raises(ValueError, match="aware"):
        business_day(datetime(2025, 1, 1), TASHKENT)


def test_format() -> None:
    day = date(2025, 11, 22)
    assert format_request_number(day, 1) == "251122-001"
    assert format_request_number(day, 42) == "251122-042"
    assert format_request_number(day, 999) == "251122-999"
    assert format_request_number(day, 1000) == "251122-1000"
    with pytest.raises(ValueError, match=">= 1"):
        format_request_number(day, 0)


@settings(max_examples=100)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    a=st.integers(min_value=1, max_value=5000),
    b=st.integers(min_value=1, max_value=5000),
)
def test_numbers_of_a_day_are_distinct(day: date, a: int, b: int) -> None:
    assert (format_request_number(day, a) == format_request_number(day, b)) == (a == b)
