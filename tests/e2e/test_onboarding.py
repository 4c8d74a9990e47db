"""Resident onboarding and apartment verification, end to end."""

from __future__ import annotations

from domain.enums import Role
from sandbox.client import UserClient
from tests.e2e.conftest import NAVOI_POINT, Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    choose_language,
    make_staff,
    onboard,
    seed_directory,
)


async def _manager_of_navoi(desk: Desk) -> UserClient:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(
        factory, manager, [Role.MANAGER], buildings=[await building_id(factory, NAVOI)]
    )
    return manager


async def test_directory_path_then_manager_approves(desk: Desk) -> None:
    manager = await _manager_of_navoi(desk)
    factory = desk.runtime.services.session_factory
    colleague = await new_user(desk, "Timur", started=True)
    await make_staff(
        factory, colleague, [Role.MANAGER], buildings=[await building_id(factory, NAVOI)]
    )
    resident = await new_user(desk, "Dilnoza")
    await onboard(desk.emu, resident, apartment="300")  # the last of 300 apartments

    card = await manager.expect("Verification request", timeout=10)
    assert "Dilnoza Karimova" in card.content and "apt. 300" in card.content
    colleague_card = await colleague.expect("Verification request", timeout=10)
    await manager.press("Approve", message=card)
    await manager.expect("Approved: apartment 300")
    await resident.expect("Your address is verified", timeout=10)
    # the colleague's copy of the card is stale now: deciding again changes nothing
    late = await colleague.press("Reject", message=colleague_card)
    assert late.text and "already been decided" in late.text

    await resident.press_reply("👤 Profile")
    profile = await resident.expect("Apartments")
    assert "apt. 300 (Owner): verified" in profile.content


async def test_location_path_with_reverse_geocoding(desk: Desk) -> None:
    await _manager_of_navoi(desk)
    resident = await new_user(desk, "Bekzod")
    await choose_language(resident)
    await resident.expect("share your phone")
    await resident.send_contact("+998901234567")
    await resident.expect("How should")
    await resident.send_text("Bekzod Aliev")
    await resident.expect("Find your building")
    await resident.press_reply(
        "📍 Share my location", latitude=NAVOI_POINT[0], longitude=NAVOI_POINT[1]
    )
    nearest = await resident.expect("Buildings nearest to you")
    assert "Your location: Navoiy ko'chasi 5" in nearest.content
    first_button = nearest.inline_buttons[0][0][0]
    assert first_button.startswith(NAVOI) and "km" in first_button
    await resident.press(first_button)
    await resident.expect("apartment number")
    await resident.send_text("7")
    await resident.expect("owner or a tenant")
    await resident.press("Tenant")
    await resident.expect("sent to the manager for verification")


async def test_bad_input_gets_a_hint_and_keeps_the_step(desk: Desk) -> None:
    await _manager_of_navoi(desk)
    resident = await new_user(desk, "Olim")
    stranger = await new_user(desk, "Stranger")
    await choose_language(resident)
    await resident.expect("share your phone")

    await resident.send_text("+998901112233")
    await resident.expect("typing the number is not accepted")
    await resident.send_contact("+998907778899", user_id=stranger.id)
    await resident.expect("someone else's contact")
    await resident.send_contact("+998901112233")
    await resident.expect("How should")

    await resident.send_text("Olim Tursunov")
    await resident.expect("Find your building")
    # the list is paginated: 12 buildings, 8 per page
    await resident.expect("page 1 of 2")
    await resident.press("Next ▶️")
    page_two = await resident.expect("page 2 of 2")
    assert any("Chilonzor" in text for row in page_two.inline_buttons for text, _ in row)
    await resident.send_text("no such street anywhere")
    await resident.expect("Nothing matches")
    await resident.send_text("Navoi")
    await resident.expect("matching your search")
    await resident.press(NAVOI)
    await resident.expect("apartment number")

    await resident.send_photo()
    await resident.expect("type the apartment number as text")
    await resident.send_text("999")
    await resident.expect("There is no apartment 999")
    await resident.send_text("abc")
    await resident.expect("must start with a digit")
    await resident.send_text("12")
    await resident.expect("owner or a tenant")


async def test_manager_rejects_with_reason_and_asks_for_a_document(desk: Desk) -> None:
    manager = await _manager_of_navoi(desk)
    first = await new_user(desk, "First")
    await onboard(desk.emu, first, apartment="5")
    card = await manager.expect("Verification request", timeout=10)
    await manager.press("Reject", message=card)
    await manager.expect("Type the reason")
    await manager.send_text("Not on the owners list")
    await manager.expect("Rejected: apartment 5")
    rejected = await first.expect("was not verified", timeout=10)
    assert "Not on the owners list" in rejected.content

    second = await new_user(desk, "Second")
    await onboard(desk.emu, second, apartment="6")
    card = await manager.expect("apt. 6", timeout=10)
    await manager.press("Ask for a document", message=card)
    await manager.expect("document photo was requested")
    asked = await second.expect("asks for a photo of a document", timeout=10)
    await second.press("Send a document photo", message=asked)
    await second.expect("Send a photo of the document")
    await second.send_text("here it is")
    await second.expect("send a photo of the document or a PDF")
    await second.send_photo()
    await second.expect("document was sent to the manager")
    document_card = await manager.expect("Document for", timeout=10)
    assert document_card.photo
    await manager.press("Approve", message=document_card)
    await second.expect("Your address is verified", timeout=10)


async def test_a_language_chosen_mid_onboarding_asks_the_step_again_in_it(desk: Desk) -> None:
    """The share button under the chat would otherwise stay in the old language."""
    await _manager_of_navoi(desk)
    resident = await new_user(desk, "Dilnoza")
    await choose_language(resident)
    await resident.expect("share your phone")
    await resident.send_contact("+998901234568")
    await resident.expect("How should")
    await resident.send_text("Dilnoza Karimova")
    await resident.expect("Find your building")
    await resident.send_command("language")
    await resident.expect("Choose another one")
    await resident.press("🇺🇿 O'zbekcha")
    asked = await resident.expect("Uyingizni toping")
    assert asked.reply_keyboard == [["📍 Joylashuvimni yuborish"]]
    await resident.press_reply(
        "📍 Joylashuvimni yuborish", latitude=NAVOI_POINT[0], longitude=NAVOI_POINT[1]
    )
    await resident.expect("Navoiy ko'chasi 5")
