"""Escalation cards, follow ups and time left, through the emulator.

The bot's clock is pinned to a Monday morning in Tashkent (business hours
matter) and moved with ``desk.after``, which also runs the deadline sweep.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from domain.enums import Action, RequestStatus, Role, Specialization
from fsm.escalation import EscalationCb, EscalationExtendCb
from sandbox.client import Message, UserClient
from storage.models import AuditLog, FollowUp
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
NOT_AVAILABLE = "This item is not available to you."


def next_monday(at: time) -> datetime:
    """Next week's Monday at ``at`` Tashkent time (a working day)."""
    today = datetime.now(TASHKENT).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, at, tzinfo=TASHKENT)


def card_time(instant: datetime) -> str:
    """How cards and answers show an instant this year: ``30 Nov, 16:00``."""
    return f"{instant.astimezone(TASHKENT):%-d %b, %H:%M}"


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _second_plumber(desk: Desk) -> UserClient:
    executor = await new_user(desk, "Sardor", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        executor,
        [Role.EXECUTOR],
        specializations=[Specialization.PLUMBER],
        on_duty=True,
    )
    return executor


async def _audit(desk: Desk, action: str, request_id: int) -> list[AuditLog]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.scalars(
            select(AuditLog).where(AuditLog.action == action, AuditLog.entity_id == str(request_id))
        )
        return list(rows)


async def _escalated(desk: Desk, cast: Cast) -> tuple[int, str, datetime, Message]:
    """A normal plumbing request assigned at 10:00 and not taken: at 14:01 the
    building's manager gets the escalation card."""
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await cast.executor.expect(f"Request {number} is assigned to you")
    await cast.manager.mark()
    await desk.after(timedelta(hours=4, minutes=1))
    card = await cast.manager.expect(f"Overdue: request {number}")
    return request_id, number, start, card


async def test_extend_reassign_call_and_contacted_from_the_escalation_card(desk: Desk) -> None:
    cast = await make_cast(desk)
    second = await _second_plumber(desk)
    request_id, number, start, card = await _escalated(desk, cast)
    assert _texts(card)[:5] == [
        "🔁 Reassign",
        "⏩ +2 h",
        "⏩ +1 day",
        "📞 Call the resident",
        "☑️ Resident contacted",
    ]

    # +2 h: the deadline to accept moves from 14:00 to 16:00
    new_due = start + timedelta(hours=6)
    result = await cast.manager.press("⏩ +2 h", message=card)
    assert result.text == f"⏩ Request {number}: the new deadline is {card_time(new_due)}."
    edited = await cast.manager.expect("Malika extended the deadline to")
    assert edited.message_id == card.message_id
    assert f"extended the deadline to {card_time(new_due)}." in edited.content
    assert _texts(edited)[:3] == ["🔁 Reassign", "⏩ +2 h", "⏩ +1 day"]  # buttons kept
    row = await request_row(desk, request_id)
    assert row.accept_due_at is not None
    assert abs(row.accept_due_at - new_due) < timedelta(seconds=5)
    await cast.executor.expect(f"deadline of request {number} was extended")
    assert await _audit(desk, "request.deadline_extended", request_id)

    # up to just before 16:00 the manager hears nothing new
    await cast.manager.mark()
    await desk.after(timedelta(hours=1, minutes=57))  # ≈ 15:58
    await cast.manager.expect_no_message(within=QUIET)

    # call the resident: the phone in an alert and in a message (one tap to call)
    result = await cast.manager.press("📞 Call the resident", message=card)
    assert result.show_alert and result.text == "📞 Dilnoza: +998901234567"
    await cast.manager.expect(re.compile(re.escape("Phone: +998901234567")))

    # the resident was reached: recorded in the audit log, noted on the card
    result = await cast.manager.press("☑️ Resident contacted", message=card)
    assert result.text == "☑️ Recorded: the resident was contacted."
    await cast.manager.expect("Malika contacted the resident")
    contacted = await _audit(desk, "request.resident_contacted", request_id)
    assert [entry.actor_id for entry in contacted] == [cast.manager.id]

    # reassign: the desk's executor picker, then the new executor gets the job
    await cast.manager.press("🔁 Reassign", message=card)
    picker = await cast.manager.expect("Executor for request")
    assert "Bobur" not in picker.content  # the current assignee is not offered
    result = await cast.manager.press("1. Sardor", message=picker)
    assert result.text == "Assigned: Sardor"
    await second.expect(f"Request {number} is assigned to you", timeout=10)
    row = await request_row(desk, request_id)
    assert row.assignee_id == second.id and row.status is RequestStatus.ASSIGNED

    # a second extension works too; on a finished request it is refused
    result = await cast.manager.press("⏩ +1 day", message=card)
    assert result.text is not None and result.text.startswith(f"⏩ Request {number}")
    await drive(desk, request_id, cast.manager, Action.CANCEL, reason="Resident moved out")
    result = await cast.manager.press("⏩ +1 day", message=card)
    assert result.show_alert
    assert result.text == "This request has no running deadline to extend."


