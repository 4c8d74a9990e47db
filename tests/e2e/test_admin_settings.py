"""The admin's ⚙️ Settings end to end: the SLA table per category, a typed duration
(garbage refused, a good one stored and seen by the deadline rules), quiet hours,
holidays, and who may get there."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from domain.enums import Category, Language, Role, Urgency
from domain.services.desk_settings import DeskSettings
from handlers.admin.settings_views import SettingsCb
from sandbox.client import Message, UserClient
from storage.models import AuditLog
from storage.repositories.settings import SqlSettingsRepository
from tests.e2e.conftest import ADMIN_ID, Desk, new_user
from tests.e2e.helpers import choose_language, make_staff

TZ = ZoneInfo("Asia/Tashkent")


def _literal(text: str) -> re.Pattern[str]:
    """``expect`` takes a string as a regular expression."""
    return re.compile(re.escape(text))


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _load(desk: Desk) -> DeskSettings:
    async with desk.runtime.services.session_factory() as session:
        return await SqlSettingsRepository(session).load()


async def _admin(desk: Desk, name: str = "Aziz", lang: Language = Language.EN) -> UserClient:
    user = await new_user(desk, name, language_code=lang.value, started=True)
    await make_staff(desk.runtime.services.session_factory, user, [Role.ADMIN], language=lang)
    return user


async def _settings_screen(admin: UserClient) -> Message:
    await admin.send_text("⚙️ Settings")
    return await admin.expect("⚙️ Settings\n")


async def test_admin_changes_the_plumbing_accept_time(desk: Desk) -> None:
    # the admin of the configuration (ADMIN_IDS) gets the entry in the main menu
    admin = await desk.emu.create_user("Owner", language_code="en", user_id=ADMIN_ID)
    await choose_language(admin, "en")
    await admin.expect(lambda m: m.reply_keyboard is not None)
    menu = [text for row in await admin.reply_keyboard() or [] for text in row]
    assert "⚙️ Settings" in menu

    await admin.press_reply("⚙️ Settings")
    home = await admin.expect("⚙️ Settings\n")
    assert "🕘 Working hours: 09:00–18:00" in home.content
    assert "📅 Working days: Mon, Tue, Wed, Thu, Fri" in home.content
    assert "🌙 Quiet hours (no reminders except emergencies): 22:00–08:00" in home.content
    assert "⏱ Plumbing" in _texts(home)
    for _, data in (b for row in home.inline_buttons for b in row):
        assert data is not None and len(data.encode()) < 64

    await admin.press("⏱ Plumbing", message=home)
    table = await admin.expect("⏱ Deadlines: Plumbing")
    assert "🔴 Emergency: accept within 15 min, complete within 4 h (round the clock)" in (
        table.content
    )
    assert "🟠 Urgent: accept within 1 h, complete within 1 d (round the clock)" in table.content
    assert "🟢 Normal: accept within 4 h, complete within 27 h (business hours)" in table.content
    assert "✏️ changed" not in table.content
    assert "🟢 Normal: 🕘 business hours ✅" in _texts(table)
    for _, data in (b for row in table.inline_buttons for b in row):
        assert data is not None and len(data.encode()) < 64

    await admin.press("🟢 Normal: ⏱ accept", message=table)
    prompt = await admin.expect("Send the time to accept a request for Plumbing / Normal")
    assert "Now: 4 h." in prompt.content
    assert "1d is one working day (9 h)" in prompt.content

    # garbage: a clear answer, nothing stored, still waiting for the value
    await admin.send_text("soon-ish")
    await admin.expect("This is not a duration. Write it like 30m, 4h, 3d or 1h30m.")
    await admin.send_text("0m")
    await admin.expect("The time must be from 1 minute to 90 days.")
    assert (await _load(desk)).sla_overrides is None

    await admin.send_text("30m")
    await admin.expect("Saved.")
    table = await admin.expect("⏱ Deadlines: Plumbing")
    assert (
        "🟢 Normal: accept within 30 min, complete within 27 h (business hours) ✏️ changed"
        in table.content
    )
    assert "🟢 Normal: ↩️ default" in _texts(table)

    settings = await _load(desk)
    target = settings.sla_config(TZ).policy.target_for(Category.PLUMBING, Urgency.NORMAL)
    assert target.accept == timedelta(minutes=30)
    assert target.complete == timedelta(hours=27)
    assert target.business_hours
    other = settings.sla_config(TZ).policy.target_for(Category.HEATING, Urgency.NORMAL)
    assert other.accept == timedelta(hours=4)
    async with desk.runtime.services.session_factory() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.entity == "setting"))).all()
    assert [(row.actor_id, row.action, row.entity_id) for row in audit] == [
        (ADMIN_ID, "setting.changed", "sla_overrides")
    ]

    # the text typed now is no longer taken as a duration
    await admin.send_text("45m")
    reply = await admin.expect()
    assert "Saved." not in reply.content

    # back to the default
    result = await admin.press("🟢 Normal: ↩️ default", message=table)
    assert result.text == "Saved."
    table = await admin.expect(lambda m: "✏️ changed" not in m.content)
    assert "🟢 Normal: accept within 4 h" in table.content
    assert (await _load(desk)).sla_overrides == {}


async def test_cancel_and_business_flag(desk: Desk) -> None:
    admin = await _admin(desk)
    home = await _settings_screen(admin)
    await admin.press("⏱ Heating", message=home)
    table = await admin.expect("⏱ Deadlines: Heating")
    await admin.press("🔴 Emergency: ✅ complete", message=table)
    await admin.expect("Send the time to complete a request for Heating / Emergency")
    result = await admin.press("✖️ Cancel")
    assert result.text == "Nothing changed."
    table = await admin.expect("⏱ Deadlines: Heating")
    await admin.send_text("2h")  # no longer waiting
    reply = await admin.expect()
    assert "Saved." not in reply.content
    assert (await _load(desk)).sla_overrides is None

    result = await admin.press("🔴 Emergency: 🕘 business hours ⬜", message=table)
    assert result.text == "Saved."
    table = await admin.expect("✏️ changed")
    assert "🔴 Emergency: accept within 15 min, complete within 4 h (business hours)" in (
        table.content
    )
    target = (
        (await _load(desk)).sla_config(TZ).policy.target_for(Category.HEATING, Urgency.EMERGENCY)
    )
    assert target.business_hours

    # time to accept may not exceed time to complete
    await admin.press("🔴 Emergency: ⏱ accept", message=table)
    await admin.expect("Send the time to accept")
    await admin.send_text("5h")
    await admin.expect("The time to accept cannot be longer than the time to complete.")
    target = (
        (await _load(desk)).sla_config(TZ).policy.target_for(Category.HEATING, Urgency.EMERGENCY)
    )
    assert target.accept == timedelta(minutes=15)


async def test_quiet_hours_change(desk: Desk) -> None:
    admin = await _admin(desk)
    home = await _settings_screen(admin)
    await admin.press("🌙 Quiet hours", message=home)
    await admin.expect("Send quiet hours as two times")
    await admin.send_text("late")
    await admin.expect("Write two times as HH:MM, for example 09:00-18:00.")
    await admin.send_text("23:30-07:00")
    await admin.expect("Saved.")
    home = await admin.expect("⚙️ Settings\n")
    assert "🌙 Quiet hours (no reminders except emergencies): 23:30–07:00" in home.content
    quiet = (await _load(desk)).sla_config(TZ).quiet
    assert (quiet.start, quiet.end) == (time(23, 30), time(7, 0))

    await admin.press("🌙 Quiet hours", message=home)
    await admin.expect("Now: 23:30–07:00.")
    result = await admin.press("🔕 Turn quiet hours off")
    assert result.text == "Saved."
    home = await admin.expect(_literal("Quiet hours (no reminders except emergencies): off"))
    settings = await _load(desk)
    assert settings.quiet_start == settings.quiet_end


async def test_working_hours_and_days(desk: Desk) -> None:
    admin = await _admin(desk)
    home = await _settings_screen(admin)
    await admin.press("🕘 Working hours", message=home)
    await admin.expect("Send the working day as two times")
    await admin.send_text("18:00-09:00")
    await admin.expect("The working day must start before it ends.")
    await admin.send_text("08:00-17:00")
    await admin.expect("Saved.")
    home = await admin.expect("🕘 Working hours: 08:00–17:00")

    await admin.press("📅 Working days", message=home)
    days = await admin.expect("📅 Working days. Press a day")
    result = await admin.press("⬜ Sat", message=days)
    assert result.text == "Saved."
    days = await admin.expect(lambda m: "✅ Sat" in _texts(m))
    calendar = (await _load(desk)).sla_config(TZ).calendar
    assert (calendar.day_start, calendar.day_end) == (time(8), time(17))
    assert calendar.working_weekdays == frozenset({0, 1, 2, 3, 4, 5})


async def test_holiday_added_and_removed(desk: Desk) -> None:
    admin = await _admin(desk)
    home = await _settings_screen(admin)
    await admin.press("🎉 Holidays", message=home)
    screen = await admin.expect(_literal("🎉 Holidays (days off"))
    assert "No holidays yet." in screen.content
    await admin.press("➕ Add a holiday", message=screen)
    await admin.expect("Send the date of a holiday")
    await admin.send_text("31.02.2026")
    await admin.expect("This is not a date.")
    assert (await _load(desk)).holidays == ()
    await admin.send_text("08.12.2026")
    await admin.expect("Holiday added.")
    screen = await admin.expect(_literal("🎉 Holidays (days off"))
    assert "• 08.12.2026" in screen.content
    assert "🗑 08.12.2026" in _texts(screen)
    settings = await _load(desk)
    assert settings.holidays == ("2026-12-08",)
    assert not settings.sla_config(TZ).calendar.is_working_day(
        settings.sla_config(TZ).calendar.local_date(datetime(2026, 12, 8, 6, tzinfo=TZ))
    )

    result = await admin.press("🗑 08.12.2026", message=screen)
    assert result.text == "Holiday removed."
    screen = await admin.expect("No holidays yet.")
    assert (await _load(desk)).holidays == ()

    # a stale 🗑 of a removed holiday is refused and changes nothing
    stale = SettingsCb(action="holdel", arg="2026-12-08").pack()
    await desk.runtime.bot.send_message(
        admin.id,
        "old holidays",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="🗑 08.12.2026", callback_data=stale)]]
        ),
    )
    await admin.expect("old holidays")
    result = await admin.press("🗑 08.12.2026")
    assert result.show_alert
    assert result.text == "The settings have changed. Please open them again."


async def test_russian_admin_sees_russian_texts(desk: Desk) -> None:
    admin = await _admin(desk, "Rustam", Language.RU)
    await admin.send_text("⚙️ Настройки")
    home = await admin.expect("⚙️ Настройки\n")
    assert "🕘 Рабочие часы: 09:00–18:00" in home.content
    await admin.press("⏱ Сантехника", message=home)
    table = await admin.expect("⏱ Сроки: Сантехника")
    assert "принять за 4 ч, выполнить за 27 ч (рабочие часы)" in table.content


async def test_managers_and_residents_cannot_change_settings(desk: Desk) -> None:
    manager = await new_user(desk, "Manager", started=True)
    await make_staff(desk.runtime.services.session_factory, manager, [Role.MANAGER])
    resident = await new_user(desk, "Resident", started=True)
    forged = [
        SettingsCb(action="home"),
        SettingsCb(action="sla", arg="plumbing.normal.accept"),
        SettingsCb(action="quietoff"),
        SettingsCb(action="day", arg="5"),
    ]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"forged {i}", callback_data=cb.pack())]
            for i, cb in enumerate(forged)
        ]
    )
    await manager.send_command("start")
    await manager.expect(lambda m: m.reply_keyboard is not None)
    menu = [text for row in await manager.reply_keyboard() or [] for text in row]
    assert "⚙️ Settings" not in menu
    for user in (manager, resident):
        await desk.runtime.bot.send_message(user.id, "buttons", reply_markup=keyboard)
        await user.expect("buttons")
        for index in range(len(forged)):
            result = await user.press(f"forged {index}")
            assert result.text == "This button is outdated. Please open the menu again."
        await user.send_text("⚙️ Settings")
        reply = await user.expect()
        assert "Working hours" not in reply.content
    settings = await _load(desk)
    assert settings == DeskSettings()


async def test_no_dead_buttons_for_the_admin(desk: Desk) -> None:
    """The dead-button walk of ``test_no_dead_buttons`` over the admin's menu (the
    Settings screens included)."""
    from tests.e2e.test_no_dead_buttons import _walk

    admin = await _admin(desk, "Walker")
    walker = await _walk(desk, admin, "admin", ["⚙️ Settings", "🗂 Panel", "👥 People"])
    assert walker.per_root["⚙️ Settings"] >= 10
