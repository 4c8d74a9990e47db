"""Announcements end to end: a manager writes to two buildings and each resident reads it
in their own language, the delivery report names the resident who blocked the bot, the
bad inputs are refused with a clear answer, Send pressed twice sends once, and planned
works remind their residents an hour before (once, however many sweepers run)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import func, select

from domain.enums import Language, ResidencyKind, Role, VerificationState
from fsm.announcements import AnnounceCb
from sandbox.client import UserClient
from storage.models import (
    Announcement,
    Apartment,
    Building,
    Entrance,
    Organisation,
    Outbox,
    ResidentApartment,
    User,
)
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff
from tests.e2e.tracking_helpers import ADDRESS, Home, make_home, make_resident

SECOND = "Tashkent, Amir Temur 12"
THIRD = "Tashkent, Chilonzor 3"
EMPTY = "Tashkent, Bunyodkor 7"
NOT_AVAILABLE = "not available"


async def _building(
    desk: Desk, address: str, organisation: str, apartments: int, entrances: int = 0
) -> Home:
    """Apartments 1..N; with ``entrances``, apartment n is in entrance ``n % entrances + 1``."""
    async with desk.runtime.services.session_factory() as session, session.begin():
        org = Organisation(name=organisation)
        session.add(org)
        await session.flush()
        building = Building(organisation_id=org.id, address=address)
        session.add(building)
        await session.flush()
        doors = [Entrance(building_id=building.id, number=str(n + 1)) for n in range(entrances)]
        session.add_all(doors)
        await session.flush()
        numbers = {}
        for n in range(1, apartments + 1):
            apartment = Apartment(
                building_id=building.id,
                number=str(n),
                entrance_id=doors[n % entrances].id if doors else None,
            )
            session.add(apartment)
            await session.flush()
            numbers[str(n)] = apartment.id
    return Home(building.id, numbers)


async def _resident(
    desk: Desk,
    home: Home,
    name: str,
    apartment: str,
    language: Language,
    verification: VerificationState = VerificationState.APPROVED,
) -> UserClient:
    if verification is VerificationState.APPROVED:
        return await make_resident(desk, home, name, apartment=apartment, language=language)
    user = await new_user(desk, name, language_code=language.value, started=True)
    async with desk.runtime.services.session_factory() as session, session.begin():
        session.add(User(id=user.id, first_name=name, language=language))
        await session.flush()
        session.add(
            ResidentApartment(
                user_id=user.id,
                apartment_id=home.apartments[apartment],
                kind=ResidencyKind.TENANT,
                verification=verification,
            )
        )
    return user


async def _received(user: UserClient) -> list[str]:
    return [m.content for m in await user.messages() if m.from_bot]


async def _wait_sent(desk: Desk, announcement_id: int, total: int) -> None:
    """Until the outbox has settled every row of the announcement."""
    for _ in range(200):
        async with desk.runtime.services.session_factory() as session:
            pending = await session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(Outbox.announcement_id == announcement_id, Outbox.state == "pending")
            )
            rows = await session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(Outbox.announcement_id == announcement_id)
            )
        if rows == total and pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"announcement {announcement_id} not delivered: {pending} pending")


async def test_an_announcement_reaches_exactly_its_buildings_residents_in_their_languages(
    desk: Desk,
) -> None:
    home = await make_home(desk)  # "Demo UK", Navoi 5, apartments 12..15
    second = await _building(desk, SECOND, "Temur Service", 3, entrances=2)
    third = await _building(desk, THIRD, "Chilonzor UK", 2)
    empty = await _building(desk, EMPTY, "Bunyodkor UK", 2)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        manager,
        [Role.MANAGER],
        buildings=[home.building_id, second.building_id, empty.building_id],
    )
    dilnoza = await _resident(desk, home, "Dilnoza", "12", Language.EN)
    aziz = await _resident(desk, home, "Aziz", "13", Language.RU)
    bekzod = await _resident(desk, home, "Bekzod", "14", Language.EN)
    lola = await _resident(desk, home, "Lola", "15", Language.EN, VerificationState.PENDING)
    gulnora = await _resident(desk, second, "Gulnora", "1", Language.UZ)
    karim = await _resident(desk, third, "Karim", "1", Language.EN)  # not the manager's
    await bekzod.block_bot()

    # the panel's button and the audience: how many it reaches, before anything is sent
    await manager.send_command("panel")
    await manager.expect(lambda m: m.button("📢 Announcements") is not None)
    await manager.press("📢 Announcements")
    await manager.expect("📢 Announcements\nWrite to all residents")
    await manager.press("✍️ New announcement")
    await manager.expect("No building chosen yet")
    answer = await manager.press("Next ➡️")
    assert answer.show_alert and answer.text == "Choose at least one building."
    await manager.press(f"▫️ {EMPTY}")
    await manager.expect("it will reach 0 residents")
    answer = await manager.press("Next ➡️")  # a building with no residents: nothing to send
    assert answer.show_alert and "no residents in the bot yet" in (answer.text or "")
    await manager.press(f"✅ {EMPTY}")
    # one building: its entrances may narrow the audience (Gulnora lives in entrance 2)
    await manager.press(f"▫️ {SECOND}")
    await manager.expect("All entrances")
    await manager.press("🚪 1")
    screen = await manager.expect("🚪 Entrances: 1$")
    assert "it will reach 0 residents" in screen.content
    await manager.press("🚪 2")
    screen = await manager.expect("🚪 Entrances: 1, 2$")
    assert "it will reach 1 resident." in screen.content
    await manager.press(f"✅ {SECOND}")  # another building chosen: entrances are forgotten
    await manager.press(f"▫️ {ADDRESS}")
    await manager.expect("it will reach 3 residents")
    await manager.press(f"▫️ {SECOND}")
    await manager.expect("Chosen buildings: 2 · it will reach 4 residents")
    await manager.press("👥 Verified residents only")
    await manager.expect("it will reach 5 residents")  # Lola's link is not verified yet
    await manager.press("👥 All linked residents")
    await manager.expect("it will reach 4 residents")

    # a forged building outside the manager's buildings: not available, nothing changes
    forged = AnnounceCb(action="bld", id=third.building_id).pack()
    await desk.runtime.bot.send_message(
        manager.id,
        "forged",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="forged", callback_data=forged)]]
        ),
    )
    await manager.expect("forged")
    answer = await manager.press("forged")
    assert answer.show_alert and NOT_AVAILABLE in (answer.text or "")

    await manager.press("Next ➡️")
    await manager.expect("What kind of announcement?")
    await manager.press("ℹ️ Information")
    await manager.expect("Write the announcement")

    # bad input: too long, a photo over 10 MB, a photo without a caption
    await manager.send_text("x" * 3501)
    await manager.expect("The text is too long: 3,501 characters, at most 3,500")
    await manager.send_photo(b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1), caption="Big")
    await manager.expect("The photo is too large: at most 10 MB")
    await manager.send_photo(caption=None)
    await manager.expect("The announcement is empty")

    await manager.send_text(
        '<b>Hot water</b> is off tomorrow. Details: <a href="https://uk.example/w">here</a>',
        parse_mode="HTML",
    )
    preview = await manager.expect("Announcement from Demo UK")
    assert "Hot water is off tomorrow. Details: here" in preview.content
    assert {e["type"] for e in preview.entities} >= {"bold", "text_link"}
    control = await manager.expect("This is how residents will see it")
    assert f"It will reach 4 residents: {ADDRESS}; {SECOND}" in control.content
    send = next(b for b in control.buttons if b["text"] == "📤 Send to 4")
    answer = await manager.press("📤 Send to 4")
    assert answer.text == "📤 Sending to 4…"
    report = await manager.expect("📊 Announcement #")
    announcement_id = int(report.content.split("#", 1)[1].split(" ", 1)[0])

    # Send pressed again (the same button): the one announcement's report, nothing new
    await desk.runtime.bot.send_message(
        manager.id,
        "again",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text="send again", callback_data=send["callback_data"])]
            ]
        ),
    )
    await manager.expect("again")
    answer = await manager.press("send again")
    assert answer.text == "This announcement was sent already; here is its delivery report."

    await _wait_sent(desk, announcement_id, 4)
    (en,) = [m for m in await _received(dilnoza) if "Announcement" in m]
    assert en.startswith("📢 Announcement from Demo UK · ℹ️ Information")
    assert en.endswith("Hot water is off tomorrow. Details: here")
    (ru,) = await _received(aziz)
    assert ru.startswith("📢 Объявление от Demo UK · ℹ️ Информация")
    assert "Hot water is off tomorrow" in ru  # sent as written, no translation
    (uz,) = await _received(gulnora)
    assert uz.startswith("📢 Temur Service e'loni · ℹ️ Ma'lumot")
    assert await _received(karim) == [] and await _received(lola) == []
    async with desk.runtime.services.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Announcement)) == 1

    # the delivery report updates itself while sending: counts, and who must be called
    for _ in range(200):  # no press: the report message itself changes
        (shown,) = [m for m in await manager.messages() if m.message_id == report.message_id]
        if "Sending finished" in shown.content:
            break
        await asyncio.sleep(0.05)
    assert "delivered: 3 · blocked the bot: 1" in shown.content, shown.content
    answer = await manager.press("🔄 Refresh", message=report)  # the same numbers
    assert not answer.show_alert
    (done,) = [m for m in await manager.messages() if m.message_id == report.message_id]
    assert (
        "Recipients: 4 · queued: 0 · delivered: 3 · blocked the bot: 1 · failed: 0" in done.content
    )
    assert f"• Bekzod Karimova, {ADDRESS}, 14, +998901234567 (blocked the bot)" in done.content

    # the history of a building, and the report from it
    await manager.press("◀️ Announcements", message=done)
    await manager.press("📜 History")
    await manager.press(SECOND)
    history = await manager.expect(f"📜 Announcements to {SECOND}")
    assert f"#{announcement_id} · " in history.content
    assert "«Hot water is off tomorrow. Details: here»" in history.content
    await manager.press(f"📊 Announcement #{announcement_id}")
    await manager.expect("blocked the bot: 1")


async def test_planned_works_remind_their_residents_an_hour_before_once(desk: Desk) -> None:
    home = await make_home(desk)
    admin = await new_user(desk, "Aziz", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    resident = await _resident(desk, home, "Dilnoza", "12", Language.EN)

    # the admin turns on paid broadcast: the screen says what it costs
    await admin.send_text("⚙️ Settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🏢 Desk rules and digests")
    rules = await admin.expect("🏢 Desk rules and digests\n")
    assert "Paid broadcast for announcements: off" in rules.content
    assert "0.1 Star per message" in rules.content
    await admin.press("💫 Paid broadcast for announcements: no")
    await admin.expect("Paid broadcast for announcements: on")
    paid_before = (await desk.emu.rate_limit_stats()).get("paid_broadcast_messages", 0)

    tz = desk.runtime.services.tz
    start = (desk.clock.now() + timedelta(days=1)).astimezone(tz)
    await admin.send_command("announce")
    await admin.expect("📢 Announcements")
    await admin.press("✍️ New announcement")
    await admin.press(f"▫️ {ADDRESS}")
    await admin.press("Next ➡️")
    await admin.press("🛠 Planned works")
    await admin.expect("When are the works?")
    await admin.send_text("31.02 10:00-16:00")
    await admin.expect("Please send the start and the end like this")
    await admin.send_text(f"{start:%d.%m} 10:00-09:00")
    await admin.expect("The end must be after the start")
    await admin.send_text(f"{start:%d.%m} 10:00-16:00")
    await admin.expect(f"🛠 Planned works: {start:%d.%m.%Y} 10:00–16:00")
    await admin.send_text("Hot water is off for the pipe replacement.")
    control = await admin.expect("This is how residents will see it")
    assert "⏰ Reminder an hour before: on" in [b["text"] for b in control.buttons]
    await admin.press("📤 Send to 1")
    report = await admin.expect("📊 Announcement #")
    assert f"⏰ Reminder to residents: {start:%d.%m.%Y} 09:00" in report.content
    assert "💫 Sent with paid broadcast" in report.content
    message = await resident.expect("Announcement from Demo UK · 🛠 Planned works")
    assert f"🗓 {start:%d.%m.%Y} 10:00–16:00" in message.content
    paid_after = (await desk.emu.rate_limit_stats()).get("paid_broadcast_messages", 0)
    assert paid_after == paid_before + 1

    # an hour before the start, the sweepers remind once, however many run
    local_start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    await desk.after(local_start - timedelta(minutes=61) - desk.clock.now().astimezone(tz))
    await resident.expect_no_message(0.3)
    sweeper = desk.runtime.sweeper
    desk.clock.advance(timedelta(minutes=2))
    written = await asyncio.gather(*(sweeper.remind_planned_works() for _ in range(3)))
    assert sorted(written) == [0, 0, 1]
    reminder = await resident.expect("Reminder from Demo UK")
    assert "planned works start in an hour" in reminder.content
    assert "Hot water is off for the pipe replacement." in reminder.content
    await desk.after(timedelta(minutes=30))
    await resident.expect_no_message(0.3)
