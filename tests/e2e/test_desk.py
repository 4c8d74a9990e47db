"""The manager's desk end to end: panel counters, the staff card and its actions,
search, inline mode, the staff chat post and forged buttons."""

from __future__ import annotations

from datetime import timedelta

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select, update

from domain.enums import (
    Action,
    Category,
    CommentVisibility,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    Role,
    Specialization,
    Urgency,
)
from domain.services.notifications import Notification
from fsm.desk import DeskCb, DeskItemCb, DeskPickCb, DeskSetCb
from sandbox.client import Message, UserClient
from storage.models import (
    Assignment,
    Building,
    Comment,
    Organisation,
    Request,
    RequestHistory,
    RequestWatcher,
    StaffPost,
)
from storage.numbering import allocate_request_number
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff
from tests.e2e.tracking_helpers import (
    Cast,
    Home,
    add_media,
    drive,
    insert_request,
    make_cast,
    make_resident,
    request_row,
    to_completed,
    to_in_progress,
)


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _other_home(desk: Desk) -> Home:
    """A second building of another management company (nobody of the cast manages it)."""
    async with desk.runtime.services.session_factory() as session, session.begin():
        organisation = Organisation(name="Other UK")
        session.add(organisation)
        await session.flush()
        building = Building(organisation_id=organisation.id, address="Tashkent, Chilonzor 9")
        session.add(building)
        await session.flush()
    return Home(building.id, {})


async def _foreign_request(desk: Desk, author: UserClient, home: Home) -> str:
    """A new request in another building, stored as filing stores it."""
    services = desk.runtime.services
    async with services.session_factory() as session, session.begin():
        number = await allocate_request_number(
            session, services.clock.now(), services.settings.timezone
        )
        session.add(
            Request(
                number=number,
                author_id=author.id,
                building_id=home.building_id,
                place_kind=PlaceKind.YARD,
                category=Category.PLUMBING,
                urgency=Urgency.NORMAL,
                description="Yard lamp is broken",
            )
        )
    return number


async def _open_card(manager: UserClient, number: str) -> Message:
    await manager.send_command("find", number)
    found = await manager.expect("Found for")
    await manager.press(number, message=found)
    return await manager.expect(f"📄 Request {number}")


async def test_panel_counts_only_the_managers_buildings(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    r1, n1 = await insert_request(desk, resident, cast.home)
    _r2, n2 = await insert_request(desk, resident, cast.home, description="Tap drips")
    r3, _ = await insert_request(desk, resident, cast.home)
    await drive(desk, r3, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    r4, _ = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, r4)
    r5, _ = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, r5)
    await drive(desk, r5, resident, Action.ACCEPT_WORK, rating=1)
    async with desk.runtime.services.session_factory() as session, session.begin():
        past = desk.runtime.services.clock.now() - timedelta(hours=1)
        await session.execute(update(Request).where(Request.id == r1).values(accept_due_at=past))
    # another building's request is not the manager's business
    await _foreign_request(desk, resident, await _other_home(desk))

    await cast.manager.send_text("🗂 Panel")  # the main menu button
    panel = await cast.manager.expect("Manager panel")
    buttons = _texts(panel)
    for expected in (
        "🆕 New: 2",
        "👤 Unassigned: 2",
        "⏰ Overdue: 1",
        "🔧 In progress: 1",
        "⏳ Waiting for resident: 1",
        "↩️ Returned: 0",
        "📌 Follow-ups: 1",
        "🏠 Verification: 0",
    ):
        assert expected in buttons, (expected, buttons)

    await cast.manager.press("🆕 New: 2")
    page = await cast.manager.expect("🆕 New: 2. Page 1 of 1")
    numbers = [text.split(" ·")[0] for text in _texts(page)[:2]]
    assert numbers == [n2, n1]  # newest first
    await cast.manager.press("🗂 Panel")
    await cast.manager.expect("Manager panel")


async def _second_executor(desk: Desk) -> UserClient:
    executor = await new_user(desk, "Sardor", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        executor,
        [Role.EXECUTOR],
        specializations=[Specialization.PLUMBER],
        on_duty=False,
    )
    return executor


