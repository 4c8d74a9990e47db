"""Announcement rules: what a manager may send, to whom, and when planned works remind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from domain.access import Actor
from domain.enums import Role
from domain.errors import NotAllowed, ValidationFailed
from domain.services.announcements import (
    ERROR_EMPTY,
    ERROR_FILE_TOO_LARGE,
    ERROR_NO_BUILDINGS,
    ERROR_PHOTO_TOO_LARGE,
    ERROR_REMINDER_LATE,
    ERROR_TOO_LONG,
    ERROR_WINDOW,
    ERROR_WINDOW_ORDER,
    ERROR_WINDOW_PAST,
    MAX_TEXT_LENGTH,
    AnnouncementKind,
    Draft,
    DueReminder,
    Recipient,
    check_attachment,
    check_buildings,
    check_reminder,
    check_text,
    format_window,
    parse_window,
    preview_of,
    recipient_note,
    reminder_due,
    scope_of,
    send_due_reminders,
)
from domain.services.notifications import Priority
from tests.unit.factories import FakeOutbox

TZ = ZoneInfo("Asia/Tashkent")
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 13:00 in Tashkent
MANAGER = Actor(user_id=1, roles=frozenset({Role.MANAGER}), managed_building_ids=frozenset({5}))
ADMIN = Actor(user_id=2, roles=frozenset({Role.ADMIN}))


def _refused(key: str) -> Any:
    return pytest.raises(ValidationFailed, match=key)


def test_text_is_kept_as_written_within_the_limit() -> None:
    assert check_text("  <b>Water</b> is off  ") == "<b>Water</b> is off"
    assert check_text("x" * MAX_TEXT_LENGTH) == "x" * MAX_TEXT_LENGTH
    for empty in ("", "   \n", None):
        with _refused(ERROR_EMPTY):
            check_text(empty)
    with _refused(ERROR_TOO_LONG) as refused:
        check_text("x" * (MAX_TEXT_LENGTH + 1))
    assert refused.value.params == {"max": MAX_TEXT_LENGTH, "length": MAX_TEXT_LENGTH + 1}


def test_a_photo_over_ten_megabytes_or_a_document_over_twenty_is_refused() -> None:
    assert check_attachment("photo", "f1", 10 * 1024 * 1024).file_id == "f1"
    with _refused(ERROR_PHOTO_TOO_LARGE):
        check_attachment("photo", "f1", 10 * 1024 * 1024 + 1)
    assert check_attachment("document", "d1", 20 * 1024 * 1024).kind == "document"
    with _refused(ERROR_FILE_TOO_LARGE):
        check_attachment("document", "d1", 20 * 1024 * 1024 + 1)


def test_a_manager_speaks_only_to_their_buildings_an_admin_to_any() -> None:
    assert check_buildings(MANAGER, [5, 5]) == (5,)
    with pytest.raises(NotAllowed):
        check_buildings(MANAGER, [5, 6])  # a forged building
    with _refused(ERROR_NO_BUILDINGS):
        check_buildings(MANAGER, [])
    assert check_buildings(ADMIN, [6, 5]) == (5, 6)
    assert scope_of(MANAGER) == frozenset({5}) and scope_of(ADMIN) is None
    with pytest.raises(NotAllowed):
        scope_of(Actor(user_id=3, roles=frozenset({Role.EXECUTOR})))


def test_the_window_of_planned_works_is_read_in_local_time() -> None:
    start, end = parse_window("08.12 10:00-16:00", NOW, TZ)
    assert start == datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    start, end = parse_window("08.12.2026 22:00 – 09.12.2026 06:30", NOW, TZ)
    assert (end - start) == timedelta(hours=8, minutes=30)
    start, _ = parse_window("05.01 9.00-12.00", NOW, TZ)  # a past date: next year's
    assert start.astimezone(TZ).year == 2027
    assert format_window(start, start + timedelta(hours=3), TZ) == "05.01.2027 09:00–12:00"
    for wrong in ("tomorrow", "31.02 10:00-12:00", "08.12 25:00-26:00", ""):
        with _refused(ERROR_WINDOW):
            parse_window(wrong, NOW, TZ)
    with _refused(ERROR_WINDOW_PAST):
        parse_window("07.12 12:00-16:00", NOW, TZ)  # earlier today
    with _refused(ERROR_WINDOW_ORDER):
        parse_window("08.12 16:00-10:00", NOW, TZ)


def test_a_reminder_is_due_an_hour_before_the_start_and_needs_that_hour() -> None:
    start = NOW + timedelta(hours=3)
    draft = Draft(
        token="t",
        building_ids=(5,),
        kind=AnnouncementKind.PLANNED_WORKS,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        remind=True,
    )
    assert reminder_due(draft) == start - timedelta(hours=1)
    info = Draft(token="t", building_ids=(5,), remind=True)
    assert reminder_due(info) is None  # only planned works remind
    check_reminder(start, NOW)
    with _refused(ERROR_REMINDER_LATE):
        check_reminder(NOW + timedelta(minutes=59), NOW)


def test_each_recipient_row_is_bulk_once_and_escapes_the_organisation() -> None:
    note = recipient_note(
        7,
        AnnouncementKind.OUTAGE,
        Recipient(42, "Uy & Service"),
        {"text": "<b>No water</b>"},
        {"kind": "photo", "file_id": "p"},
        True,
    )
    assert note.priority is Priority.BULK and note.paid_broadcast and note.html
    assert note.dedupe_key == "ann:7:42" and note.announcement_id == 7
    assert note.params["organisation"] == "Uy &amp; Service"
    assert note.params["text"] == "<b>No water</b>"  # the manager's formatting, as written
    assert [m.file_id for m in note.media] == ["p"]


def test_history_lines_show_the_first_words_without_markup() -> None:
    assert preview_of("<b>Hot</b> water &amp; heating\nare off") == "Hot water & heating are off"
    assert preview_of("word " * 20, limit=12) == "word word…"


class _DueReminders:
    """The announcements whose reminder is due, as the repository claims them."""

    def __init__(self, due: list[DueReminder]) -> None:
        self.due = due
        self.reminded: list[int] = []

    async def claim_due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        claimed, self.due = self.due[:limit], self.due[limit:]
        return claimed

    async def mark_reminded(self, ids: list[int], now: datetime) -> None:
        self.reminded.extend(ids)


class _ReminderUow:
    def __init__(self, due: list[DueReminder]) -> None:
        self.announcements = _DueReminders(due)
        self.outbox = FakeOutbox()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


async def test_a_reminder_whose_works_already_started_is_marked_but_not_sent() -> None:
    now = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    people = (Recipient(7, "Demo UK"), Recipient(8, "Demo UK"))
    on_time = DueReminder(
        1, "Lift", now + timedelta(minutes=50), now + timedelta(hours=3), False, people
    )
    # the bot was down at its reminder time: the works began ten minutes ago
    started = DueReminder(
        2, "Water", now - timedelta(minutes=10), now + timedelta(hours=2), False, people
    )
    uow = _ReminderUow([on_time, started])
    done = await send_due_reminders(cast(Any, uow), now, ZoneInfo("Asia/Tashkent"))
    assert (done.announcements, done.messages) == (2, 2)
    assert sorted(uow.announcements.reminded) == [1, 2]  # neither is claimed again
    assert {n.dedupe_key for n in uow.outbox.notes} == {"annr:1:7", "annr:1:8"}
    nothing = await send_due_reminders(cast(Any, uow), now, ZoneInfo("Asia/Tashkent"))
    assert (nothing.announcements, nothing.messages) == (0, 0)
