"""Garbage-collector settings for a long-running bot process.

Start-up builds a few hundred thousand long-lived objects (aiogram's and
pydantic's schemas, SQLAlchemy's mappers, the catalogues). While they are being
built the collector keeps walking them — five full collections, about 0.8 s of a
~5 s start — and finds nothing, so ``pause_during_start`` switches it off until
``settle``. Afterwards every full collection walked all of them again — one took
~0.3 s under load, a pause every user of the bot felt — although none of them
ever becomes garbage: ``settle`` moves them out of the collector's sight
(``gc.freeze``). The young generation's threshold stays: a larger one made
collections rarer but each one longer, for the same total.

Memory freed by Python is not always given back to the system: glibc's heap keeps
freed blocks between live ones, and the bot's RSS crept up by ~20 MB over a few
minutes of load while Python's own allocations stayed flat (tracemalloc).
``keep_trimmed`` asks glibc to release free pages every few seconds (a few
milliseconds each time); RSS then stays level. Elsewhere (musl, macOS) it does
nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def pause_during_start() -> None:
    """Call before the heavy imports of a process that will call ``settle``."""
    gc.disable()


def settle() -> None:
    """Call once everything is imported and built, before serving updates."""
    gc.collect()
    gc.freeze()
    gc.enable()


TRIM_INTERVAL = 10.0
"""Seconds between two ``malloc_trim`` calls."""


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None)  # glibc only
    return trim if callable(trim) else None


async def keep_trimmed(interval: float = TRIM_INTERVAL) -> None:
    """Runs until cancelled: gives the heap's free pages back to the system."""
    trim = _malloc_trim()
    if trim is None:
        return
    while True:
        await asyncio.sleep(interval)
        trim(0)
