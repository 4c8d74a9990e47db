"""Deadlines through the whole stack: the bot's clock moves, the sweep runs, people are told.

Each test pins the bot's clock to a known local time (business hours matter),
then jumps ahead with ``desk.after`` instead of sleeping. The escalation
card's buttons have their own tests (``test_escalation.py``).
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.enums import Action, Language, RequestStatus, Role, Urgency
from domain.services.requests import add_comment
from sandbox.client import UserClient
from storage.models import FollowUp, RequestHistory
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff
from tests.e2e.tracking_helpers import (
    Cast,
    drive,
    insert_request,
    make_cast,
    make_resident,
    request_row,
    to_completed,
)

TASHKENT = ZoneInfo("Asia/Tashkent")
QUIET = 0.7  # seconds to wait for a message that must not come


def next_monday(at: time) -> datetime:
    """Next week's Monday at ``at`` Tashkent time (a working day, far from holidays)."""
    today = datetime.now(TASHKENT).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, at, tzinfo=TASHKENT)


def local(instant: datetime) -> str:
    return f"{instant.astimezone(TASHKENT):%d.%m.%Y %H:%M}"


async def assign(desk: Desk, cast: Cast, request_id: int, number: str) -> None:
    """The manager assigns the plumber, who has got the job card when this returns."""
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await cast.executor.expect(f"Request {number} is assigned to you")


