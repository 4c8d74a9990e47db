"""The sandbox's web page in a real browser: one whole request played by three people
side by side, only by typing and clicking in their panes."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from sandbox.demo import DemoPeople
from sandbox.emulator.files import sample_png
from sandbox.emulator.state import EmulatorConfig
from sandbox.run import SANDBOX_TOKEN
from tests.browser.conftest import sample_photo
from tests.browser.panes import PaneDriver

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PEOPLE = DemoPeople()
BOT_USERNAME = EmulatorConfig.bot_username
AMIR_TEMUR = "Tashkent, Amir Temur avenue, 1"
NAVOI = "Tashkent, Navoi street, 15"
FILED = re.compile(r"Request №(\d{6}-\d{3,}) is filed")
ROOT = Path(__file__).resolve().parents[2]
# Every run saves its screenshot under var/; the README's copy is refreshed on request.
SCREENSHOT = ROOT / "var" / "browser" / "sandbox.png"
README_SCREENSHOT = ROOT / "docs" / "sandbox.png"
UPDATE_SCREENSHOT_ENV = "UKBOT_UPDATE_SCREENSHOT"


async def _close_tour(page: Any, *, read_it: bool = False) -> None:
    """A newcomer is greeted by the tour: read to its end, or closed at once."""
    tour = page.locator("#tour")
    await expect(tour).to_be_visible()
    await expect(tour).to_contain_text("/start")
    await expect(page.locator(".pane.spotlight .pane-name")).to_have_text("Dilnoza Karimova")
    if not read_it:
        await page.locator("#tour-close").click()
        await expect(tour).to_be_hidden()
        return
    steps = int(re.sub(r".* of ", "", await page.locator("#tour-step").text_content() or ""))
    for step in range(2, steps + 1):
        await page.locator("#tour-next").click()
        await expect(page.locator("#tour-step")).to_contain_text(f"{step} of {steps}")
        if step == 4:  # the manager's turn: her pane is the one in the spotlight
            await expect(page.locator(".pane.spotlight .pane-name")).to_have_text("Malika Yusupova")
    await expect(tour).to_contain_text("5 ⭐")
    await page.locator("#tour-next").click()  # "Finish"
    await expect(tour).to_be_hidden()
    await expect(page.locator(".pane.spotlight")).to_have_count(0)


async def _open_chat(page: Any, title: str) -> PaneDriver:
    """Opens a group or channel pane from the "open a chat" menu."""
    key = await page.locator("#add-pane option").filter(has_text=title).get_attribute("value")
    await page.locator("#add-pane").select_option(key)
    pane = PaneDriver(page, str(key))
    await expect(pane.root.locator(".pane-name")).to_have_text(title)
    return pane


async def test_one_whole_request_in_three_panes(browser_page: Any, tmp_path: Path) -> None:
    page = browser_page
    photo = sample_photo(tmp_path / "leak.png")
    resident = PaneDriver.person(page, PEOPLE.resident_id)
    executor = PaneDriver.person(page, PEOPLE.executor_id)
    manager = PaneDriver.person(page, PEOPLE.manager_id)
    for pane, title in (
        (resident, "Dilnoza Karimova"),
        (executor, "Rustam Aliev"),
        (manager, "Malika Yusupova"),
    ):
        await expect(pane.root.locator(".pane-name")).to_have_text(title)
    await expect(resident.root.locator(".pane-role")).to_contain_text("Resident")
    await expect(executor.root.locator(".pane-role")).to_contain_text("Executor")
    await expect(manager.root.locator(".pane-role")).to_contain_text("Manager")
    await _close_tour(page, read_it=True)

    # 1. onboarding: language, phone (reply keyboard), name, building, apartment
    await resident.type("/start")
    await resident.expect("Choose your language")
    await resident.press("English")
    await resident.expect("share your phone")
    # the language question was edited in place into the answer
    await expect(resident.rows("Choose your language")).to_have_count(0)
    await expect(resident.rows("Language: English").locator(".edited")).to_be_visible()
    await resident.press_reply("Share my phone number")
    await expect(resident.root.locator(".row.out .contact").last).to_be_visible()
    await resident.expect("How should")
    await resident.type("Dilnoza Karimova")
    await resident.expect("Find your building")
    await resident.type("Amir")
    await resident.expect("matching your search")
    await resident.press(AMIR_TEMUR)
    await resident.expect("apartment number")
    await resident.type("7")
    await resident.expect("owner or a tenant")
    await resident.press("Owner")
    await resident.expect("sent to the manager for verification")

    # the manager verifies the address from the card that arrived live in her pane
    card = await manager.expect("Verification request")
    await expect(card).to_contain_text("Dilnoza Karimova")
    await manager.press("Approve", message=card)
    await manager.expect("Approved: apartment 7")
    await resident.expect("Your address is verified")

    # 2. filing with a photo, through the main menu's reply keyboard
    await resident.press_reply("New request")
    await resident.expect("What is the problem about")
    await resident.press("Plumbing")
    await resident.expect("Where is the problem")
    await resident.press("My apartment")
    await resident.expect("Describe the problem")
    await resident.type("Water is leaking under the kitchen sink.")
    await resident.expect("Add photos")
    await resident.attach_photo(photo)
    await resident.expect("Files attached: 1 of")
    await resident.press("Done")
    await resident.expect("How urgent")
    await resident.press("Normal")
    await resident.expect("How can the specialist get in")
    await resident.press("Any time")
    await resident.expect("When is a visit convenient")
    await resident.press("Any time")
    await resident.expect("Please check your request")
    await resident.press("Confirm")
    filed = await resident.expect(FILED)
    match = FILED.search(await filed.inner_text())
    assert match is not None
    number = match.group(1)

    # the staff group got the post and the storage channel the photo (panes opened on demand)
    staff = await _open_chat(page, "UK staff")
    await staff.expect(number)
    storage = await _open_chat(page, "UK storage")
    await expect(storage.root.locator(".row.in img.photo")).to_have_count(1)
    await expect(storage.root.locator(".composer")).to_be_hidden()  # only the bot posts

    # 3. the manager assigns from the card the bot sent her
    card = await manager.expect(number)
    await manager.press("Open", message=card)
    staff_card = await manager.expect(f"Request {number}")
    await manager.press("Assign", message=staff_card)
    picker = await manager.expect("Executor for request")
    await expect(picker).to_contain_text("Rustam")
    await manager.press("Rustam", message=picker)

    # 4. the executor's job card appears live; accept, start, complete with a photo
    job = await executor.expect(f"Request {number} is assigned to you")
    await executor.press("Accept", message=job)
    await executor.expect(f"Job {number}")
    await resident.expect(f"Request {number}: Accepted by executor")
    await executor.press("Start")
    await executor.expect("Are you on your way")
    await executor.press("30 min")
    await executor.expect("Status: In progress")
    await executor.press("Complete")
    await executor.expect('Send "after" photos')
    await executor.attach_photo(photo)
    await executor.expect("Photo received")
    await executor.press("Done")
    await executor.expect("attached to job")
    await executor.type("Replaced the siphon")
    await executor.expect(f"Job {number} is completed")

    # 5. the resident sees the result and accepts it with five stars
    done = await resident.expect(f"Request {number} is done")
    await expect(resident.root.locator(".row.in img.photo").last).to_be_visible()  # "after"
    await resident.press("Accept", message=done)
    await resident.expect("How do you rate the work")
    await resident.press("5 ⭐")
    await resident.expect("Your rating: 5 ⭐")
    await resident.type("Quick and clean")
    await resident.expect(f"Request {number} is closed with your rating of 5")
    await executor.expect(f"accepted request {number} with a rating of 5")

    # the staff group's post was edited to show the assignee; close the extra panes
    await expect(staff.rows(number).filter(has_text="Rustam")).to_have_count(1)
    for extra in (staff, storage):
        await extra.root.locator(".close").click()
        await expect(extra.root).to_have_count(0)

    for pane in (resident, executor, manager):  # the newest messages in view
        await pane.root.locator(".messages").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    await page.wait_for_timeout(300)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOT), type="png")
    assert SCREENSHOT.stat().st_size > 10_000
    if os.environ.get(UPDATE_SCREENSHOT_ENV):
        _save_small(SCREENSHOT, README_SCREENSHOT)


async def test_alert_location_search_and_language_switch(
    browser_page: Any, sandbox_url: str, tmp_path: Path
) -> None:
    page = browser_page
    await _close_tour(page)

    # an inline button whose answer is an alert: the verified resident files an emergency
    await page.locator("#add-pane").select_option(f"user-{PEOPLE.verified_resident_id}")
    aziz = PaneDriver.person(page, PEOPLE.verified_resident_id)
    await expect(aziz.root.locator(".pane-name")).to_have_text("Aziz Rahimov")
    await aziz.type("/start")
    await aziz.expect("Main menu")
    await aziz.press_reply("New request")
    await aziz.expect("What is the problem about")
    await aziz.press("Plumbing")
    await aziz.expect("Where is the problem")
    await aziz.press("My apartment")
    await aziz.expect("Describe the problem")
    # described by the sample voice note (it plays: two seconds), a document from disk
    voice = await aziz.send_voice()
    await page.wait_for_function("audio => audio.duration > 1.9", arg=await voice.element_handle())
    await aziz.expect("Voice message saved")
    await aziz.expect("Files attached: 1 of")
    meter = tmp_path / "water-meter.pdf"
    meter.write_bytes(b"%PDF-1.4\n% the water meter's last reading\n%%EOF\n")
    act = await aziz.attach_document(meter)
    await expect(act).to_have_attribute("download", "water-meter.pdf")
    await aziz.expect("Files attached: 2 of")
    await aziz.press("Done")
    await aziz.expect("How urgent")
    # the button spins until the bot's answer arrives (held back here to look at it)
    release = asyncio.Event()

    async def hold(route: Any) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/sandbox/api/users/*/press", hold, times=1)
    emergency = aziz.root.locator(".inline-keyboard .kb-button").filter(has_text="Emergency")
    await emergency.last.click()
    await expect(emergency.last).to_have_class(re.compile(r"\bbusy\b"))
    await expect(emergency.last).to_be_disabled()
    release.set()
    alert = aziz.root.locator(".alert")
    await expect(alert).to_be_visible()
    await expect(alert.locator(".alert-text")).to_contain_text("Emergency: call the dispatcher now")
    await alert.locator(".alert-ok").click()
    await expect(alert).to_be_hidden()

    # a location share finds the nearest demo building through the local geocoder
    dilnoza = PaneDriver.person(page, PEOPLE.resident_id)
    await dilnoza.type("/start")
    await dilnoza.expect("Choose your language")
    await dilnoza.press("English")
    await dilnoza.expect("share your phone")
    await dilnoza.press_reply("Share my phone number")
    await dilnoza.expect("How should")
    await dilnoza.type("Dilnoza Karimova")
    await dilnoza.expect("Find your building")
    await dilnoza.press_reply("Share my location")
    await dilnoza.share_location("Near Navoi street, 15")
    nearest = await dilnoza.expect("Buildings nearest to you")
    await expect(nearest).to_contain_text("Your location: 15, Navoi street")
    first = nearest.locator(".kb-button").first
    await expect(first).to_contain_text(NAVOI)
    await expect(first).to_contain_text("km")

    # switching her language to uz: the bot answers in Uzbek from then on
    await dilnoza.root.locator("select.lang").select_option("uz")
    await dilnoza.expect("Til: o'zbekcha")
    await expect(dilnoza.root.locator(".toast")).to_contain_text("Til: o'zbekcha")
    await dilnoza.press(NAVOI, message=nearest)
    await dilnoza.expect("Xonadon raqamini yozing")

    # inline mode: the manager types "@bot exec:…" and picks a result from the list
    manager = PaneDriver.person(page, PEOPLE.manager_id)
    results = await manager.inline_query(f"@{BOT_USERNAME} exec:rus")
    await results.locator(".inline-item").filter(has_text="Rustam").click()
    await expect(results).to_be_hidden()
    picked = manager.rows(f"via @{BOT_USERNAME}").last
    await expect(picked).to_contain_text("Rustam")

    # "a new person": a stranger to the bot gets a pane of their own
    page.once("dialog", lambda dialog: dialog.accept("Bekzod"))
    await page.locator("#add-pane").select_option("new-person")
    added = page.locator("section.pane", has=page.locator(".pane-name", has_text="Bekzod"))
    await expect(added).to_be_visible()
    bekzod = PaneDriver(page, str(await added.get_attribute("data-pane")))
    await expect(bekzod.root.locator(".pane-role")).to_have_text("New person")
    await bekzod.type("/start")
    await bekzod.expect("Choose your language")
    # a location by typed coordinates, from the 📎 sheet
    await bekzod.root.locator(".composer .attach").click()
    await bekzod.root.locator("[data-attach='location']").click()
    coords = bekzod.root.locator(".location-sheet .coords")
    await coords.locator("[name='lat']").fill("41.2995")
    await coords.locator("[name='lon']").fill("69.2401")
    await coords.locator("button[type='submit']").click()
    shared = bekzod.root.locator(".row.out .location").last
    await expect(shared).to_contain_text("41.29950, 69.24010")

    await _bot_messages_render_as_in_telegram(page, sandbox_url)

    # "reset demo" forgets everything: every pane is empty and Dilnoza is new again
    page.once("dialog", lambda dialog: dialog.accept())
    await page.locator("#reset-demo").click()
    await expect(dilnoza.root.locator(".messages .row")).to_have_count(0)
    await expect(aziz.root.locator(".messages .row")).to_have_count(0)
    await dilnoza.type("/start")
    await dilnoza.expect("Choose your language")


def _save_small(source: Path, target: Path) -> None:
    """The README's copy in 256 colours: a fifth of the size, no visible difference."""
    from PIL import Image

    with Image.open(source) as image:
        small = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
        small.save(target, optimize=True)


