"""Humanised durations ("2 hours 15 minutes", "1 day 3 hours") and the time left
before a deadline, in the reader's language.

The one place every card (resident, executor, manager) formats "how long until /
since a deadline". Units and their plural forms live in the catalogue
(``locales/*/escalation.ftl``); code only picks the two largest units.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import BoundTranslator

__all__ = ["duration_parts", "format_duration", "time_left"]

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def duration_parts(delta: timedelta) -> tuple[tuple[str, int], ...]:
    """The two largest non-zero units of ``|delta|``, whole minutes (rounded down):
    ``(("days", 1), ("hours", 3))``; empty under a minute."""
    seconds = int(abs(delta.total_seconds()))
    units: tuple[tuple[str, int], ...]
    days, rest = divmod(seconds, _DAY)
    hours, rest = divmod(rest, _HOUR)
    minutes = rest // _MINUTE
    if days:
        units = (("days", days), ("hours", hours))
    elif hours:
        units = (("hours", hours), ("minutes", minutes))
    else:
        units = (("minutes", minutes),)
    return tuple((unit, count) for unit, count in units if count)


def format_duration(t: BoundTranslator, delta: timedelta) -> str:
    """``2 hours 15 minutes`` / ``1 day`` / ``less than a minute`` (sign ignored)."""
    parts = duration_parts(delta)
    if not parts:
        return t("time-under-minute")
    texts = [t(f"time-{unit}", count=count) for unit, count in parts]
    if len(texts) == 1:
        return texts[0]
    return t("time-pair", major=texts[0], minor=texts[1])


def time_left(t: BoundTranslator, due: datetime, now: datetime) -> str:
    """``2 hours 15 minutes left`` before ``due``, or ``overdue by 1 day 3 hours`` after it."""
    delta = due - now
    if delta.total_seconds() >= 0:
        return t("time-left", duration=format_duration(t, delta))
    return t("time-overdue", duration=format_duration(t, delta))
