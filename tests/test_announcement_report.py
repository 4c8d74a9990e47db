"""The delivery report fits one Telegram message however many residents it lists."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import get_translator
from domain.services.announcements import AnnouncementKind, DeliveryReport, Unreachable
from handlers.manager.announcements_views import render_report


def test_a_long_list_of_residents_to_call_is_cut_with_how_many_more() -> None:
    people = tuple(
        Unreachable(
            f"Resident with a long name number {n}",
            f"Navoi street 5, {n}",
            "+998901234567",
            n % 2 == 0,
        )
        for n in range(50)
    )
    report = DeliveryReport(
        announcement_id=7,
        kind=AnnouncementKind.OUTAGE,
        created_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        addresses=("Navoi street 5",),
        preview="No water",
        delivered=900,
        blocked=70,
        failed=30,
        unreachable=people,
    )
    text = render_report(get_translator().bind("en"), report, ZoneInfo("Asia/Tashkent"))
    assert len(text) <= 4096
    assert (
        "Recipients: 1,000 · queued: 0 · delivered: 900 · blocked the bot: 70 · failed: 30" in text
    )
    assert (
        "• Resident with a long name number 0, Navoi street 5, 0, +998901234567 (blocked the bot)"
        in text
    )
    shown = text.count("\n• ")
    assert 10 < shown < 50 and f"…and {100 - shown} more, not shown here." in text
