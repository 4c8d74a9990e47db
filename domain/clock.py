"""Time source abstraction: the domain never calls ``datetime.now`` itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


def ensure_utc(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC; reject naive datetimes."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, demos, the sandbox)."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_utc(start, "start")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now = self._now + delta
        return self._now

    def set(self, value: datetime) -> datetime:
        self._now = ensure_utc(value, "value")
        return self._now


class ShiftedClock:
    """The wall clock moved forward by a settable offset (end-to-end tests and
    demos: time runs as usual, and a test jumps hours ahead instead of sleeping)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        return self.now()

    def set(self, instant: datetime) -> datetime:
        """Jump so that "now" is ``instant`` (time keeps running from there)."""
        self.offset = ensure_utc(instant, "instant") - datetime.now(UTC)
        return self.now()

    def reset(self) -> None:
        self.offset = timedelta(0)