async def test_assign_through_the_picker_then_reassign(desk: Desk) -> None:
    cast = await make_cast(desk)
    second = await _second_executor(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)

    card = await _open_card(cast.manager, number)
    assert "Dilnoza Karimova" in card.content and "+998901234567" in card.content
    await cast.executor.mark()
    await cast.manager.press("👷 Assign", message=card)
    picker = await cast.manager.expect("Executor for request")
    assert "1. Bobur — Plumber, on duty, 0 open jobs" in picker.content
    assert "2. Sardor — Plumber, off duty, 0 open jobs" in picker.content
    result = await cast.manager.press("1. Bobur", message=picker)
    assert result.text == "Assigned: Bobur"
    await cast.executor.expect(number, timeout=10)
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.ASSIGNED and row.assignee_id == cast.executor.id

    card = await cast.manager.expect(f"📄 Request {number}")
    await cast.manager.press("🔁 Reassign", message=card)
    picker = await cast.manager.expect("Executor for request")
    assert "Bobur" not in picker.content  # the current assignee is not offered again
    await cast.manager.press("1. Sardor", message=picker)
    await second.expect(number, timeout=10)
    row = await request_row(desk, request_id)
    assert row.assignee_id == second.id
    async with desk.runtime.services.session_factory() as session:
        current = await session.scalar(
            select(Assignment).where(
                Assignment.request_id == request_id, Assignment.ended_at.is_(None)
            )
        )
    assert current is not None and current.reason is not None
    t = desk.runtime.services.translator.bind(desk.runtime.settings.default_language)
    assert t("assign-reason-off-duty") in current.reason  # kept in the desk's language


async def test_change_urgency_and_reject_with_a_template(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)

    card = await _open_card(cast.manager, number)
    await cast.manager.press("🚨 Urgency", message=card)
    choice = await cast.manager.expect("New urgency")
    assert "Normal" not in " ".join(_texts(choice))  # the current one is not offered
    await cast.manager.press("Emergency", message=choice)
    await resident.expect(f"Request {number}: the urgency is now", timeout=10)
    assert (await request_row(desk, request_id)).urgency is Urgency.EMERGENCY

    card = await cast.manager.expect(f"📄 Request {number}")
    await cast.manager.press("🚫 Reject", message=card)
    templates = await cast.manager.expect("Reason to reject")
    await cast.manager.press("Not the management company's responsibility", message=templates)
    await resident.expect(
        f"Request {number} was rejected: Not the management company's responsibility",
        timeout=10,
    )
    assert (await request_row(desk, request_id)).status is RequestStatus.REJECTED


