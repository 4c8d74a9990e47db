"""The admin's audit log: a settings change is listed (who, what, when, on what),
filters by person and by request, the CSV export, and nobody else may open it."""

from __future__ import annotations

import csv
import io

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from domain.enums import Role
from fsm.audit import AuditCb
from sandbox.client import UserClient
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import file_request, make_staff, seed_directory, verified_resident


async def _admin(desk: Desk, name: str) -> UserClient:
    user = await new_user(desk, name, started=True)
    await make_staff(desk.runtime.services.session_factory, user, [Role.ADMIN])
    return user


async def test_audit_log_lists_a_settings_change_filters_and_exports(desk: Desk) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    admin = await _admin(desk, "Aziz")
    other = await _admin(desk, "Nodira")
    resident = await verified_resident(desk)
    number = await file_request(desk, resident)

    # a settings change by the admin
    await admin.send_text("⚙️ Settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🏢 Desk rules and digests")
    await admin.press("🙋 Claim from the pool: yes")
    await admin.expect(lambda m: m.has_button("🙋 Claim from the pool: no"))
    # and one by another admin
    await other.send_command("settings")
    await other.expect("⚙️ Settings\n")
    await other.press("🏢 Desk rules and digests")
    await other.press("📊 Daily digest: yes")
    await other.expect(lambda m: m.has_button("📊 Daily digest: no"))

    await admin.press("◀️ Back to settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🧾 Audit log")
    page = await admin.expect("🧾 Audit log: 3 entries")
    lines = page.content.splitlines()
    assert any(
        "Aziz · Setting changed · setting pool_claim_enabled: value=False" in line for line in lines
    ), page.content
    assert any("Nodira · Setting changed · setting digest_daily" in line for line in lines)
    assert any("Request filed · request" in line and number in line for line in lines)

    # by person
    await admin.press("👤 By person")
    await admin.expect("Send a name")
    await admin.send_text("Nobody-like-this")
    await admin.expect("Nobody who acted matches")
    await admin.send_text("nodira")
    page = await admin.expect("🧾 Audit log: 1 entries")
    assert "Filter: by Nodira" in page.content and "digest_daily" in page.content

    # by request
    await admin.press("🔢 By request")
    await admin.expect("Send the request number")
    await admin.send_text("999999-999")
    await admin.expect("There is no request №999999-999")
    await admin.send_text(number)
    page = await admin.expect("🧾 Audit log: 1 entries")
    assert f"Filter: request №{number}" in page.content and "Request filed" in page.content

    # the CSV of the filtered view, then of everything
    await admin.press("📄 Export to CSV")
    document = await admin.expect(lambda m: m.document is not None)
    assert document.file_id is not None
    data = await desk.emu.download(document.file_id)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Actor id", "Who", "Action", "On what", "Id", "Details"]
    assert len(rows) == 2 and rows[1][3] == "Request filed"
    await admin.press("✖️ Clear the filter")
    await admin.expect("🧾 Audit log: 3 entries")
    await admin.press("📄 Export to CSV")
    document = await admin.expect(lambda m: m.document is not None)
    assert document.file_id is not None
    rows = list(
        csv.reader(io.StringIO((await desk.emu.download(document.file_id)).decode("utf-8-sig")))
    )
    assert len(rows) == 4
    assert {row[2] for row in rows[1:]} >= {"Aziz", "Nodira"}


async def test_only_admins_open_the_audit_log(desk: Desk) -> None:
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(desk.runtime.services.session_factory, manager, [Role.MANAGER])
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="forged", callback_data=AuditCb(action="show").pack())]
        ]
    )
    await desk.runtime.bot.send_message(manager.id, "buttons", reply_markup=keyboard)
    await manager.expect("buttons")
    answer = await manager.press("forged")
    assert answer.text == "This button is outdated. Please open the menu again."
    await manager.send_command("audit")
    reply = await manager.expect()
    assert "Audit log" not in reply.content


async def test_api_clients_and_outages_are_in_the_audit_log(desk: Desk) -> None:
    """Changes made outside Settings are listed too: an API client created and revoked
    by an admin, an outage declared and resolved by a manager."""
    from domain.enums import Category
    from domain.services import api_clients, incidents
    from tests.e2e.tracking_helpers import make_cast

    services = desk.runtime.services
    cast = await make_cast(desk)
    admin = await _admin(desk, "Aziz")
    now = services.clock.now()
    boss = await services.actor(admin.id)
    manager = await services.actor(cast.manager.id)
    assert boss is not None and manager is not None
    async with services.uow() as uow:
        created = await api_clients.create_client(uow, boss, "Call centre", ["export"], now)
    async with services.uow() as uow:
        await api_clients.revoke_client(uow, boss, created.client.id, now)
    async with services.uow() as uow:
        incident = await incidents.declare(
            uow,
            manager,
            building_id=cast.home.building_id,
            category=Category.PLUMBING,
            text="No water",
            hours=2,
            now=now,
            tz=services.tz,
        )
    async with services.uow() as uow:
        await incidents.resolve(
            uow, manager, incident.id, incidents.Resolution.CLOSE, "Fixed", now, services.tz
        )

    await admin.send_command("audit")
    page = await admin.expect("🧾 Audit log: 4 entries")
    assert f"Aziz · API client created · api_client {created.client.id}" in page.content
    assert f"Aziz · API client revoked · api_client {created.client.id}" in page.content
    assert f"Malika · Outage declared · incident {incident.id}" in page.content
    (resolved,) = [line for line in page.content.splitlines() if "Outage resolved" in line]
    assert f"Malika · Outage resolved · incident {incident.id}:" in resolved
    assert "resolution=close" in resolved


async def test_the_audit_log_is_shown_ten_entries_a_page(desk: Desk) -> None:
    from storage.repositories.audit import SqlAuditLog

    admin = await _admin(desk, "Aziz")
    async with desk.runtime.services.session_factory() as session, session.begin():
        for hour in range(12):
            await SqlAuditLog(session).record(
                admin.id, "setting.changed", "setting", "digest_hour", {"value": hour}
            )
    await admin.send_command("audit")
    first = await admin.expect(r"🧾 Audit log: 12 entries \(page 1 of 2\)")
    assert first.content.count("Setting changed") == 10
    assert "value=11" in first.content and "value=1\n" not in first.content  # newest first
    await admin.press("Next ▶️")
    second = await admin.expect(r"\(page 2 of 2\)")
    assert second.content.count("Setting changed") == 2
    assert second.content.rstrip().endswith("value=0")
    await admin.press("◀️ Back")
    await admin.expect(r"\(page 1 of 2\)")