async def test_strangers_cannot_use_escalation_buttons(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, _number = await insert_request(desk, resident, cast.home)
    intruder = await new_user(desk, "Olim", started=True)
    await make_staff(desk.runtime.services.session_factory, intruder, [Role.MANAGER])
    forged = [
        EscalationExtendCb(action="ext", request_id=request_id, by="2h"),
        EscalationExtendCb(action="ext", request_id=request_id, by="1y"),
        EscalationCb(action="call", request_id=request_id),
        EscalationCb(action="contacted", request_id=request_id),
        EscalationCb(action="nonsense", request_id=request_id),
    ]
    keyboard = [
        [InlineKeyboardButton(text=f"forged {i}", callback_data=cb.pack())]
        for i, cb in enumerate(forged)
    ]
    for stranger in (intruder, resident, cast.executor):
        await desk.runtime.bot.send_message(
            stranger.id, "buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=keyboard)
        )
        buttons = await stranger.expect("buttons")
        for index in (0, 2, 3, 4):
            result = await stranger.press(f"forged {index}", message=buttons)
            assert result.text == NOT_AVAILABLE, (stranger.first_name, index)
    row = await request_row(desk, request_id)
    assert row.accept_extension_seconds == 0
    assert not await _audit(desk, "request.resident_contacted", request_id)


async def test_follow_ups_queue_lists_low_ratings_and_returns_until_closed(desk: Desk) -> None:
    desk.clock.set(next_monday(time(10, 0)))
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    rated_id, rated = await insert_request(desk, resident, cast.home)
    returned_id, returned = await insert_request(desk, resident, cast.home, description="Tap")
    await to_completed(desk, cast, rated_id)
    await drive(desk, rated_id, resident, Action.ACCEPT_WORK, rating=1)
    desk.clock.advance(timedelta(minutes=5))
    await to_completed(desk, cast, returned_id)
    await drive(desk, returned_id, resident, Action.RETURN_WORK, reason="Still dripping")

    await cast.manager.send_text("🗂 Panel")
    panel = await cast.manager.expect("Manager panel")
    assert "📌 Follow-ups: 2" in _texts(panel)
    await cast.manager.press("📌 Follow-ups: 2", message=panel)
    page = await cast.manager.expect("📌 Follow-ups: 2. Page 1 of 1")
    lines = page.content.splitlines()
    assert lines[1].startswith(f"• {rated}: low rating, by ")  # the oldest due first
    assert lines[2].startswith(f"• {returned}: work returned by the resident, by ")
    assert re.search(r"\((1 day|23 hours \d+ minutes) left\)", lines[1]), lines[1]
    assert _texts(page)[:2] == [
        f"{rated} · low rating · Tashkent, Navoi street 5, apt. 12",
        f"{returned} · work returned by the resident · Tashkent, Navoi street 5, apt. 12",
    ]

    await cast.manager.press(_texts(page)[0], message=page)
    card = await cast.manager.expect(f"📄 Request {rated}")
    assert "📌 Follow up needed: low rating, by" in card.content
    assert _texts(card)[0] == "✅ Close the case"

    # Cancel leaves it open; then the case is closed with a comment
    await cast.manager.press("✅ Close the case", message=card)
    await cast.manager.expect("write what was done to close the case")
    result = await cast.manager.press("✖️ Cancel")
    assert result.text == "Nothing changed."
    card = await cast.manager.expect(f"📄 Request {rated}")
    await cast.manager.press("✅ Close the case", message=card)
    await cast.manager.expect("write what was done to close the case")
    await cast.manager.send_text("Called the resident and sent the plumber again")
    await cast.manager.expect(f"The case of request {rated} is closed.")
    card = await cast.manager.expect(f"📄 Request {rated}")
    assert "Follow up needed" not in card.content
    assert "✅ Close the case" not in _texts(card)

    closed = await _audit(desk, "request.follow_up_closed", rated_id)
    assert [(e.actor_id, e.data["comment"]) for e in closed] == [
        (cast.manager.id, "Called the resident and sent the plumber again")
    ]
    async with desk.runtime.services.session_factory() as session:
        follow_up = await session.scalar(select(FollowUp).where(FollowUp.request_id == rated_id))
    assert follow_up is not None and follow_up.closed_by == cast.manager.id

    # the returned one is still followed up; once closed too, the queue is empty
    await cast.manager.send_text("🗂 Panel")
    panel = await cast.manager.expect("Manager panel")
    await cast.manager.press("📌 Follow-ups: 1", message=panel)
    page = await cast.manager.expect("📌 Follow-ups: 1. Page 1 of 1")
    await cast.manager.press(_texts(page)[0], message=page)
    card = await cast.manager.expect(f"📄 Request {returned}")
    await cast.manager.press("✅ Close the case", message=card)
    await cast.manager.expect("write what was done")
    await cast.manager.send_text("Replaced the tap")
    await cast.manager.expect(f"The case of request {returned} is closed.")
    await cast.manager.send_text("🗂 Panel")
    panel = await cast.manager.expect("Manager panel")
    await cast.manager.press("📌 Follow-ups: 0", message=panel)
    await cast.manager.expect("📌 Follow-ups: nothing here.")


async def test_cards_show_time_left_and_overdue(desk: Desk) -> None:
    start = next_monday(time(10, 0))
    desk.clock.set(start)
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)

    await resident.send_command("my")
    await resident.expect("Your active requests")
    await resident.press(number)
    card = await resident.expect(f"📄 Request {number}")
    due = card_time(start + timedelta(hours=4))
    assert re.search(
        rf"An executor takes it by: {due} · (4 hours|3 hours 59 minutes) left", card.content
    ), card.content

    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await desk.after(timedelta(hours=5, minutes=30))  # 15:30, 1 h 30 min late
    await resident.send_command("my")
    await resident.expect("Your active requests")
    await resident.press(number)
    card = await resident.expect(f"📄 Request {number}")
    assert re.search(
        rf"⚠️ An executor had to take it by: {due} · overdue by 1 hour (29|30) minutes",
        card.content,
    ), card.content