async def test_internal_comment_is_not_delivered_to_the_resident(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await resident.mark()

    card = await _open_card(cast.manager, number)
    await cast.manager.press("🔒 Internal comment", message=card)
    await cast.manager.expect("Internal comment on request")
    await cast.manager.send_text("Resident is known to exaggerate, check first")
    await cast.manager.expect("Internal comment saved")
    staff_card = await cast.manager.expect(f"📄 Request {number}")
    assert "🔒 internal: Resident is known to exaggerate" in staff_card.content
    await resident.expect_no_message(0.5)

    async with desk.runtime.services.session_factory() as session:
        comment = await session.scalar(select(Comment).where(Comment.request_id == request_id))
    assert comment is not None and comment.visibility is CommentVisibility.INTERNAL
    # the resident's own card does not show it either
    await resident.send_command("my")
    await resident.expect("Your active requests")
    await resident.press(number)
    own = await resident.expect(f"📄 Request {number}")
    assert "exaggerate" not in own.content


async def test_close_on_behalf_requires_a_comment(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_completed(desk, cast, request_id)

    card = await _open_card(cast.manager, number)
    assert "✅ Confirm completion" in _texts(card)
    await cast.manager.press("🔒 Close for resident", message=card)
    await cast.manager.expect("Comment for closing")
    await cast.manager.send_photo()  # not a text
    await cast.manager.expect("send the answer as text")
    await cast.manager.send_text("Resident confirmed by phone")
    await cast.manager.expect("Done.")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.CLOSED
    async with desk.runtime.services.session_factory() as session:
        history = await session.scalar(
            select(RequestHistory).where(
                RequestHistory.request_id == request_id,
                RequestHistory.action == Action.CLOSE_ON_BEHALF.value,
            )
        )
    assert history is not None and history.reason == "Resident confirmed by phone"


async def test_link_duplicate(desk: Desk) -> None:
    cast = await make_cast(desk)
    first = await make_resident(desk, cast.home, "Dilnoza")
    second = await make_resident(desk, cast.home, "Aziz", apartment="13")
    original_id, original = await insert_request(desk, first, cast.home)
    duplicate_id, duplicate = await insert_request(desk, second, cast.home, apartment="13")

    card = await _open_card(cast.manager, duplicate)
    await cast.manager.press("🔗 Duplicate of…", message=card)
    await cast.manager.expect("Number of the request")
    await cast.manager.send_text(duplicate)  # itself: refused, the prompt stays
    await cast.manager.expect("cannot duplicate itself")
    await cast.manager.send_text(original)
    await cast.manager.expect(f"Linked as a duplicate of {original}")
    await second.expect(f"Request {duplicate} was cancelled: Duplicate of request {original}")

    row = await request_row(desk, duplicate_id)
    assert row.status is RequestStatus.CANCELLED and row.duplicate_of_id == original_id
    async with desk.runtime.services.session_factory() as session:
        watchers = (
            await session.scalars(
                select(RequestWatcher.user_id).where(RequestWatcher.request_id == original_id)
            )
        ).all()
    assert list(watchers) == [second.id]


async def test_search_by_number_phone_and_address(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    _, number = await insert_request(desk, resident, cast.home)
    await _foreign_request(desk, resident, await _other_home(desk))

    await cast.manager.send_command("find", number[:6])
    found = await cast.manager.expect("Found for")
    assert any(text.startswith(number) for text in _texts(found))
    await cast.manager.send_command("find", "90 123 45 67")
    found = await cast.manager.expect("Found for “90 123 45 67”: 1")
    await cast.manager.send_text("🗂 Panel")
    await cast.manager.expect("Manager panel")
    await cast.manager.press("🔎 Search")
    await cast.manager.expect("Send a request number")
    await cast.manager.send_text("Chilonzor")  # another company's building
    await cast.manager.expect("Nothing found for “Chilonzor”")


async def test_inline_mode_for_managers_only(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)

    answer = await cast.manager.inline_query(number[:6])
    assert f"r{request_id}" in [str(item["id"]) for item in answer.results]
    posted = await cast.manager.choose_inline_result(answer, f"r{request_id}")
    assert number in posted.content
    await cast.manager.press("📂 Open", message=posted)
    await cast.manager.expect(f"📄 Request {number}")

    executors = await cast.manager.inline_query("exec:bob")
    assert executors.titles == ["Bobur"]

    assert (await resident.inline_query(number[:6])).results == []
    assert (await cast.executor.inline_query("exec:bob")).results == []


async def test_staff_chat_post_follows_the_request(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    services = desk.runtime.services
    await desk.emu.set_member(desk.staff_chat, cast.manager)
    await cast.manager.mark(chat=desk.staff_chat)
    # what filing writes for the staff chat
    async with services.uow() as uow:
        await uow.outbox.add(
            Notification(
                chat_id=desk.staff_chat.id,
                template="desk-staff-post",
                params={
                    "number": number,
                    "status": {"key": "status-new"},
                    "category": {"key": "category-plumbing"},
                    "urgency": {"key": "urgency-normal"},
                    "address": "Navoi 5",
                    "kind": "apartment",
                    "apartment": "12",
                    "executor": "—",
                },
                dedupe_key=f"filing-card:{request_id}:{desk.staff_chat.id}",
            )
        )
        await uow.commit()
    await cast.manager.expect(f"№{number}", chat=desk.staff_chat, timeout=10)

    card = await _open_card(cast.manager, number)
    await cast.manager.press("👷 Assign", message=card)
    picker = await cast.manager.expect("Executor for request")
    await cast.manager.press("1. Bobur", message=picker)
    edited = await cast.manager.expect(
        lambda m: m.edited and "Bobur" in m.content, chat=desk.staff_chat, timeout=10
    )
    assert f"№{number}" in edited.content and "Bobur" in edited.content
    async with services.session_factory() as session:
        post = await session.scalar(select(StaffPost).where(StaffPost.request_id == request_id))
    assert post is not None and post.message_id == edited.message_id

    # "Open" on the staff chat post opens the card in the private chat
    # (a group reads the desk's default language: pressed by its data)
    await cast.manager.press(data=f"desk:open:{request_id}", message=edited, chat=desk.staff_chat)
    await cast.manager.expect(f"📄 Request {number}")


async def test_forged_buttons_of_another_building(desk: Desk) -> None:
    cast: Cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, _number = await insert_request(desk, resident, cast.home)
    other = await _other_home(desk)
    intruder = await new_user(desk, "Olim", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        intruder,
        [Role.MANAGER],
        buildings=[other.building_id],
    )
    forged = [
        DeskCb(action="open", request_id=request_id),
        DeskCb(action="assign", request_id=request_id),
        DeskCb(action="reject", request_id=request_id),
        DeskCb(action="comment", request_id=request_id),
        DeskCb(action="media", request_id=request_id),
        DeskItemCb(request_id=request_id, queue="new", page=0),
        DeskPickCb(request_id=request_id, executor_id=cast.executor.id),
        DeskSetCb(request_id=request_id, field="urg", value="emergency"),
        DeskSetCb(request_id=request_id, field="rej", value="1"),
        DeskCb(action="card", request_id=request_id + 1000),  # no such request
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
        assert result.text == "This item is not available to you.", index
    await intruder.expect_no_message(0.3)
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.NEW and row.urgency is Urgency.NORMAL

    # a resident never reaches the desk
    await resident.send_command("panel")
    reply = await resident.expect()
    assert "Manager panel" not in reply.content


async def test_hold_resume_and_show_media(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await add_media(desk, request_id, resident, MediaPurpose.REQUEST)
    await to_in_progress(desk, cast, request_id)

    card = await _open_card(cast.manager, number)
    await cast.manager.press("🖼 Show media (1)", message=card)
    photo = await cast.manager.expect(lambda m: bool(m.photo))
    assert photo.caption == number

    await cast.manager.press("⏸ Put on hold", message=card)
    reasons = await cast.manager.expect(f"Why is request {number} on hold")
    await cast.manager.press("other reason", message=reasons)
    await cast.manager.expect("Describe why")
    await cast.manager.send_text("Waiting for the neighbour's access")
    await cast.manager.expect("Done.")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.ON_HOLD

    card = await cast.manager.expect(f"📄 Request {number}")
    await cast.manager.press("▶️ Resume", message=card)
    assert (await request_row(desk, request_id)).status is RequestStatus.IN_PROGRESS


async def test_picker_facts_of_every_executor(desk: Desk) -> None:
    """What the picker ranks by, read in one statement: skills, duty, open jobs, the
    building of the latest open job, the average of the recent ratings."""
    cast = await make_cast(desk)
    second = await _second_executor(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    for stars in (2, 5):
        rated, _ = await insert_request(desk, resident, cast.home)
        await to_completed(desk, cast, rated)
        await drive(desk, rated, resident, Action.ACCEPT_WORK, rating=stars)
    open_job, _ = await insert_request(desk, resident, cast.home)
    await drive(desk, open_job, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)

    async with desk.runtime.services.reader() as uow:
        candidates = {c.user_id: c for c in await uow.desk.executor_candidates()}
    assert set(candidates) == {cast.executor.id, second.id}
    bobur, sardor = candidates[cast.executor.id], candidates[second.id]
    assert (bobur.first_name, bobur.on_duty, bobur.is_active) == ("Bobur", True, True)
    assert bobur.specializations == {Specialization.PLUMBER}
    assert bobur.open_jobs == 1
    assert (bobur.lat, bobur.lon) == (41.32, 69.25)  # the building of the open job
    assert bobur.recent_rating == 3.5
    assert (sardor.on_duty, sardor.open_jobs, sardor.lat, sardor.recent_rating) == (
        False,
        0,
        None,
        None,
    )
