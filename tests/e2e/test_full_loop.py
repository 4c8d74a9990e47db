"""The whole loop, three people, one test: a resident files with a photo → the manager
assigns from the card the bot sent them → the executor accepts, starts, completes with
photos → the resident accepts and rates. The staff chat post follows along."""

from __future__ import annotations

from sqlalchemy import select, update

from domain.enums import RequestStatus, Role, Specialization
from storage.models import Building, Rating, Request
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    file_request,
    make_staff,
    seed_directory,
    verified_resident,
)


async def test_resident_manager_executor_full_loop(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi = await building_id(factory, NAVOI)
    async with factory() as session, session.begin():  # the manager assigns by hand here
        await session.execute(
            update(Building).where(Building.id == navoi).values(auto_assign=False)
        )
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(factory, manager, [Role.MANAGER], buildings=[navoi])
    await desk.emu.set_member(desk.staff_chat, manager)
    await manager.mark(chat=desk.staff_chat)  # the staff chat is shared by the whole session
    executor = await new_user(desk, "Bobur", started=True)
    await make_staff(
        factory, executor, [Role.EXECUTOR], specializations=[Specialization.PLUMBER], on_duty=True
    )
    resident = await verified_resident(desk, "Dilnoza")

    # 1. the resident files a request with one photo
    number = await file_request(desk, resident, photos=1)
    staff_post = await manager.expect(number, chat=desk.staff_chat, timeout=10)
    assert staff_post.photo  # one photo: the card is its caption

    # 2. the manager opens the card they were sent and assigns through the picker
    card = await manager.expect(number, timeout=10)
    await manager.press("📂 Open", message=card)
    staff_card = await manager.expect(f"📄 Request {number}")
    await manager.press("👷 Assign", message=staff_card)
    picker = await manager.expect("Executor for request")
    assert "Bobur — Plumber, on duty" in picker.content
    await manager.press("1. Bobur", message=picker)
    # the staff chat post now shows the executor (its caption was edited)
    await manager.expect(
        lambda m: m.edited and "Bobur" in m.content, chat=desk.staff_chat, timeout=10
    )

    # 3. the executor accepts, starts, completes with two "after" photos
    job_card = await executor.expect(f"Request {number} is assigned to you", timeout=10)
    await executor.press("✅ Accept", message=job_card)
    await executor.expect(f"🛠 Job {number}")
    await resident.expect(f"Request {number}: Accepted by executor", timeout=10)
    await executor.press("▶️ Start")
    await executor.expect("Are you on your way")
    await executor.press("🚗 30 min")
    await executor.expect("Status: In progress")
    await executor.press("✅ Complete")
    await executor.expect('Send "after" photos')
    await executor.send_album(2)
    await executor.expect("Photo received")
    await executor.press("✅ Done")
    await executor.expect("2 files attached")
    await executor.send_text("Replaced the siphon")
    await executor.expect(f"Job {number} is completed")

    # 4. the resident sees the result and accepts it with five stars
    done = await resident.expect(f"Request {number} is done", timeout=10)
    after_photos = [
        m for m in await resident.messages() if m.from_bot and m.photo and m.media_group_id
    ]
    assert len(after_photos) == 2  # the "after" album comes right before the question
    await resident.press("✅ Accept", message=done)
    await resident.expect("How do you rate the work")
    await resident.press("5 ⭐")
    await resident.expect("Your rating: 5 ⭐")
    await resident.send_text("Quick and clean")
    await resident.expect(f"Request {number} is closed with your rating of 5")
    await executor.expect(f"accepted request {number} with a rating of 5", timeout=10)

    async with factory() as session:
        request = await session.scalar(select(Request).where(Request.number == number))
        assert request is not None
        rating = await session.scalar(select(Rating).where(Rating.request_id == request.id))
    assert request.status is RequestStatus.CLOSED and request.assignee_id == executor.id
    assert rating is not None and rating.stars == 5
