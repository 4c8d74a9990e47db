"""The executor's side, end to end: the job card on assignment, my jobs, start with an
ETA, pause, the clarification round trip, completion with photos, decline, the pool,
duty, automatic assignment on filing, and forged buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select, update

from domain.enums import (
    Action,
    Category,
    HoldReason,
    MediaPurpose,
    RequestStatus,
    Role,
    Specialization,
    Urgency,
)
from sandbox.client import Message, UserClient
from storage.models import Assignment, Building, Media, RequestHistory, User
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    file_request,
    make_staff,
    save_desk_setting,
    seed_directory,
    verified_resident,
)
from tests.e2e.tracking_helpers import (
    add_media,
    drive,
    insert_request,
    make_cast,
    make_resident,
    request_row,
)


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _forge(desk: Desk, user: UserClient, *data: str) -> list[str]:
    """The bot sends the user buttons with hand-made data (as a forger could craft)."""
    labels = [f"forged {index}" for index in range(len(data))]
    keyboard = [
        [InlineKeyboardButton(text=label, callback_data=value)]
        for label, value in zip(labels, data, strict=True)
    ]
    await desk.runtime.bot.send_message(
        user.id, "buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=keyboard)
    )
    await user.expect("buttons")
    return labels


async def _on_duty(desk: Desk, user_id: int) -> bool:
    async with desk.runtime.services.session_factory() as session:
        value = await session.scalar(select(User.on_duty).where(User.id == user_id))
    return bool(value)


async def test_job_card_start_with_eta_pause_resume_complete(desk: Desk) -> None:
    cast = await make_cast(desk)
    executor = cast.executor
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await add_media(desk, request_id, resident, MediaPurpose.REQUEST)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=executor.id)

    card = await executor.expect(f"Request {number} is assigned to you")
    assert card.photo  # the request's photo comes with the card
    text = card.content
    assert "Plumbing · Normal" in text
    assert "Tashkent, Navoi street 5, apt. 12, entrance 1" in text
    assert "https://maps.google.com/?q=41.320000,69.250000" in text
    assert "Any time · Any time" in text
    assert "Dilnoza Karimova, +998901234567" in text
    assert "Water is leaking under the kitchen sink" in text
    assert _texts(card) == ["✅ Accept", "🚫 Decline"]

    press = await executor.press("✅ Accept", message=card)
    assert press.text == f"✅ You accepted job {number}."
    job = await executor.expect(f"🛠 Job {number}")
    assert "Status: Accepted by executor" in job.content
    assert "👤 Dilnoza Karimova, +998901234567" in job.content
    assert _texts(job) == ["▶️ Start", "🚫 Decline", "🛠 My jobs"]
    await resident.expect(f"Request {number}: Accepted by executor")

    await executor.press("▶️ Start")
    await executor.expect("Are you on your way")
    press = await executor.press("🚗 30 min")
    assert press.text is not None and "about 30 min" in press.text
    job = await executor.expect("Status: In progress")
    assert _texts(job) == [
        "✅ Complete",
        "⏸ Waiting for materials",
        "❓ Ask the resident",
        "🛠 My jobs",
    ]
    await resident.expect(f"Request {number}: the executor is on the way and arrives in about 30")

    await executor.press("⏸ Waiting for materials")
    job = await executor.expect("Paused: waiting for materials")
    assert _texts(job) == ["▶️ Resume", "🛠 My jobs"]
    await resident.expect(f"Work on request {number} is paused: waiting for materials")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.ON_HOLD and row.hold_reason is HoldReason.MATERIALS

    await executor.press("▶️ Resume")
    await executor.expect("Status: In progress")
    await resident.expect(f"Request {number}: In progress")

    await executor.press("✅ Complete")
    await executor.expect('Send "after" photos')
    press = await executor.press("✅ Done")  # nothing sent yet
    assert press.show_alert and press.text == 'Send at least one "after" photo first.'
    await executor.send_text("all done")
    await executor.expect("Please send a photo")
    await executor.send_album(2)
    await executor.expect("Photo received")
    await executor.press("✅ Done")
    await executor.expect("2 files attached")
    await executor.send_text("Replaced the siphon and the gasket")
    await executor.expect(f"Job {number} is completed")

    done = await resident.expect(f"Request {number} is done")
    assert "Replaced the siphon and the gasket" in done.content
    assert _texts(done) == ["✅ Accept", "↩️ Return to work"]
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.COMPLETED
    async with desk.runtime.services.session_factory() as session:
        photos = (
            await session.scalars(
                select(Media).where(
                    Media.request_id == request_id, Media.purpose == MediaPurpose.COMPLETION
                )
            )
        ).all()
    assert len(photos) == 2 and all(p.owner_user_id == executor.id for p in photos)


async def test_decline_with_reason_goes_back_to_the_managers(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    card = await cast.executor.expect(f"Request {number} is assigned to you")

    await cast.executor.press("🚫 Decline", message=card)
    await cast.executor.expect(f"Why do you decline job {number}")
    await cast.executor.send_photo()
    await cast.executor.expect("type the reason as text")
    await cast.executor.send_text("No spare parts for this model")
    await cast.executor.expect(f"You declined job {number}")
    await cast.manager.expect(
        f"The executor declined request {number}: No spare parts for this model"
    )
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.NEW and row.assignee_id is None

    # the old card's buttons are stale now: pressing them changes nothing
    press = await cast.executor.press("✅ Accept", message=card)
    assert press.text == "This action is not possible in the current state (New)."
    assert (await request_row(desk, request_id)).status is RequestStatus.NEW


async def test_clarification_round_trip(desk: Desk) -> None:
    cast = await make_cast(desk)
    executor = cast.executor
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=executor.id)
    await drive(desk, request_id, executor, Action.ACCEPT)
    await drive(desk, request_id, executor, Action.START)

    await executor.send_text("🛠 My jobs")  # the main menu button
    listing = await executor.expect("Your active jobs: 1")
    assert "You are on duty" in listing.content
    await executor.press(number)
    await executor.expect(f"🛠 Job {number}")
    await executor.press("❓ Ask the resident")
    await executor.expect(f"Type your question to the resident about job {number}")
    await executor.send_text("Which tap is leaking: kitchen or bathroom?")
    await executor.expect(f"Your question on job {number} was sent")
    job = await executor.expect(f"🛠 Job {number}")
    assert "Paused: waiting for your answer" in job.content or "Paused:" in job.content

    question = await resident.expect("The executor has a question about request")
    assert "Which tap is leaking: kitchen or bathroom?" in question.content
    assert _texts(question) == ["💬 Reply"]
    await resident.press("💬 Reply", message=question)
    await resident.expect(f"Write your comment on request {number}")
    await resident.send_text("The kitchen one")
    await resident.expect(f"Your comment was added to request {number}")

    await executor.expect(f"Request {number}, comment from the resident: The kitchen one")
    await executor.send_command("jobs")
    await executor.expect("Your active jobs: 1")
    await executor.press(number)
    job = await executor.expect(f"🛠 Job {number}")
    assert "Dilnoza: The kitchen one" in job.content
    await executor.press("▶️ Resume")
    await executor.expect("Status: In progress")
    assert (await request_row(desk, request_id)).status is RequestStatus.IN_PROGRESS


async def test_my_jobs_nearest_deadline_first(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    numbers = []
    # Deadlines follow the SLA: emergency 4 h, urgent 24 h, normal 3 business days.
    for urgency in (Urgency.URGENT, Urgency.EMERGENCY, Urgency.NORMAL):
        request_id, number = await insert_request(desk, resident, cast.home, urgency=urgency)
        await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
        numbers.append(number)
    await cast.executor.send_command("jobs")
    listing = await cast.executor.expect("Your active jobs: 3")
    buttons = _texts(listing)
    assert [b.split(" ·")[0] for b in buttons[:3]] == [numbers[1], numbers[0], numbers[2]]
    assert "· Assigned · ⏱ " in buttons[0]
    assert buttons[3:] == ["📥 Job pool", "⚪️ Go off duty"]


async def test_pool_claim_duty_toggle_and_setting(desk: Desk) -> None:
    cast = await make_cast(desk)
    executor = cast.executor
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    _, electric = await insert_request(desk, resident, cast.home, category=Category.ELECTRICITY)

    # duty toggle: off duty, the pool refuses
    await executor.send_command("jobs")
    listing = await executor.expect("You have no active jobs")
    assert "⚪️ Go off duty" in _texts(listing)
    press = await executor.press("⚪️ Go off duty")
    assert press.text == "⚪️ You are off duty now."
    listing = await executor.expect("You are off duty")
    assert "🟢 Go on duty" in _texts(listing)
    assert not await _on_duty(desk, executor.id)

    await executor.press("📥 Job pool")
    pool = await executor.expect("Job pool: 1 unassigned")
    assert "Go on duty to take jobs" in pool.content
    assert not any(electric in b for b in _texts(pool))  # not my specialization
    await executor.press(number)
    card = await executor.expect(f"🛠 Job {number}")
    assert _texts(card) == ["🛠 My jobs"]  # no claim button off duty
    (label,) = await _forge(desk, executor, f"job:claim:{request_id}")
    press = await executor.press(label)
    assert press.text is not None and "Turn on duty first" in press.text
    assert (await request_row(desk, request_id)).status is RequestStatus.NEW

    # the desk turns claiming off: read-only pool
    await executor.send_command("jobs")
    await executor.expect("You have no active jobs")
    await executor.press("🟢 Go on duty")
    await executor.expect("You are on duty")
    assert await _on_duty(desk, executor.id)
    await save_desk_setting(desk, "pool_claim_enabled", False)
    await executor.send_command("pool")
    pool = await executor.expect("Job pool: 1")
    assert "Taking jobs from the pool is turned off" in pool.content
    await executor.press(number)
    card = await executor.expect(f"🛠 Job {number}")
    assert _texts(card) == ["🛠 My jobs"]
    (label,) = await _forge(desk, executor, f"job:claim:{request_id}")
    press = await executor.press(label)
    assert press.text is not None and "turned off" in press.text

    # on duty and allowed: the claim takes it
    await save_desk_setting(desk, "pool_claim_enabled", True)
    await executor.send_command("pool")
    await executor.expect("Job pool: 1")
    await executor.press(number)
    await executor.expect(f"🛠 Job {number}")
    press = await executor.press("🙋 Take this job")
    assert press.text == f"🙋 Job {number} is yours now."
    await executor.expect("Status: Accepted by executor")
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.ACCEPTED and row.assignee_id == executor.id
    await resident.expect(f"Request {number}: Accepted by executor")


async def test_forged_buttons_of_someone_elses_job(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    other = await new_user(desk, "Olim", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        other,
        [Role.EXECUTOR],
        specializations=[Specialization.PLUMBER],
        on_duty=True,
    )
    await other.send_command("jobs")
    await other.expect("You have no active jobs")
    labels = await _forge(
        desk,
        other,
        f"job:accept:{request_id}",
        f"job:open:{request_id}",
        f"job:decline:{request_id}",
        f"jeta:{request_id}:15",
        f"job:complete:{request_id}",
        f"job:materials:{request_id}",
        "job:open:999999",
    )
    for label in labels:
        press = await other.press(label)
        assert press.text == "This item is not available to you.", label
    row = await request_row(desk, request_id)
    assert row.status is RequestStatus.ASSIGNED and row.assignee_id == cast.executor.id

    # a deactivated executor gets nothing either
    async with desk.runtime.services.session_factory() as session, session.begin():
        await session.execute(
            update(User).where(User.id == cast.executor.id).values(status="deactivated")
        )
    desk.runtime.services.profiles.forget(cast.executor.id)
    (label,) = await _forge(desk, cast.executor, f"job:accept:{request_id}")
    press = await cast.executor.press(label)
    assert press.text is not None and "Your account is deactivated" in press.text
    assert (await request_row(desk, request_id)).status is RequestStatus.ASSIGNED
    await cast.executor.send_command("jobs")
    reply = await cast.executor.expect()
    assert number not in reply.content and "active jobs" not in reply.content


async def test_auto_assignment_on_confirm(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi = await building_id(factory, NAVOI)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(factory, manager, [Role.MANAGER], buildings=[navoi])
    plumber = await new_user(desk, "Bobur", started=True)
    await make_staff(
        factory, plumber, [Role.EXECUTOR], specializations=[Specialization.PLUMBER], on_duty=True
    )
    idle = await new_user(desk, "Sardor", started=True)  # off duty: never chosen
    await make_staff(factory, idle, [Role.EXECUTOR], specializations=[Specialization.PLUMBER])
    resident = await verified_resident(desk)

    number = await file_request(desk, resident)
    card = await plumber.expect(f"Request {number} is assigned to you")
    assert "Tashkent, Navoi street 5, apt. 12" in card.content
    assert "Dilnoza Karimova, +998901234567" in card.content
    assert _texts(card) == ["✅ Accept", "🚫 Decline"]
    note = await manager.expect(f"Request {number} was assigned automatically to Bobur")
    assert "Plumber" in note.content and "open jobs: 0" in note.content
    async with factory() as session:
        history = (
            await session.scalars(
                select(RequestHistory)
                .join(Assignment, Assignment.request_id == RequestHistory.request_id)
                .where(RequestHistory.action == "assign")
            )
        ).all()
        assignment = await session.scalar(select(Assignment))
    assert len(history) == 1 and history[0].actor_id is None
    assert history[0].reason is not None and "specialization(specialization=plumber)" in (
        history[0].reason
    )
    assert assignment is not None and assignment.executor_id == plumber.id
    assert assignment.assigned_by is None

    # nobody suitable: it stays unassigned and the managers are told
    await make_staff(factory, plumber, [Role.EXECUTOR])
    async with factory() as session, session.begin():
        await session.execute(update(User).where(User.id == plumber.id).values(on_duty=False))
    other = await file_request(desk, resident, description="The heating radiator is cold.")
    await manager.expect(f"Request {other}: no suitable executor on duty")
    async with factory() as session:
        rows = (await session.scalars(select(Assignment))).all()
    assert len(rows) == 1

    # a building without auto-assignment: nothing automatic at all
    async with factory() as session, session.begin():
        await session.execute(
            update(Building).where(Building.id == navoi).values(auto_assign=False)
        )
        await session.execute(update(User).where(User.id == plumber.id).values(on_duty=True))
    third = await file_request(desk, resident, description="A dripping tap in the bathroom.")
    await manager.expect(f"New request №{third}")
    async with factory() as session:
        assert len((await session.scalars(select(Assignment))).all()) == 1
