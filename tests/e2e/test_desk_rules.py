"""Settings that used to need SQL, changed by pressing buttons, each audited and each
changing what the bot does: the dispatcher phone, unverified residents filing, claiming
from the pool, auto-assignment per building, the digests' schedule and recipients, the
outage suggestion's count and window."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.digests import DigestSender
from domain.enums import Role, Specialization, VerificationState
from domain.services.desk_settings import DeskSettings
from sandbox.client import Message, UserClient
from storage.models import Assignment, AuditLog, Building, ReportDigest
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    file_request,
    make_staff,
    seed_directory,
    verified_resident,
)
from tests.e2e.tracking_helpers import insert_request, make_cast, make_resident

TZ = ZoneInfo("Asia/Tashkent")


async def _admin(desk: Desk, name: str = "Aziz") -> UserClient:
    user = await new_user(desk, name, started=True)
    await make_staff(desk.runtime.services.session_factory, user, [Role.ADMIN])
    return user


async def _desk_rules(admin: UserClient) -> Message:
    await admin.send_text("⚙️ Settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🏢 Desk rules and digests")
    return await admin.expect("🏢 Desk rules and digests\n")


async def _audit(desk: Desk, action: str) -> list[AuditLog]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.scalars(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        )
        return list(rows)


async def test_dispatcher_phone_is_validated_audited_and_shown_to_an_emergency(
    desk: Desk,
) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    admin = await _admin(desk)
    screen = await _desk_rules(admin)
    assert "Time zone: Asia/Tashkent" in screen.content
    assert "Dispatcher phone: +998 71 200-00-00" in screen.content
    await admin.press("📞 Dispatcher phone")
    await admin.expect("Send the dispatcher's phone number")
    await admin.send_text("call Rustam")
    await admin.expect("This is not a phone number")
    await admin.send_text("12-34")
    await admin.expect("This is not a phone number")
    await admin.send_text("+998 71 555-44-33")
    await admin.expect("Saved.")
    screen = await admin.expect("🏢 Desk rules and digests\n")
    assert "Dispatcher phone: +998 71 555-44-33" in screen.content
    (entry,) = [
        e for e in await _audit(desk, "setting.changed") if e.entity_id == "dispatcher_phone"
    ]
    assert entry.actor_id == admin.id
    assert entry.data == {"value": "+998 71 555-44-33", "previous": "+998 71 200-00-00"}

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
    assert "+998 71 555-44-33" in (pressed.text or "")


async def test_unverified_residents_may_file_only_while_the_switch_is_on(desk: Desk) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    admin = await _admin(desk)
    pending = await verified_resident(desk, verification=VerificationState.PENDING)
    await pending.send_command("new")
    await pending.expect("still waiting for verification")

    await _desk_rules(admin)
    answer = await admin.press("🏠 Unverified may file: no")
    assert answer.text == "Saved."
    await admin.expect(lambda m: m.has_button("🏠 Unverified may file: yes"))
    await pending.send_command("new")
    await pending.expect("What is the problem about")

    await admin.press("🏠 Unverified may file: yes")
    await admin.expect(lambda m: m.has_button("🏠 Unverified may file: no"))
    await pending.send_command("start")
    await pending.send_command("new")
    await pending.expect("still waiting for verification")
    values = [
        e.data["value"]
        for e in await _audit(desk, "setting.changed")
        if e.entity_id == "unverified_residents_may_file"
    ]
    assert values == [True, False]


async def test_claiming_from_the_pool_is_switched_off_and_on(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    _, number = await insert_request(desk, resident, cast.home)
    admin = await _admin(desk)
    await _desk_rules(admin)
    await admin.press("🙋 Claim from the pool: yes")
    await admin.expect(lambda m: m.has_button("🙋 Claim from the pool: no"))

    executor = cast.executor
    await executor.send_command("pool")
    pool = await executor.expect("Job pool: 1")
    assert "Taking jobs from the pool is turned off" in pool.content

    await admin.press("🙋 Claim from the pool: no")
    await admin.expect(lambda m: m.has_button("🙋 Claim from the pool: yes"))
    await executor.send_command("pool")
    pool = await executor.expect("Job pool: 1")
    assert "turned off" not in pool.content
    await executor.press(number)
    await executor.expect(f"🛠 Job {number}")
    press = await executor.press("🙋 Take this job")
    assert press.text == f"🙋 Job {number} is yours now."


async def test_auto_assignment_is_switched_per_building(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi = await building_id(factory, NAVOI)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(factory, manager, [Role.MANAGER], buildings=[navoi])
    plumber = await new_user(desk, "Bobur", started=True)
    await make_staff(
        factory, plumber, [Role.EXECUTOR], specializations=[Specialization.PLUMBER], on_duty=True
    )
    resident = await verified_resident(desk)
    admin = await _admin(desk)

    await _desk_rules(admin)
    await admin.press("🤖 Auto-assignment by building")
    await admin.expect(r"Auto-assignment by building \(page 1 of 2\)")
    await admin.press("Next ▶️")
    listing = await admin.expect(r"\(page 2 of 2\)")
    assert listing.has_button(f"✅ {NAVOI}")
    answer = await admin.press(f"✅ {NAVOI}")
    assert answer.text == "Saved."
    await admin.expect(lambda m: m.has_button(f"⛔ {NAVOI}"))
    async with factory() as session:
        assert (
            await session.scalar(select(Building.auto_assign).where(Building.id == navoi)) is False
        )
    (entry,) = await _audit(desk, "building.auto_assign")
    assert entry.entity_id == str(navoi) and entry.data["value"] is False

    number = await file_request(desk, resident)
    await manager.expect(f"New request №{number}")
    async with factory() as session:
        assert (await session.scalars(select(Assignment))).all() == []

    await admin.press(f"⛔ {NAVOI}")
    await admin.expect(lambda m: m.has_button(f"✅ {NAVOI}"))
    other = await file_request(desk, resident, description="A dripping tap in the bathroom.")
    await plumber.expect(f"Request {other} is assigned to you")

    await admin.press("◀️ Back")
    await admin.expect(r"\(page 1 of 2\)")
    await admin.press("◀️ Back to desk rules")
    await admin.expect("🏢 Desk rules and digests\n")


async def test_digest_hour_and_recipients(desk: Desk) -> None:
    admin = await _admin(desk)
    await _desk_rules(admin)
    await admin.press("🕘 Digest time: 09:00")
    await admin.expect("At what hour should the digests go out")
    await admin.send_text("25")
    await admin.expect("Send an hour from 0 to 23")
    await admin.send_text("8")
    await admin.expect("Saved.")
    screen = await admin.expect("🏢 Desk rules and digests\n")
    assert "at 08:00" in screen.content
    await admin.press("👥 Digests to: managers and admins")
    screen = await admin.expect(lambda m: m.has_button("👥 Digests to: managers"))
    assert "Digests go to: managers" in screen.content
    await admin.press("📊 Daily digest: yes")
    screen = await admin.expect(lambda m: m.has_button("📊 Daily digest: no"))
    assert "daily off, weekly on" in screen.content
    settings = await _settings(desk)
    assert (settings.digest_hour, settings.digest_recipients, settings.digest_daily) == (
        8,
        "managers",
        False,
    )
    # Cancel goes back to the desk rules, nothing changed
    await admin.press("📞 Dispatcher phone")
    await admin.expect("Send the dispatcher's phone number")
    await admin.press("✖️ Cancel")
    await admin.expect("🏢 Desk rules and digests\n")


async def test_scheduled_digests_follow_their_hour_and_recipients(desk: Desk) -> None:
    """Digests to managers only, at 08:00: none before the hour, then the manager's
    daily digest and nothing for the admin."""
    cast = await make_cast(desk)
    admin = await _admin(desk)
    await _desk_rules(admin)
    await admin.press("🕘 Digest time: 09:00")
    await admin.send_text("8")
    await admin.expect("Saved.")
    await admin.press("👥 Digests to: managers and admins")
    await admin.expect(lambda m: m.has_button("👥 Digests to: managers"))
    await admin.press("📊 Weekly digest: yes")
    await admin.expect(lambda m: m.has_button("📊 Weekly digest: no"))
    await admin.mark()

    today = desk.clock.now().astimezone(TZ).date() + timedelta(days=1)
    sender = DigestSender(desk.runtime.services, desk.runtime.bot)
    desk.clock.set(datetime.combine(today, time(7, 50), TZ))
    assert await sender.run_once() == 0  # before 08:00
    desk.clock.set(datetime.combine(today, time(8, 5), TZ))
    assert await sender.run_once() == 1
    digest = await cast.manager.expect("Digest for")
    assert f"{today - timedelta(days=1):%d.%m.%Y}" in digest.content
    await cast.manager.expect(lambda m: m.photo is not None)
    await admin.expect_no_message(0.5)
    async with desk.runtime.services.session_factory() as session:
        (row,) = (await session.scalars(select(ReportDigest))).all()
    assert (row.kind, row.recipients) == ("daily", 1)


async def test_outage_suggestion_follows_its_count_and_window(desk: Desk) -> None:
    """Four requests within ten minutes, set by buttons: three are no outage, nor four
    spread over more than ten minutes; the next four close together are."""
    from domain.services import incidents

    admin = await _admin(desk)
    rules = await _desk_rules(admin)
    await admin.press("🚨 Outage after 3 requests", message=rules)
    await admin.send_text("4")
    rules = await admin.expect("Possible outage: 4 requests")
    await admin.press("⏱ Outage window: 30 min", message=rules)
    await admin.send_text("10")
    await admin.expect("Possible outage: 4 requests of one kind in one building within 10 min")
    changed = {e.entity_id: e.data for e in await _audit(desk, "setting.changed")}
    assert changed["outage_min_requests"] == {"value": 4, "previous": 3}
    assert changed["outage_window_minutes"] == {"value": 10, "previous": 30}

    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Aziza")
    services = desk.runtime.services
    start = desk.clock.now()

    async def file_at(minutes: int) -> str | None:
        at = start + timedelta(minutes=minutes)
        desk.clock.set(at)
        request_id, _ = await insert_request(desk, resident, cast.home, created_at=at)
        settings = await _settings(desk)
        async with services.uow() as uow:
            return await incidents.after_filing(uow, request_id, at, settings, services.tz)

    assert [await file_at(m) for m in (0, 1, 2)] == [None, None, None]  # three: no outage
    assert await file_at(15) is None  # four within 30 min, but not within 10
    assert [await file_at(m) for m in (16, 17, 18)] == [None, None, "suggested"]
    suggestion = await cast.manager.expect("Possible outage")
    assert "4 requests" in suggestion.content


async def _settings(desk: Desk) -> DeskSettings:
    from storage.repositories.settings import SqlSettingsRepository, forget_desk_settings

    forget_desk_settings()
    async with desk.runtime.services.session_factory() as session:
        return await SqlSettingsRepository(session).load()


async def test_no_dead_buttons_in_the_desk_rules(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dead-button walk over the admin's menu presses every kind of desk-rules,
    audit-log, reports and open-invites button (within its cap of presses)."""
    from tests.e2e import test_no_dead_buttons
    from tests.e2e.test_no_dead_buttons import _kind, _walk

    # deep enough for a building's switch (Settings → desk rules → buildings → switch)
    monkeypatch.setattr(test_no_dead_buttons, "MAX_PRESSES", 320)
    monkeypatch.setattr(test_no_dead_buttons, "TIME_BUDGET", 60.0)

    await seed_directory(desk.runtime.services.session_factory)
    admin = await _admin(desk, "Walker")
    # only these screens' buttons: the SLA settings, the panel and the announcements have
    # walks of their own, and the time budget would end a walk of everything before these
    screens = ("cfg:home", "cfg:cancel", "aud:", "rep:", "oinv:")
    rules = ("cfg:desk", "cfg:phone", "cfg:flag", "cfg:dhour", "cfg:out", "cfg:drcp", "cfg:blds")
    walker = await _walk(desk, admin, "admin", ["⚙️ Settings"], only=(*screens, *rules, "cfg:auto"))
    left = {(_kind(i.screen), _kind(i.data), _kind(i.label)) for i in walker.queue}
    pressed = {data for key in walker.visited - left for data in [key[1]]}
    for kind in ("cfg:desk:", "cfg:phone:", "cfg:flag:unv", "cfg:flag:pool", "cfg:flag:dd"):
        assert kind in pressed, (kind, sorted(pressed))
    for kind in ("cfg:flag:dw", "cfg:dhour:", "cfg:drcp:", "cfg:blds:#", "cfg:auto:#.#.#"):
        assert kind in pressed, (kind, sorted(pressed))
    for kind in ("cfg:outn:", "cfg:outm:"):
        assert kind in pressed, (kind, sorted(pressed))
    for kind in ("aud:show:#:#:#", "aud:person:#:#:#", "aud:request:#:#:#", "aud:csv:#:#:#"):
        assert kind in pressed, (kind, sorted(pressed))  # the audit log
    for kind in (
        "rep:export::#::#",
        "rep:file:#-#:#:xlsx:#",
        "rep:file:#-#:#:csv:#",
        "rep:period:tw:#::#",
        "oinv:list:#",
    ):
        assert kind in pressed, (kind, sorted(pressed))  # reports, open invites
