"""Open invites listed and revoked (a revoked link no longer works, and the revocation
is audited); deactivating an executor offers to hand their open jobs back to the desk."""

from __future__ import annotations

from sqlalchemy import select

from domain.enums import Action, RequestStatus, Role
from sandbox.client import UserClient
from storage.models import AuditLog, Request
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff, seed_directory
from tests.e2e.test_staff import _create_executor_invite
from tests.e2e.tracking_helpers import drive, insert_request, make_cast, make_resident


async def _staff(desk: Desk, name: str, roles: list[Role]) -> UserClient:
    user = await new_user(desk, name, started=True)
    await make_staff(desk.runtime.services.session_factory, user, roles)
    return user


async def test_open_invites_are_listed_and_a_revoked_link_no_longer_works(desk: Desk) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    link, _ = await _create_executor_invite(admin, "Plumber")
    other_link, _ = await _create_executor_invite(admin, "Electrician")

    await admin.send_command("people")
    await admin.expect("People")
    await admin.press("📨 Open invites")
    listing = await admin.expect("📨 Open invites: 2")
    assert "executor · Plumber · until" in listing.content and "by Aziz" in listing.content
    revoke = next(b["text"] for b in listing.buttons if b["text"].startswith("🚫 Revoke #"))
    invite_id = revoke.removeprefix("🚫 Revoke #")
    answer = await admin.press(revoke)
    assert answer.text == f"Invite #{invite_id} is revoked: its link no longer works."
    listing = await admin.expect("📨 Open invites: 1")
    assert "Plumber" not in listing.content and "Electrician" in listing.content

    newcomer = await new_user(desk, "Sardor")
    await newcomer.open_deep_link(link)
    await newcomer.expect("Choose your language")
    await newcomer.press("English")
    await newcomer.expect("This invite link was revoked")
    async with desk.runtime.services.session_factory() as session:
        entry = await session.scalar(select(AuditLog).where(AuditLog.action == "invite.revoked"))
    assert entry is not None and entry.actor_id == admin.id and entry.entity_id == invite_id

    # the other link still works
    other = await new_user(desk, "Jasur")
    await other.open_deep_link(other_link)
    await other.expect("Choose your language")
    await other.press("English")
    await other.expect("Welcome to the team")


async def test_a_manager_sees_and_revokes_only_their_own_invites(desk: Desk) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    await _create_executor_invite(admin, "Plumber")
    manager = await _staff(desk, "Malika", [Role.MANAGER])
    await manager.send_command("people")
    await manager.expect("👥")
    await manager.press("📨 Open invites")
    listing = await manager.expect("📨 Open invites: 0")
    assert "No open invites" in listing.content


async def test_deactivating_an_executor_offers_to_return_their_jobs_to_the_desk(
    desk: Desk,
) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    jobs = []
    for description in ("Tap drips", "Pipe knocks"):
        request_id, _ = await insert_request(desk, resident, cast.home, description=description)
        await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
        jobs.append(request_id)
    await drive(desk, jobs[1], cast.executor, Action.ACCEPT)

    manager = await _staff(desk, "Aziz", [Role.ADMIN])
    await manager.send_command("people", "Bobur")
    await manager.expect("People: 1")
    await manager.press("Bobur")
    await manager.expect("👤 Bobur")
    await manager.press("Deactivate")
    await manager.press("Yes, deactivate")
    offer = await manager.expect("still has open jobs: 2")
    assert offer.has_button("↩️ Return jobs to the desk (2)")
    assert offer.has_button("Leave them assigned")
    answer = await manager.press("↩️ Return jobs to the desk (2)")
    assert answer.text == "Returned to the desk: 2"
    await manager.expect("Returned to the desk: 2")
    async with desk.runtime.services.session_factory() as session:
        rows = (await session.scalars(select(Request).where(Request.id.in_(jobs)))).all()
    assert {(row.status, row.assignee_id) for row in rows} == {(RequestStatus.NEW, None)}