async def make_admin(desk: Desk) -> UserClient:
    admin = await new_user(desk, "Akmal", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    return admin


async def test_reminder_at_75_percent_goes_to_the_executor_once(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await assign(desk, cast, request_id, number)
    await cast.manager.mark()

    # Normal urgency: 4 business hours to accept, so 75 % is at 13:00.
    assert (await desk.after(timedelta(hours=2, minutes=58))).announced == 0
    report = await desk.after(timedelta(minutes=3))
    assert report.announced == 1
    reminder = await cast.executor.expect(f"Reminder: request {number}")
    assert f"must be taken by {local(start + timedelta(hours=4))}" in reminder.content
    assert [b["text"] for b in reminder.buttons] == ["🛠 Open the job"]
    await cast.manager.expect_no_message(within=QUIET)

    assert (await desk.after(timedelta(minutes=5))).claimed == 0  # fired once, never again
    await cast.executor.expect_no_message(within=QUIET)


async def test_escalation_at_100_and_admins_at_150_percent(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    admin = await make_admin(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await assign(desk, cast, request_id, number)
    for user in (cast.executor, cast.manager, admin):
        await user.mark()

    # 14:01: the reminder (75 %) and the deadline (100 %) are both due: one message.
    report = await desk.after(timedelta(hours=4, minutes=1))
    assert (report.claimed, report.announced) == (2, 1)
    card = await cast.manager.expect(f"Overdue: request {number}")
    assert "Executor: Bobur" in card.content
    assert f"was {local(start + timedelta(hours=4))}" in card.content
    buttons = [b["text"] for b in card.buttons]
    assert buttons[:5] == [
        "🔁 Reassign",
        "⏩ +2 h",
        "⏩ +1 day",
        "📞 Call the resident",
        "☑️ Resident contacted",
    ]
    await cast.executor.expect_no_message(within=QUIET)  # the news is the escalation
    await admin.expect_no_message(within=0.1)
    accept_due = (await request_row(desk, request_id)).accept_due_at
    assert accept_due is not None
    assert abs(accept_due - (start + timedelta(hours=4))) < timedelta(seconds=5)

    # 16:01: half the time again has passed; admins hear of it too.
    assert (await desk.after(timedelta(hours=2))).announced == 1
    await cast.manager.expect(f"Long overdue: request {number}")
    await admin.expect(f"Long overdue: request {number}")


async def test_quiet_hours_hold_back_a_normal_reminder_not_an_emergency(desk: Desk) -> None:
    evening = next_monday(time(21, 50))
    desk.clock.set(evening)
    cast = await make_cast(desk)
    admin = await make_admin(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    urgent_id, urgent = await insert_request(desk, resident, cast.home, urgency=Urgency.URGENT)
    emergency_id, emergency = await insert_request(
        desk, resident, cast.home, urgency=Urgency.EMERGENCY
    )
    await assign(desk, cast, urgent_id, urgent)
    await assign(desk, cast, emergency_id, emergency)
    for user in (cast.executor, cast.manager, admin):
        await user.mark()

    # 22:02: the emergency's 75 % (15 min to accept) rings in quiet hours anyway.
    assert (await desk.after(timedelta(minutes=12))).announced == 1
    await cast.executor.expect(f"Reminder: request {emergency}")

    # 22:42: the urgent one's 75 % (1 h to accept) waits for the morning.
    await cast.executor.mark()
    report = await desk.after(timedelta(minutes=40))
    assert report.postponed == 1
    await cast.manager.expect(f"Long overdue: request {emergency}")  # emergencies escalate
    await cast.executor.expect_no_message(within=QUIET)

    # 08:01: the night's news of the urgent request arrives once, as its most severe.
    morning = datetime.combine(evening.date() + timedelta(days=1), time(8, 1), tzinfo=TASHKENT)
    await cast.manager.mark()
    desk.clock.set(morning)
    report = await desk.runtime.sweeper.run_once()
    # One message per request: the urgent one's accept timers, and the emergency's
    # work deadline that also passed in the night (emergencies are never held back).
    assert (report.claimed, report.announced) == (6, 2)
    await cast.manager.expect(f"Long overdue: request {urgent}")
    await admin.expect(f"Long overdue: request {urgent}")
    await cast.executor.expect_no_message(within=QUIET)


async def test_auto_accept_after_its_reminder_and_the_resident_restarts_it(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, request_id)
    completed = desk.clock.now()
    await resident.mark()

    # The reminder 24 h before the auto-accept (72 h after completion).
    assert (await desk.after(timedelta(hours=47, minutes=59))).announced == 0
    assert (await desk.after(timedelta(minutes=2))).announced == 1
    reminder = await resident.expect(f"Request {number} is done and waits for your answer")
    assert f"accepted automatically on {local(completed + timedelta(hours=72))}" in reminder.content
    buttons = [b["text"] for b in reminder.buttons]
    assert "✅ Accept" in buttons

    # The resident writes: the auto-accept waits 72 h from now.
    services = desk.runtime.services
    actor = await services.actor(resident.id)
    assert actor is not None
    wrote = services.clock.now()
    async with services.uow() as uow:
        await add_comment(uow, actor, request_id, wrote, text="The tap still drips a bit")
    await desk.after(timedelta(hours=25))  # past the first 72 h
    assert (await request_row(desk, request_id)).status is RequestStatus.COMPLETED

    await resident.mark()
    desk.clock.set(wrote + timedelta(hours=72, minutes=1))
    report = await desk.runtime.sweeper.run_once()
    assert report.auto_accepted == 1
    await resident.expect(f"Request {number} was accepted automatically")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.CLOSED
    async with services.session_factory() as session:
        actions = list(
            await session.scalars(
                select(RequestHistory.action).where(RequestHistory.request_id == request_id)
            )
        )
    assert actions.count(Action.AUTO_ACCEPT.value) == 1


async def test_a_low_rating_opens_a_follow_up_with_its_own_deadline(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, request_id)
    await drive(desk, request_id, resident, Action.ACCEPT_WORK, rating=1, comment="Still leaks")
    rated = desk.clock.now()

    async with desk.runtime.services.session_factory() as session:
        follow_up = await session.scalar(select(FollowUp).where(FollowUp.request_id == request_id))
    assert follow_up is not None and follow_up.closed_at is None
    assert follow_up.reason == "low_rating"
    assert abs(follow_up.due_at - (rated + timedelta(hours=24))) < timedelta(seconds=1)

    await cast.manager.mark()
    assert (await desk.after(timedelta(hours=23))).announced == 0
    assert (await desk.after(timedelta(hours=1, minutes=1))).announced == 1
    await cast.manager.expect(f"follow up of request {number} \\(low rating\\)")


async def test_the_scheduler_sweeps_on_its_own(desk: Desk) -> None:
    """The APScheduler job, not the test, finds the due reminder."""
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await assign(desk, cast, request_id, number)
    desk.clock.advance(timedelta(hours=3, minutes=1))

    sweeper = desk.runtime.sweeper
    sweeper.interval = 0.2
    sweeper.start()
    try:
        await cast.executor.expect(f"Reminder: request {number}", timeout=5)
    finally:
        sweeper.stop()
        sweeper.interval = 0
    await asyncio.sleep(0)


async def test_open_requests_follow_the_admins_new_sla(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    admin = await make_admin(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await assign(desk, cast, request_id, number)
    before = (await request_row(desk, request_id)).accept_due_at
    assert before is not None and before - start > timedelta(hours=3)

    await admin.send_text("⚙️ Settings")
    home = await admin.expect("⚙️ Settings\n")
    await admin.press("⏱ Plumbing", message=home)
    table = await admin.expect("⏱ Deadlines: Plumbing")
    await admin.press("🟢 Normal: ⏱ accept", message=table)
    await admin.expect("Send the time to accept a request for Plumbing / Normal")
    await admin.send_text("30m")
    await admin.expect("Saved")

    # The change reaches the open request in the background: wait for it.
    for _ in range(100):
        after = (await request_row(desk, request_id)).accept_due_at
        if after != before:
            break
        await asyncio.sleep(0.05)
    assert after is not None and abs(after - (start + timedelta(minutes=30))) < timedelta(seconds=5)
    await cast.executor.mark()
    assert (await desk.after(timedelta(minutes=23))).announced == 1  # 75 % of 30 min
    await cast.executor.expect(f"Reminder: request {number}")


# (the job card, the executor's reminder, the managers' escalation, its first button)
STAFF_TEXTS = {
    Language.RU: (
        "Вам назначена заявка {number}",
        "Напоминание: заявку {number}",
        "Просрочено: заявка {number}",
        "🔁 Переназначить",
    ),
    Language.UZ: (
        "Sizga {number} ariza tayinlandi",
        "Eslatma: {number} ariza",
        "Muddati o'tdi: {number} ariza",
        "🔁 Qayta tayinlash",
    ),
}


@pytest.mark.parametrize("language", [Language.RU, Language.UZ])
async def test_reminder_and_escalation_in_the_staffs_language(
    desk: Desk, language: Language
) -> None:
    assigned, reminder, overdue, reassign = STAFF_TEXTS[language]
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk, language)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await cast.executor.expect(assigned.format(number=number))
    await cast.manager.mark()

    assert (await desk.after(timedelta(hours=3, minutes=1))).announced == 1
    message = await cast.executor.expect(reminder.format(number=number))
    assert local(start + timedelta(hours=4)) in message.content
    assert (await desk.after(timedelta(hours=1))).announced == 1
    card = await cast.manager.expect(overdue.format(number=number))
    texts = [b["text"] for b in card.buttons]
    assert texts[0] == reassign and len(texts) == 6
    assert not any(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", text) for text in texts)  # no raw keys
