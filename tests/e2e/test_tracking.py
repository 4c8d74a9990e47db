"""Tracking and closing the loop, end to end: my requests, the card, comments, photos,
cancelling, accepting with a rating, returning, and forged buttons."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from domain.enums import (
    Action,
    CommentVisibility,
    Language,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    Urgency,
)
from fsm.tracking import CloseLoopCb, RateCb, RateSkipCb, TrackCb, TrackOpenCb
from sandbox.client import Message, UserClient
from storage.models import Comment, Media, Outbox, Rating, RequestHistory
from tests.e2e.conftest import Desk
from tests.e2e.tracking_helpers import (
    add_media,
    drive,
    insert_request,
    make_cast,
    make_home,
    make_resident,
    request_row,
    to_completed,
    watch,
)

TASHKENT = ZoneInfo("Asia/Tashkent")


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _open_card(resident: UserClient, number: str) -> Message:
    await resident.send_command("my")
    await resident.expect("Your active requests")
    await resident.press(number)  # the list button starts with the number
    return await resident.expect(f"📄 Request {number}")


async def test_lists_active_archive_and_pagination(desk: Desk) -> None:
    home = await make_home(desk)
    resident = await make_resident(desk, home, "Dilnoza")
    neighbour = await make_resident(desk, home, "Aziz", apartment="13")
    services = desk.runtime.services
    start = services.clock.now() - timedelta(days=1)
    numbers = []
    for index in range(10):
        _, number = await insert_request(
            desk, resident, home, created_at=start + timedelta(minutes=index)
        )
        numbers.append(number)
    _foreign_id, foreign = await insert_request(desk, neighbour, home, apartment="13")
    watched_id, watched = await insert_request(
        desk, neighbour, home, apartment=None, place=PlaceKind.YARD
    )
    await watch(desk, watched_id, resident)
    cancelled_id, cancelled = await insert_request(
        desk, resident, home, created_at=start - timedelta(hours=1)
    )
    await drive(desk, cancelled_id, resident, Action.CANCEL, reason="Fixed it myself")

    await resident.send_text("📋 My requests")  # the main menu button
    first = await resident.expect("Your active requests: 11. Page 1 of 2")
    buttons = _texts(first)
    # newest first: the watched yard request, then my requests from the latest
    assert buttons[0].startswith(watched) and "Plumbing" in buttons[0] and "New" in buttons[0]
    assert [b.split(" ·")[0] for b in buttons[1:8]] == numbers[::-1][:7]
    assert buttons[8:] == ["Next ▶️", "🗄 Archive"]
    assert not any(foreign in b for b in buttons)

    await resident.press("Next ▶️")
    second = await resident.expect("Page 2 of 2")
    assert [b.split(" ·")[0] for b in _texts(second)[:3]] == numbers[::-1][7:]
    assert _texts(second)[3:] == ["◀️ Back", "🗄 Archive"]
    assert second.message_id == first.message_id  # pages replace each other

    await resident.press("🗄 Archive")
    archive = await resident.expect("Archive .closed")
    assert "Archive (closed, rejected and cancelled requests): 1. Page 1 of 1" in archive.content
    assert _texts(archive)[0].startswith(f"{cancelled} · Plumbing · Cancelled")
    await resident.press(cancelled)
    card = await resident.expect(f"📄 Request {cancelled}")
    assert "Status: Cancelled" in card.content and "cancelled: Fixed it myself" in card.content
    # a finished request offers nothing but the way back, to the archive
    assert _texts(card) == ["⬅️ Back to list"]
    await resident.press("⬅️ Back to list")
    await resident.expect("Archive .closed")
    await resident.press("📋 Active requests")
    await resident.expect("Your active requests: 11. Page 1 of 2")
    # a watched request opens too; only its author may cancel it
    await resident.press(watched)
    card = await resident.expect(f"📄 Request {watched}")
    assert "Place: Tashkent, Navoi street 5 · Yard" in card.content
    assert _texts(card) == ["💬 Add comment", "📷 Add photos", "⬅️ Back to list"]

    # someone else's request is not in the list, and an empty list says so
    stranger = await make_resident(desk, home, "Olim", apartment="14")
    await stranger.send_command("my")
    empty = await stranger.expect("You have no active requests")
    assert _texts(empty) == ["🗄 Archive"]


async def test_card_with_timeline_and_deadlines(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    services = desk.runtime.services
    old_id, old = await insert_request(
        desk,
        resident,
        cast.home,
        description="Radiator <cold> & noisy",
        created_at=services.clock.now() - timedelta(days=10),
    )
    await add_media(desk, old_id, resident, MediaPurpose.REQUEST)
    await drive(desk, old_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)

    card = await _open_card(resident, old)
    text = card.content
    assert "Status: Assigned" in text
    assert "Category: Plumbing · Normal" in text
    assert "Place: Tashkent, Navoi street 5, apt. 12" in text
    assert "Description: Radiator <cold> & noisy" in text
    assert "Executor: Bobur" in text
    assert "An executor had to take it by:" in text and "overdue by" in text
    assert "Had to be done by:" in text
    assert "Photos and files: 1" in text
    assert "History:" in text and "· filed" in text and "· assigned" in text
    assert _texts(card) == [
        "💬 Add comment",
        "📷 Add photos",
        "❌ Cancel request",
        "⬅️ Back to list",
    ]

    created = services.clock.now()
    _, fresh = await insert_request(
        desk, resident, cast.home, urgency=Urgency.EMERGENCY, created_at=created
    )
    await resident.press("⬅️ Back to list")
    await resident.expect("Your active requests: 2")
    await resident.press(fresh)
    card = await resident.expect(f"📄 Request {fresh}")
    accept_by = (created + timedelta(minutes=15)).astimezone(TASHKENT)
    assert f"An executor takes it by: {accept_by:%-d} " in card.content
    assert f"{accept_by:%H:%M}" in card.content and "overdue" not in card.content
    assert "Executor: not assigned yet" in card.content

    # in the resident's language
    russian = await make_resident(desk, cast.home, "Саида", apartment="14", language=Language.RU)
    _, number = await insert_request(desk, russian, cast.home, apartment="14")
    await russian.send_command("my")
    await russian.expect("Ваши активные заявки: 1")
    await russian.press(number)
    card = await russian.expect(f"📄 Заявка {number}")
    assert (
        "Статус: Новая" in card.content and "История:" in card.content and "создана" in card.content
    )
    assert "Исполнитель: пока не назначен" in card.content
    assert _texts(card)[-1] == "⬅️ К списку"


async def test_comment_reaches_the_executor_and_the_manager(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await cast.executor.expect(f"Request {number} is assigned to you")

    await _open_card(resident, number)
    await resident.press("💬 Add comment")
    await resident.expect("Write your comment on request")
    await resident.send_photo()
    await resident.expect("type the comment as text")
    await resident.send_text("x" * 2001)
    await resident.expect("at most 2,000 characters")
    await resident.send_text("Still leaking <a lot> & the floor is wet")
    await resident.expect(f"Your comment was added to request {number}")
    card = await resident.expect(f"📄 Request {number}")
    assert "💬 you: Still leaking <a lot> & the floor is wet" in card.content

    note = f"Request {number}, comment from the resident: Still leaking <a lot> & the floor is wet"
    await cast.executor.expect(note)
    await cast.manager.expect(note)
    async with desk.runtime.services.session_factory() as session:
        comments = (await session.scalars(select(Comment))).all()
    assert [(c.author_id, c.visibility, c.text) for c in comments] == [
        (resident.id, CommentVisibility.PUBLIC, "Still leaking <a lot> & the floor is wet")
    ]

    # the writer is not notified about their own comment
    async with desk.runtime.services.session_factory() as session:
        told = await session.scalars(
            select(Outbox.chat_id).where(Outbox.template == "notify-comment")
        )
        assert sorted(told) == sorted([cast.executor.id, cast.manager.id])


async def test_add_photos(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)

    await _open_card(resident, number)
    await resident.press("📷 Add photos")
    await resident.expect("Send photos or videos for request")
    empty = await resident.press("✅ Done")  # nothing sent yet: told so, nothing stored
    assert empty.show_alert and empty.text == "Send at least one photo first."
    await resident.send_text("here")
    await resident.expect("Please send a photo")
    await resident.send_photo()
    await resident.expect("Received")
    await resident.send_album(2)
    await resident.expect("Received")
    await resident.press("✅ Done")
    await resident.expect(f"Files added to request {number}: 3")
    card = await resident.expect(f"📄 Request {number}")
    assert "Photos and files: 3" in card.content

    for person in (cast.executor, cast.manager):
        album = await person.expect(lambda m: bool(m.photo))
        assert album.media_group_id
        await person.expect(f"Request {number}: the resident added 3 files")
    async with desk.runtime.services.session_factory() as session:
        media = (await session.scalars(select(Media).where(Media.request_id == request_id))).all()
    assert len(media) == 3
    assert {m.purpose for m in media} == {MediaPurpose.COMMENT}
    # kept in the storage channel, so they outlive the resident's chat
    assert all(m.storage_chat_id == desk.storage_channel.id for m in media)


async def test_cancel_with_a_reason_only_until_work_starts(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    new_id, new = await insert_request(desk, resident, cast.home)
    await _open_card(resident, new)
    await resident.press("❌ Cancel request")
    await resident.expect(f"Why do you want to cancel request {new}")
    await resident.press("✖️ Never mind")
    kept = await resident.expect(f"📄 Request {new}")
    assert "Status: New" in kept.content
    await resident.press("❌ Cancel request", message=kept)
    await resident.expect("Why do you want to cancel")
    await resident.send_text("The neighbour fixed it")
    await resident.expect(f"Request {new} is cancelled")
    card = await resident.expect(f"📄 Request {new}")
    assert (
        "Status: Cancelled" in card.content and "cancelled: The neighbour fixed it" in card.content
    )
    await cast.manager.expect(f"Request {new} was cancelled: The neighbour fixed it")
    row = await request_row(desk, new_id)
    assert row.status is RequestStatus.CANCELLED and row.closed_at is not None

    # assigned and accepted requests may still be cancelled; the executor is told
    assigned_id, assigned = await insert_request(desk, resident, cast.home)
    await drive(desk, assigned_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    card = await _open_card(resident, assigned)
    assert "❌ Cancel request" in _texts(card)
    await drive(desk, assigned_id, cast.executor, Action.ACCEPT)
    await resident.press("⬅️ Back to list")
    await resident.press(assigned)
    card = await resident.expect(f"📄 Request {assigned}")
    assert "Status: Accepted by executor" in card.content
    assert "❌ Cancel request" in _texts(card)
    # ... but not once the work is in progress: the button is gone, a stale one refuses
    await drive(desk, assigned_id, cast.executor, Action.START)
    stale = await resident.press("❌ Cancel request", message=card)
    assert stale.show_alert and "not possible in the current state (In progress)" in (
        stale.text or ""
    )
    await resident.press("⬅️ Back to list")
    await resident.press(assigned)
    card = await resident.expect(f"📄 Request {assigned}")
    assert "Status: In progress" in card.content
    assert "❌ Cancel request" not in _texts(card)
    assert (await request_row(desk, assigned_id)).status is RequestStatus.IN_PROGRESS

    await drive(desk, assigned_id, cast.manager, Action.REJECT, reason="Duplicate")
    await cast.executor.expect(f"Request {assigned} was rejected: Duplicate")


async def test_accept_completed_work_with_five_stars_and_a_comment(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    follower = await make_resident(desk, cast.home, "Aziz", apartment="13")
    request_id, number = await insert_request(desk, resident, cast.home)
    await watch(desk, request_id, follower)
    await to_completed(desk, cast, request_id)

    done = await resident.expect(f"Request {number} is done", timeout=10)
    assert done.photo, "the completion photo comes with the message"
    assert "Executor Bobur: Replaced the siphon and the gasket" in done.content
    assert _texts(done) == ["✅ Accept", "↩️ Return to work"]
    followed = await follower.expect(f"Request {number} that you follow is done")
    assert followed.photo and _texts(followed) == ["📄 Open the request"]

    await resident.press("✅ Accept", message=done)
    await resident.expect("How do you rate the work")
    await resident.press("5 ⭐")
    await resident.expect("Your rating: 5 ⭐")
    await resident.send_text("Fast and tidy, thank you!")
    await resident.expect(f"Thank you! Request {number} is closed with your rating of 5 ⭐")

    await cast.executor.expect(f"accepted request {number} with a rating of 5")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.CLOSED
    async with desk.runtime.services.session_factory() as session:
        rating = await session.scalar(select(Rating).where(Rating.request_id == request_id))
    assert rating is not None and (rating.stars, rating.text) == (5, "Fast and tidy, thank you!")
    # pressing Accept again is refused: the request is closed
    again = await resident.press("✅ Accept", message=done)
    assert again.show_alert and "(Closed)" in (again.text or "")

    # closed: the request moved to the archive
    await resident.send_command("my")
    await resident.expect("You have no active requests")
    await resident.press("🗄 Archive")
    await resident.press(number)
    card = await resident.expect(f"📄 Request {number}")
    assert "Your rating: 5 ⭐" in card.content
    assert "accepted by the resident: Fast and tidy, thank you!" in card.content


async def test_accept_with_one_star_records_a_follow_up(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, request_id)
    done = await resident.expect(f"Request {number} is done", timeout=10)
    await resident.press("✅ Accept", message=done)
    await resident.press("1 ⭐")
    await resident.expect("Your rating: 1 ⭐")
    await resident.press("Skip")
    await resident.expect("sorry the work disappointed you")

    await cast.manager.expect(f"Low rating for request {number}: 1 ⭐")
    async with desk.runtime.services.session_factory() as session:
        closing = await session.scalar(
            select(RequestHistory).where(
                RequestHistory.request_id == request_id,
                RequestHistory.action == Action.ACCEPT_WORK.value,
            )
        )
        rating = await session.scalar(select(Rating).where(Rating.request_id == request_id))
    assert closing is not None
    assert closing.payload == {"how": "resident", "rating": 1, "needs_follow_up": True}
    assert rating is not None and (rating.stars, rating.text) == (1, None)


async def test_return_with_a_reason(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, request_id)
    done = await resident.expect(f"Request {number} is done", timeout=10)
    await resident.press("↩️ Return to work", message=done)
    await resident.expect("What is wrong with the work")
    await resident.send_text("Still dripping at night")
    await resident.expect(f"Request {number} is returned to work")
    card = await resident.expect(f"📄 Request {number}")
    assert "Status: Returned to work" in card.content
    assert "returned by the resident: Still dripping at night" in card.content

    note = f"Request {number} was returned to work by the resident: Still dripping at night"
    await cast.executor.expect(note)
    await cast.manager.expect(note)
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.RETURNED and row.assignee_id == cast.executor.id


async def test_forged_buttons_for_someone_elses_request(desk: Desk) -> None:
    cast = await make_cast(desk)
    owner = await make_resident(desk, cast.home, "Dilnoza")
    intruder = await make_resident(desk, cast.home, "Olim", apartment="14")
    request_id, number = await insert_request(desk, owner, cast.home)
    await to_completed(desk, cast, request_id)
    await owner.expect(f"Request {number} is done", timeout=10)

    # The emulator's control API presses only buttons of real messages, so the bot
    # itself posts a message whose buttons carry data built for the owner's request.
    forged = [
        TrackOpenCb(request_id=request_id, archive=False, page=0),
        TrackCb(action="open", request_id=request_id),
        TrackCb(action="comment", request_id=request_id),
        TrackCb(action="photos", request_id=request_id),
        TrackCb(action="photos_done", request_id=request_id),
        TrackCb(action="cancel", request_id=request_id),
        CloseLoopCb(action="accept", request_id=request_id),
        CloseLoopCb(action="return", request_id=request_id),
        RateCb(request_id=request_id, stars=5),
        RateSkipCb(request_id=request_id, stars=1),
        RateSkipCb(request_id=request_id + 1000, stars=1),  # no such request at all
    ]
    keyboard = [
        [InlineKeyboardButton(text=f"forged {i}", callback_data=cb.pack())]
        for i, cb in enumerate(forged)
    ]
    await desk.runtime.bot.send_message(
        intruder.id, "buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=keyboard)
    )
    await intruder.expect("buttons")
    for index in range(len(forged)):
        result = await intruder.press(f"forged {index}")
        assert result.show_alert, index
        assert result.text == "This item is not available to you.", index
    await intruder.expect_no_message(0.3)

    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.COMPLETED
    async with desk.runtime.services.session_factory() as session:
        assert await session.scalar(select(Rating).where(Rating.request_id == request_id)) is None
        assert (await session.scalars(select(Comment))).all() == []
