"""Filing a request, end to end: the wizard, the request row, media, cards, duplicates."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.enums import Language, PlaceKind, Role, Urgency, VerificationState
from sandbox.client import UserClient
from storage.models import Media, Outbox, Request, RequestHistory, RequestWatcher
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


async def _navoi_manager(desk: Desk, language: Language = Language.EN) -> UserClient:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(
        factory,
        manager,
        [Role.MANAGER],
        buildings=[await building_id(factory, NAVOI)],
        language=language,
    )
    return manager


async def _requests(desk: Desk) -> list[Request]:
    async with desk.runtime.services.session_factory() as session:
        return list(await session.scalars(select(Request).order_by(Request.id)))


async def _to_summary(resident: UserClient, *, category: str = "Plumbing") -> None:
    """Category → own apartment → text → no files → normal → any time: the summary."""
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press(category)
    await resident.expect("Where is the problem")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")
    await resident.send_text("The kitchen tap is dripping.")
    await resident.expect("Add photos")
    await resident.press("Skip")
    await resident.expect("How urgent")
    await resident.press("Normal")
    await resident.expect("How can the specialist get in")
    await resident.press("Call me first")
    await resident.expect("When is a visit convenient")
    await resident.press("Morning")
    await resident.expect("Please check your request")


async def test_album_of_three_photos_is_filed_whole_and_cards_go_out(desk: Desk) -> None:
    manager = await _navoi_manager(desk)
    resident = await verified_resident(desk, "Dilnoza", apartment="12")
    channel_before = len((await desk.emu.chat(desk.storage_channel)).messages)
    await manager.mark(chat=desk.staff_chat)

    number = await file_request(desk, resident, photos=3, description="Pipe burst <in> bath")
    chat = await resident.chat()
    result = next(m for m in reversed(chat.bot_messages) if number in m.content)
    assert "Status: New" in result.content and "taken into work by" in result.content

    [request] = await _requests(desk)
    assert request.number == number and request.place_kind is PlaceKind.APARTMENT
    assert request.description == "Pipe burst <in> bath"
    assert request.accept_due_at is not None and request.complete_due_at is not None
    assert request.accept_due_at > request.created_at
    factory = desk.runtime.services.session_factory
    async with factory() as session:
        media = list(await session.scalars(select(Media).where(Media.request_id == request.id)))
        history = list(
            await session.scalars(
                select(RequestHistory).where(RequestHistory.request_id == request.id)
            )
        )
    assert len(media) == 3
    assert {m.purpose for m in media} == {"request"}
    assert all(m.storage_chat_id == desk.storage_channel.id for m in media)
    assert len({m.storage_message_id for m in media}) == 3
    assert [h.action for h in history] == ["create"]
    channel_after = (await desk.emu.chat(desk.storage_channel)).messages
    assert len(channel_after) == channel_before + 3

    card = await manager.expect(f"New request №{number}", timeout=10)
    assert "Plumbing · Normal" in card.content and "apt. 12" in card.content
    assert "Dilnoza Karimova, +998901234567" in card.content
    assert "Pipe burst &lt;in&gt; bath" not in card.content  # shown as text, not escaped twice
    assert "Pipe burst <in> bath" in card.content
    manager_chat = await manager.chat()
    assert sum(1 for m in manager_chat.bot_messages if m.photo) == 3  # the album before the card
    # the staff chat reads the desk's default language
    staff_card = await manager.expect(f"№{number}", chat=desk.staff_chat, timeout=10)
    assert "Pipe burst <in> bath" in staff_card.content


async def test_duplicate_offer_join_or_file_anyway(desk: Desk) -> None:
    await _navoi_manager(desk)
    first = await verified_resident(desk, "First", apartment="12")
    number = await file_request(desk, first, photos=0)

    neighbour = await verified_resident(desk, "Neighbour", apartment="13")
    await _to_summary(neighbour)
    await neighbour.press("Confirm")
    offer = await neighbour.expect("similar request")
    assert number in offer.content and "kitchen sink" in offer.content
    await neighbour.press(f"Join №{number}")
    await neighbour.expect(f"You joined request №{number}")
    factory = desk.runtime.services.session_factory
    async with factory() as session:
        watchers = (
            await session.execute(select(RequestWatcher.request_id, RequestWatcher.user_id))
        ).all()
    [request] = await _requests(desk)
    assert watchers == [(request.id, neighbour.id)]

    other = await verified_resident(desk, "Other", apartment="14")
    await _to_summary(other)
    await other.press("Confirm")
    await other.expect("similar request")
    await other.send_text("hm?")
    hint = await other.expect("choose one of the options")
    assert hint.has_button(f"🔔 Join №{number}")
    await other.press("File my request anyway", message=hint)
    await other.expect("is filed")
    assert len(await _requests(desk)) == 2

    # another category, or another building, is not a duplicate
    await _to_summary(other, category="Electricity")
    await other.press("Confirm")
    await other.expect("is filed")


async def test_double_confirm_files_one_request(desk: Desk) -> None:
    await _navoi_manager(desk)
    resident = await verified_resident(desk)
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press("Heating")
    await resident.expect("Where is the problem")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")
    await resident.send_text("Radiators are cold in every room.")
    await resident.expect("Add photos")
    await resident.send_photo()
    await resident.expect("Files attached: 1")
    await resident.press("Done")
    await resident.expect("How urgent")
    await resident.press("Urgent")
    await resident.expect("How can the specialist")
    await resident.press("Any time")
    await resident.expect("When is a visit")
    await resident.press("Any time")
    summary = await resident.expect("Please check your request")
    # Copying the photo is slow this time: the second tap lands while the first is filed.
    await desk.emu.inject_fault("copyMessage", delay=0.4)
    presses = await asyncio.gather(
        resident.press("Confirm", message=summary), resident.press("Confirm", message=summary)
    )
    answers = sorted(p.text or "" for p in presses)
    requests = await _requests(desk)
    assert len(requests) == 1
    number = requests[0].number
    assert answers == [f"Filed: №{number}", f"This request is already filed: №{number}."]
    async with desk.runtime.services.session_factory() as session:
        cards = await session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.template == "filing-card")
        )
    assert cards == 2  # the manager and the staff chat, once


async def test_back_edit_and_cancel(desk: Desk) -> None:
    await _navoi_manager(desk)
    resident = await verified_resident(desk)
    await resident.send_command("new")
    first = await resident.expect("What is the problem about")  # edited through the first steps
    assert not first.has_button("◀️ Back") and first.has_button("✖️ Cancel")
    await resident.press("Plumbing")
    await resident.expect("Where is the problem")
    await resident.press("Back")
    await resident.expect("What is the problem about")
    await resident.press("Cleaning")
    await resident.expect("Where is the problem")
    await resident.press("Common area")
    await resident.expect("Which part of the building")
    await resident.press("Back")
    await resident.expect("Where is the problem")
    await resident.press("Common area")
    await resident.press("Stairwell")
    await resident.expect("Describe the problem")
    await resident.send_text("Broken glass on the 3rd floor.")
    await resident.expect("Add photos")
    await resident.press("Back")
    again = await resident.expect("Describe the problem")
    assert "Now: Broken glass on the 3rd floor." in again.content
    await resident.send_text("Broken glass on the 4th floor.")
    await resident.expect("Add photos")
    await resident.press("Skip")
    await resident.press("Urgent")
    await resident.press("Key at the concierge")
    await resident.press("Evening")
    summary = await resident.expect("Please check your request")
    assert "Cleaning" in summary.content and "Stairwell" in summary.content
    assert "4th floor" in summary.content and "Key at the concierge" in summary.content

    # Edit links come back to the summary
    await resident.press("✏️ Category")
    await resident.expect("What is the problem about")
    await resident.press("Carpentry")
    edited = await resident.expect("Please check your request")
    assert "Doors, windows, carpentry" in edited.content and "Stairwell" in edited.content
    await resident.press("✏️ Urgency")
    await resident.expect("How urgent")
    await resident.press("Back")
    await resident.expect("Please check your request")
    await resident.press("Back")
    await resident.expect("When is a visit convenient")

    await resident.press("Cancel")
    await resident.expect("Request discarded")
    stale = await resident.press("◀️ Back", message=first)  # still shows the description step
    assert stale.show_alert and "outdated" in (stale.text or "")
    await resident.send_text("hello?")
    await resident.expect("didn't understand")
    # An album nobody asked for gets one hint, not one per photo.
    await resident.send_album(3)
    await resident.expect("didn't understand")
    await resident.expect_no_message(1.0)
    assert await _requests(desk) == []


async def test_emergency_shows_the_dispatcher_phone_at_once(desk: Desk) -> None:
    await _navoi_manager(desk)
    await save_desk_setting(desk, "dispatcher_phone", "+998 71 123-45-67")
    resident = await verified_resident(desk)
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press("Plumbing")
    await resident.press("My apartment")
    await resident.send_text("Water is pouring from the ceiling!")
    await resident.expect("Add photos")
    await resident.press("Skip")
    await resident.expect("How urgent")
    pressed = await resident.press("Emergency")
    assert pressed.show_alert and "+998 71 123-45-67" in (pressed.text or "")
    notice = await resident.expect("call the dispatcher right now")
    assert "+998 71 123-45-67" in notice.content
    await resident.expect("How can the specialist get in")
    await resident.press("Only with me present")
    await resident.press("Any time")
    await resident.expect("Please check your request")
    await resident.press("Confirm")
    await resident.expect("is filed")
    [request] = await _requests(desk)
    assert request.urgency is Urgency.EMERGENCY
    assert request.accept_due_at == request.created_at + timedelta(minutes=15)


async def test_wrong_input_gets_a_hint_and_keeps_the_step(desk: Desk) -> None:
    await _navoi_manager(desk)
    resident = await verified_resident(desk)
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.send_text("my tap")
    await resident.expect("choose one of the options with the buttons")
    await resident.press("Plumbing")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")

    await resident.send_media("sticker")
    await resident.expect("describe the problem in a text message")
    await resident.send_photo()
    await resident.expect("Photos can be added at the next step")
    await resident.send_text("ok")
    await resident.expect("too short")
    await resident.send_text("x" * 1200)
    await resident.expect("description is too long")
    await resident.send_text("The tap is broken.")
    await resident.expect("Add photos")

    await resident.send_text("here is a photo")
    await resident.expect("Please send a photo, a video")
    await resident.send_document(file_name="virus.exe", mime_type="application/x-msdownload")
    await resident.expect("This type of file is not accepted")
    await resident.send_voice()
    await resident.expect("Files attached: 1")
    before = len((await resident.chat()).bot_messages)
    await resident.send_album(10)  # 9 more fit
    await resident.expect("at most 10 files; the extra ones were not added")
    after = (await resident.chat()).bot_messages
    # one acknowledgement for the whole album (edited as the photos came) and one notice
    assert len(after) == before + 2
    assert "Files attached: 10 of 10" in after[-2].content
    await resident.press("Done")
    await resident.expect("How urgent")
    await resident.send_text("very!")
    hint = await resident.expect("choose one of the options")
    assert hint.has_button("🔴 Emergency")
    await resident.press("Normal", message=hint)
    await resident.expect("How can the specialist get in")


async def test_pending_resident_files_only_when_the_desk_allows(desk: Desk) -> None:
    await _navoi_manager(desk)
    pending = await verified_resident(desk, verification=VerificationState.PENDING)
    await pending.send_command("new")
    await pending.expect("still waiting for verification")

    await save_desk_setting(desk, "unverified_residents_may_file", True)
    await pending.send_command("new")
    await pending.expect("What is the problem about")

    stranger = await new_user(desk, "Stranger")
    await stranger.send_command("new")
    refusal = await stranger.expect("first link your apartment")
    assert refusal.has_button("🏠 Link my apartment")


async def test_common_area_request_goes_to_the_building(desk: Desk) -> None:
    manager = await _navoi_manager(desk)
    resident = await verified_resident(desk)
    await resident.press_reply("📝 New request")
    await resident.expect("What is the problem about")
    await resident.press("Elevator")
    await resident.press("Common area")
    await resident.expect("Which part of the building")
    await resident.press("Elevator", message=await resident.last_message())
    await resident.send_text("The elevator is stuck on the 5th floor.")
    await resident.expect("Add photos")
    await resident.press("Skip")
    await resident.press("Urgent")
    await resident.press("Any time")
    await resident.press("Any time")
    summary = await resident.expect("Please check your request")
    assert "Tashkent, Navoi street 5, Elevator" in summary.content
    await resident.press("Confirm")
    await resident.expect("is filed")
    [request] = await _requests(desk)
    assert request.place_kind is PlaceKind.ELEVATOR and request.apartment_id is None
    card = await manager.expect("New request", timeout=10)
    assert "Navoi street 5, Elevator" in card.content


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
async def test_every_filing_screen_is_translated(desk: Desk, lang: str) -> None:
    manager = await _navoi_manager(desk, Language(lang))
    resident = await verified_resident(desk, lang=lang)
    texts: list[str] = []

    async def step(index: int = 0, row: int = 0) -> None:
        screen = await resident.expect(lambda m: bool(m.inline_buttons))
        texts.append(screen.content)
        await resident.press(screen.inline_buttons[row][index][0], message=screen)

    await resident.send_command("new")
    texts.append((await resident.expect(lambda m: bool(m.inline_buttons))).content)
    await resident.send_text("?")  # a hint at a button step
    await step()  # category: the first one
    await step(row=1)  # place: the common area
    await step(row=2)  # area: roof, yard...
    description = await resident.expect(lambda m: bool(m.inline_buttons))
    texts.append(description.content)
    await resident.send_media("sticker")
    texts.append((await resident.expect(None)).content)
    await resident.send_text("Текст описания / tavsif matni / description")
    media = await resident.expect(lambda m: bool(m.inline_buttons))
    texts.append(media.content)
    await resident.send_text("?")
    texts.append((await resident.expect(None)).content)
    await resident.send_album(2)
    texts.append((await resident.expect(re.compile(r"\b2\b"))).content)
    await resident.press(media.inline_buttons[0][0][0])  # done
    await step(row=2)  # urgency: emergency
    texts.append((await resident.expect(lambda m: "+998" in m.content)).content)
    await step()  # access
    await step()  # slot
    summary = await resident.expect(lambda m: bool(m.inline_buttons))
    texts.append(summary.content)
    confirm = next(text for row in summary.inline_buttons for text, _ in row if "✅" in text)
    await resident.press(confirm, message=summary)
    filed = await resident.expect(lambda m: "№" in m.content)
    texts.append(filed.content)
    texts.append((await manager.expect("№", timeout=10)).content)
    buttons = [text for row in summary.inline_buttons for text, _ in row]

    for text in [*texts, *buttons]:
        assert "filing-" not in text and "{ $" not in text and "{$" not in text, text
    if lang != "en":
        assert not any("Please" in text or "request" in text for text in texts), texts


async def test_an_unfinished_draft_is_continued_or_started_over(desk: Desk) -> None:
    await _navoi_manager(desk)
    resident = await verified_resident(desk)
    await resident.send_command("new")
    await resident.expect("What is the problem about")
    await resident.press("Electricity")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")
    await resident.send_text("No power in the bedroom sockets.")
    await resident.expect("Add photos")

    await resident.press_reply("📝 New request")
    await resident.expect(r"unfinished request \(step: files\)")
    await resident.press("Continue")
    await resident.expect("Add photos")
    await resident.press("Skip")
    await resident.expect("How urgent")

    await resident.send_command("new")
    await resident.expect("unfinished request")
    await resident.press("Start over")
    await resident.expect("What is the problem about")
    await resident.press("Plumbing")
    await resident.expect("Where is the problem")