async def _bot_messages_render_as_in_telegram(page: Any, sandbox_url: str) -> None:
    """What the bot's flows do not send on their own (URL buttons, every formatting, albums,
    deletions), sent through the Bot API as the bot: the pane shows each as Telegram would."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import (
        BufferedInputFile,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        InputMediaPhoto,
    )

    await page.locator("#add-pane").select_option(f"user-{PEOPLE.electrician_id}")
    jasur = PaneDriver.person(page, PEOPLE.electrician_id)
    chat = PEOPLE.electrician_id
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox_url.rstrip("/")))
    async with Bot(SANDBOX_TOKEN, session=session) as bot:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Rules", url="https://example.org/rules"),
                    InlineKeyboardButton(text="Ping", callback_data="page:ping"),
                ],
                [InlineKeyboardButton(text="Second row", callback_data="page:row")],
            ]
        )
        note = await bot.send_message(
            chat,
            "<b>Bold</b> <i>italic</i> <code>code</code> <a href='https://example.org/'>link</a>",
            parse_mode="HTML",
            reply_markup=keyboard,
        )
        row = jasur.rows("Bold italic").last
        await expect(row.locator(".bubble b")).to_have_text("Bold")
        await expect(row.locator(".bubble i")).to_have_text("italic")
        await expect(row.locator(".bubble code")).to_have_text("code")
        await expect(row.locator(".bubble a")).to_have_attribute("href", "https://example.org/")
        lines = row.locator(".inline-keyboard .kb-row")
        await expect(lines).to_have_count(2)
        url_button = lines.first.locator("a.kb-button")
        await expect(url_button).to_have_attribute("href", "https://example.org/rules")
        await expect(url_button).to_have_attribute("target", "_blank")
        await expect(lines.nth(1).locator("button.kb-button")).to_have_text("Second row")

        await bot.send_media_group(
            chat,
            [
                InputMediaPhoto(media=BufferedInputFile(sample_png(rgb=(200, 80, 60)), "a.png")),
                InputMediaPhoto(media=BufferedInputFile(sample_png(rgb=(60, 120, 200)), "b.png")),
            ],
        )
        await expect(jasur.root.locator(".album img.photo")).to_have_count(2)
        await bot.send_document(chat, BufferedInputFile(b"%PDF-1.4 act", "act.pdf"))
        document = jasur.root.locator(".row.in a.document").filter(has_text="act.pdf")
        await expect(document).to_have_attribute("download", "act.pdf")
        async with page.expect_download() as download:
            await document.click()
        saved = await (await download.value).path()
        assert await asyncio.to_thread(Path(saved).read_bytes) == b"%PDF-1.4 act"
        await bot.send_location(chat, 41.3111, 69.2797)
        place = jasur.root.locator(".row.in .location").last
        await expect(place.locator(".map")).to_be_visible()
        await expect(place).to_contain_text("41.31110, 69.27970")

        # an edit changes the message where it is; a deletion takes it away
        await bot.edit_message_text(
            "<b>Edited</b> in place", chat_id=chat, message_id=note.message_id, parse_mode="HTML"
        )
        edited = jasur.rows().first  # still the first message, not a new one
        await expect(edited).to_have_attribute("data-id", str(note.message_id))
        await expect(edited).to_contain_text("Edited in place")
        await expect(edited.locator(".edited")).to_be_visible()
        await bot.delete_message(chat, note.message_id)
        await expect(jasur.rows("Edited in place")).to_have_count(0)
