"""Humanised durations and time left on cards (bot/durations.py), in ru, uz and en."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.durations import duration_parts, format_duration, time_left
from bot.i18n import BoundTranslator, get_translator
from handlers.resident.tracking_views import format_deadline

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
TASHKENT = ZoneInfo("Asia/Tashkent")


def _t(lang: str) -> BoundTranslator:
    return get_translator().bind(lang)


@pytest.mark.parametrize(
    ("delta", "parts"),
    [
        (timedelta(0), ()),
        (timedelta(seconds=59), ()),
        (timedelta(minutes=1), (("minutes", 1),)),
        (timedelta(minutes=59, seconds=59), (("minutes", 59),)),
        (timedelta(hours=2, minutes=15), (("hours", 2), ("minutes", 15))),
        (timedelta(hours=2), (("hours", 2),)),
        (timedelta(days=1, hours=3, minutes=40), (("days", 1), ("hours", 3))),
        (timedelta(days=3), (("days", 3),)),
        (-timedelta(hours=1, minutes=5), (("hours", 1), ("minutes", 5))),
    ],
)
def test_two_largest_units_rounded_down(
    delta: timedelta, parts: tuple[tuple[str, int], ...]
) -> None:
    assert duration_parts(delta) == parts


@pytest.mark.parametrize(
    ("lang", "delta", "text"),
    [
        ("en", timedelta(hours=2, minutes=15), "2 hours 15 minutes"),
        ("en", timedelta(days=1, hours=1), "1 day 1 hour"),
        ("en", timedelta(minutes=1), "1 minute"),
        ("en", timedelta(seconds=10), "less than a minute"),
        ("ru", timedelta(hours=2, minutes=15), "2 часа 15 минут"),
        ("ru", timedelta(days=1, hours=5), "1 день 5 часов"),
        ("ru", timedelta(days=21, hours=1), "21 день 1 час"),
        ("ru", timedelta(minutes=22), "22 минуты"),
        ("ru", timedelta(minutes=11), "11 минут"),
        ("ru", timedelta(days=3), "3 дня"),
        ("uz", timedelta(hours=2, minutes=15), "2 soat 15 daqiqa"),
        ("uz", timedelta(days=1, hours=3), "1 kun 3 soat"),
    ],
)
def test_units_with_plural_forms(lang: str, delta: timedelta, text: str) -> None:
    assert format_duration(_t(lang), delta) == text


@pytest.mark.parametrize(
    ("lang", "left", "late"),
    [
        ("en", "2 hours 15 minutes left", "overdue by 1 day 3 hours"),
        ("ru", "осталось: 2 часа 15 минут", "просрочка: 1 день 3 часа"),
        ("uz", "2 soat 15 daqiqa qoldi", "1 kun 3 soat kechikdi"),
    ],
)
def test_time_left_or_overdue(lang: str, left: str, late: str) -> None:
    t = _t(lang)
    assert time_left(t, NOW + timedelta(hours=2, minutes=15), NOW) == left
    assert time_left(t, NOW - timedelta(days=1, hours=3, minutes=1), NOW) == late


def test_the_deadline_line_shows_when_and_how_long() -> None:
    t = _t("en")
    due = NOW + timedelta(hours=2, minutes=15)  # 17:15 in Tashkent
    assert format_deadline(t, due, TASHKENT, NOW) == "28 Nov, 17:15 · 2 hours 15 minutes left"
    assert format_deadline(t, due, TASHKENT, due + timedelta(minutes=90)) == (
        "28 Nov, 17:15 · overdue by 1 hour 30 minutes"
    )
