"""Staff onboarding through invite links, and the People screens, end to end."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from domain.enums import Role, Specialization, UserStatus
from domain.errors import DomainError
from domain.services.staff import accept_invite
from fsm.staff import (
    InviteBuildingCb,
    InviteRoleCb,
    PersonBuildingCb,
    PersonCb,
    PersonRoleCb,
    PersonSpecCb,
)
from sandbox.client import Message, UserClient
from storage.models import AuditLog, ExecutorSpecialization, ManagerBuilding, User, UserRole
from storage.models import Invite as InviteRow
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    TEMUR,
    building_id,
    link_apartment,
    make_staff,
    seed_directory,
)

LINK = re.compile(r"https://t\.me/(\w+)\?start=(inv-[A-Za-z0-9_-]+)")


# --------------------------------------------------------------------------- helpers


async def _roles(desk: Desk, user_id: int) -> set[Role]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
        return {Role(r) for r in rows}


async def _specs(desk: Desk, user_id: int) -> set[Specialization]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.scalars(
            select(ExecutorSpecialization.specialization).where(
                ExecutorSpecialization.user_id == user_id
            )
        )
        return {Specialization(s) for s in rows}


async def _buildings(desk: Desk, user_id: int) -> set[int]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.scalars(
            select(ManagerBuilding.building_id).where(ManagerBuilding.user_id == user_id)
        )
        return set(rows)


async def _status(desk: Desk, user_id: int) -> UserStatus:
    async with desk.runtime.services.session_factory() as session:
        status = await session.scalar(select(User.status).where(User.id == user_id))
    assert status is not None
    return status


async def _audit(desk: Desk) -> list[tuple[int | None, str, str, str]]:
    async with desk.runtime.services.session_factory() as session:
        rows = await session.execute(
            select(
                AuditLog.actor_id, AuditLog.action, AuditLog.entity, AuditLog.entity_id
            ).order_by(AuditLog.id)
        )
        return list(rows.all())


async def _invites(desk: Desk) -> list[InviteRow]:
    async with desk.runtime.services.session_factory() as session:
        return list(await session.scalars(select(InviteRow).order_by(InviteRow.id)))


async def _staff(
    desk: Desk,
    name: str,
    roles: list[Role],
    *,
    buildings: Iterable[int] = (),
    specializations: Iterable[Specialization] = (),
) -> UserClient:
    user = await new_user(desk, name, started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        user,
        roles,
        buildings=buildings,
        specializations=specializations,
    )
    return user


async def _insert_invite(
    desk: Desk,
    code: str,
    *,
    role: Role = Role.EXECUTOR,
    specializations: tuple[str, ...] = ("plumber",),
    expires_in: timedelta = timedelta(days=1),
    created_by: int | None = None,
) -> None:
    async with desk.runtime.services.session_factory() as session, session.begin():
        session.add(
            InviteRow(
                code=code,
                role=role,
                specializations=list(specializations),
                building_ids=[],
                created_by=created_by,
                expires_at=datetime.now(UTC) + expires_in,
            )
        )


async def _forge(desk: Desk, user: UserClient, *callbacks: CallbackData) -> list[str | None]:
    """Buttons the user was never shown (the bot posts them, as the emulator presses only
    real buttons); returns the alert each press got."""
    keyboard = [
        [InlineKeyboardButton(text=f"forged {i}", callback_data=cb.pack())]
        for i, cb in enumerate(callbacks)
    ]
    await desk.runtime.bot.send_message(
        user.id, "buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=keyboard)
    )
    await user.expect("buttons")
    answers = []
    for index in range(len(callbacks)):
        result = await user.press(f"forged {index}")
        assert result.show_alert, index
        answers.append(result.text)
    return answers


async def _create_executor_invite(user: UserClient, *specs: str) -> tuple[str, Message]:
    await user.send_command("invite")
    await user.expect("Whom are you inviting")
    await user.press("Executor")
    await user.expect("specializations")
    for spec in specs:
        await user.press(spec)
    await user.press("Continue")
    await user.expect("Choose the buildings")
    await user.press("Continue")
    await user.expect("How long")
    await user.press("7 days")
    created = await user.expect("Invite link for a new executor")
    match = LINK.search(created.content)
    assert match is not None, created.content
    return match.group(0), created


# --------------------------------------------------------------------------- invites


async def test_admin_invites_an_executor_who_joins_after_choosing_a_language(desk: Desk) -> None:
    await seed_directory(desk.runtime.services.session_factory)
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    link, created = await _create_executor_invite(admin, "Plumber", "Electrician")
    assert "Plumber, Electrician" in created.content and "all buildings" in created.content
    assert "single use" in created.content
    bot_username = (await desk.emu.bot_info())["user"]["username"]
    assert link.startswith(f"https://t.me/{bot_username}?start=inv-")

    newcomer = await new_user(desk, "Sardor <3")  # plain text: never read as markup
    await newcomer.open_deep_link(link)
    await newcomer.expect("Choose your language")
    await newcomer.press("Русский")
    welcome = await newcomer.expect("Добро пожаловать в команду")
    assert "исполнитель" in welcome.content and "Сантехник, Электрик" in welcome.content
    await newcomer.expect("Главное меню")  # a staff member lands in the menu, not onboarding

    assert await _roles(desk, newcomer.id) == {Role.EXECUTOR}
    assert await _specs(desk, newcomer.id) == {Specialization.PLUMBER, Specialization.ELECTRICIAN}
    [invite] = await _invites(desk)
    assert invite.used_by == newcomer.id and invite.used_at is not None
    assert timedelta(days=6, hours=23) < invite.expires_at - invite.created_at <= timedelta(days=7)
    notice = await admin.expect("accepted your invite", timeout=10)
    assert "Sardor <3" in notice.content and "executor" in notice.content

    actions = [row[1] for row in await _audit(desk)]
    assert actions == [
        "invite.created",
        "role.granted",
        "specialization.added",
        "specialization.added",
        "invite.accepted",
    ]


async def test_expired_and_unknown_codes_change_nothing(desk: Desk) -> None:
    person = await _staff(desk, "Olim", [])
    await _insert_invite(desk, "inv-expired-code", expires_in=timedelta(minutes=-1))

    await person.send_command("start", "inv-expired-code")
    await person.expect("has expired")
    await person.expect("share your phone")  # then where /start takes a newcomer
    await person.send_command("start", "inv-no-such-code")
    await person.expect("is not valid")

    assert await _roles(desk, person.id) == set()
    [invite] = await _invites(desk)
    assert invite.used_by is None
    assert await _audit(desk) == []


async def test_a_used_invite_is_refused_to_the_second_person(desk: Desk) -> None:
    inviter = await _staff(desk, "Aziz", [Role.ADMIN])
    await _insert_invite(desk, "inv-one-time", created_by=inviter.id)
    first = await _staff(desk, "First", [])
    second = await new_user(desk, "Second")

    await first.send_command("start", "inv-one-time")
    await first.expect("Welcome to the team")
    await inviter.expect("First accepted your invite", timeout=10)
    await second.send_command("start", "inv-one-time")
    await second.expect("Choose your language")
    await second.press("English")
    await second.expect("already been used")

    assert await _roles(desk, first.id) == {Role.EXECUTOR}
    assert await _roles(desk, second.id) == set()
    [invite] = await _invites(desk)
    assert invite.used_by == first.id


async def test_two_people_racing_for_one_code_get_one_winner(desk: Desk) -> None:
    services = desk.runtime.services
    await _insert_invite(desk, "inv-race")
    racers = [await _staff(desk, f"Racer {i}", []) for i in range(2)]

    async def attempt(user_id: int) -> str:
        try:
            async with services.uow() as uow:
                await accept_invite(uow, user_id, "inv-race", services.clock.now())
        except DomainError as error:
            return error.key
        return "won"

    results = await asyncio.gather(*(attempt(r.id) for r in racers))
    assert sorted(results) == ["error-invite-used", "won"]
    winners = [r.id for r in racers if await _roles(desk, r.id)]
    assert len(winners) == 1
    [invite] = await _invites(desk)
    assert invite.used_by == winners[0]


async def test_a_manager_invites_executors_only_for_own_buildings(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi, temur = await building_id(factory, NAVOI), await building_id(factory, TEMUR)
    manager = await _staff(desk, "Malika", [Role.MANAGER], buildings=[navoi])

    await manager.send_command("invite")
    picker = await manager.expect("Whom are you inviting")
    texts = [text for row in picker.inline_buttons for text, _ in row]
    assert texts == ["🛠 Executor", "✖️ Cancel"]  # no manager or admin invites

    refused = await _forge(
        desk, manager, InviteRoleCb(role=Role.MANAGER), InviteRoleCb(role=Role.ADMIN)
    )
    assert refused == ["You are not allowed to do this."] * 2

    await manager.send_command("invite")
    await manager.expect("Whom are you inviting")
    await manager.press("Executor")
    await manager.expect("specializations")
    nothing = await manager.press("Continue")  # nothing chosen yet
    assert nothing.text == "Choose at least one specialization."
    await manager.press("Cleaner")
    await manager.press("Continue")
    buildings = await manager.expect("Choose the buildings")
    assert [text for text, _ in buildings.inline_buttons[0]] == [f"✅ {NAVOI}"]
    assert not any(TEMUR in text for row in buildings.inline_buttons for text, _ in row)
    assert await _forge(desk, manager, InviteBuildingCb(building_id=temur, page=0)) == [
        "You are not allowed to do this."
    ]
    await manager.press("Continue", message=buildings)
    await manager.expect("How long")
    await manager.press("1 day")
    created = await manager.expect("Invite link for a new executor")
    assert NAVOI in created.content and "Cleaner" in created.content

    [invite] = await _invites(desk)
    assert invite.role is Role.EXECUTOR and invite.building_ids == [navoi]
    assert invite.specializations == ["cleaner"] and invite.created_by == manager.id


# --------------------------------------------------------------------------- people


async def test_people_search_pages_and_the_person_card(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi = await building_id(factory, NAVOI)
    admin = await _staff(desk, "Aziz", [Role.ADMIN, Role.MANAGER])
    plumber = await new_user(desk, "Bobur", username="bobur_fix", started=True)
    await make_staff(
        factory,
        plumber,
        [Role.EXECUTOR],
        buildings=[navoi],
        specializations=[Specialization.PLUMBER],
    )
    async with factory() as session, session.begin():
        user = await session.get(User, plumber.id)
        assert user is not None
        user.phone, user.full_name = "+998901112233", "Bobur Toshmatov"
        user.username = "bobur_fix"  # saved from Telegram when the person chose a language
    for index in range(9):
        await _staff(desk, f"Worker {index}", [Role.EXECUTOR])

    await admin.send_command("start")
    await admin.expect("Main menu")
    menu = await admin.reply_keyboard() or []
    assert sum(row.count("👥 People") for row in menu) == 1  # two roles, one entry
    await admin.press_reply("👥 People")
    listing = await admin.expect("People: 11")
    assert "page 1 of 2" in listing.content
    await admin.press("Next page")
    await admin.expect("page 2 of 2")

    await admin.send_command("people", "Worker")
    await admin.expect("People: 9")
    await admin.press("Search")
    await admin.expect("Type a name")
    await admin.send_text("1112233")
    by_phone = await admin.expect("People: 1")
    assert "Bobur Toshmatov · executor" in by_phone.inline_buttons[0][0][0]
    await admin.send_command("people", "@BOBUR_")
    found = await admin.expect("Search: @BOBUR_")
    await admin.press("Bobur Toshmatov", message=found)
    card = await admin.expect("👤 Bobur Toshmatov")
    for fact in ("@bobur_fix", "+998901112233", "Roles: executor", "Plumber", NAVOI, "active"):
        assert fact in card.content, fact
    buttons = [text for row in card.inline_buttons for text, _ in row]
    assert buttons == [
        "🎭 Roles",
        "🛠 Specializations",
        "🏢 Buildings",
        "⛔ Deactivate",
        "📋 Back to the list",
    ]
    await admin.press("Back to the list")
    await admin.expect("Search: @BOBUR_")


async def test_admin_changes_roles_specializations_and_buildings(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    temur = await building_id(factory, TEMUR)
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    worker = await _staff(desk, "Jasur", [Role.EXECUTOR], specializations=[Specialization.PLUMBER])

    await admin.send_command("people", "Jasur")
    await admin.expect("People: 1")
    await admin.press("Jasur")
    await admin.expect("👤 Jasur")
    await admin.press("Roles")
    await admin.expect("Roles of Jasur")
    granted = await admin.press("manager")
    assert granted.text == "Role given: manager"
    await admin.expect(lambda m: "✅ manager" in str(m.inline_buttons))
    await worker.expect("You were given a new role: manager", timeout=10)
    assert "people" in {c["command"] for c in await worker.visible_commands()}

    await admin.press("Back to the card")
    await admin.press("Specializations")
    await admin.expect("Specializations of Jasur")
    await admin.press("Plumber")  # off
    await admin.press("Heating technician")  # on
    await admin.press("Back to the card")
    await admin.press("Buildings")
    await admin.expect("Buildings of Jasur")
    await admin.press("Next page")
    await admin.press(TEMUR)
    card_back = await admin.press("Back to the card")
    assert card_back.answered
    card = await admin.expect("Buildings: " + TEMUR)
    assert "Roles: executor, manager" in card.content

    assert await _roles(desk, worker.id) == {Role.EXECUTOR, Role.MANAGER}
    assert await _specs(desk, worker.id) == {Specialization.HEATING}
    assert await _buildings(desk, worker.id) == {temur}
    audit = [(actor, action) for actor, action, _, entity_id in await _audit(desk)]
    assert audit == [
        (admin.id, "role.granted"),
        (admin.id, "specialization.removed"),
        (admin.id, "specialization.added"),
        (admin.id, "building.added"),
    ]

    # an admin cannot take away their own admin role or deactivate themselves

    refused = await _forge(
        desk,
        admin,
        PersonRoleCb(user_id=admin.id, role=Role.ADMIN),
        PersonCb(action="off_ok", user_id=admin.id),
    )
    assert refused == [
        "You cannot take away your own administrator role.",
        "You cannot deactivate yourself.",
    ]
    assert await _roles(desk, admin.id) == {Role.ADMIN}


async def test_deactivation_stops_the_user_and_reactivation_restores(desk: Desk) -> None:
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    manager = await _staff(desk, "Malika", [Role.MANAGER])
    await manager.send_command("start")
    await manager.expect("Main menu")
    assert any("👥 People" in row for row in await manager.reply_keyboard() or [])

    await admin.send_command("people", "Malika")
    await admin.expect("People: 1")
    await admin.press("Malika")
    await admin.expect("👤 Malika")
    await admin.press("Deactivate")
    await admin.expect("Deactivate Malika?")
    done = await admin.press("Yes, deactivate")
    assert done.text == "Malika is deactivated"
    card = await admin.expect("Status: ⛔ deactivated")
    assert card.has_button("✅ Reactivate")
    assert await _status(desk, manager.id) is UserStatus.DEACTIVATED

    await manager.press_reply("👥 People")
    await manager.expect("Your account is deactivated")
    await manager.send_text("hello")
    await manager.expect("Your account is deactivated")
    assert "people" not in {c["command"] for c in await manager.visible_commands()}

    await admin.press("Reactivate")
    await admin.expect("Status: active")
    await manager.expect("active again", timeout=10)
    await manager.send_command("people")
    await manager.expect("👥")
    assert "people" in {c["command"] for c in await manager.visible_commands()}
    assert await _status(desk, manager.id) is UserStatus.ACTIVE
    actions = [(action, entity_id) for _, action, _, entity_id in await _audit(desk)]
    assert actions == [
        ("user.deactivated", str(manager.id)),
        ("user.reactivated", str(manager.id)),
    ]


async def test_a_manager_manages_only_executors_and_residents_of_own_buildings(
    desk: Desk,
) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi, temur = await building_id(factory, NAVOI), await building_id(factory, TEMUR)
    manager = await _staff(desk, "Malika", [Role.MANAGER], buildings=[navoi])
    executor = await _staff(
        desk,
        "Bobur",
        [Role.EXECUTOR],
        buildings=[navoi],
        specializations=[Specialization.PLUMBER],
    )
    admin = await _staff(desk, "Aziz", [Role.ADMIN])
    await link_apartment(factory, admin.id, "7")  # an admin living in the manager's building
    outsider = await _staff(desk, "Temur worker", [Role.EXECUTOR], buildings=[temur])

    await manager.send_command("people")
    listing = await manager.expect("People: 3")
    names = {text.split(" · ")[0] for row in listing.inline_buttons[:3] for text, _ in row}
    assert names == {"Malika", "Bobur", "Aziz"}

    await manager.press("Bobur")
    card = await manager.expect("👤 Bobur")
    buttons = [text for row in card.inline_buttons for text, _ in row]
    assert buttons == ["🛠 Specializations", "⛔ Deactivate", "📋 Back to the list"]
    await manager.press("Specializations")
    await manager.press("Electrician")
    await manager.expect(lambda m: "✅ Electrician" in str(m.inline_buttons))
    assert await _specs(desk, executor.id) == {
        Specialization.PLUMBER,
        Specialization.ELECTRICIAN,
    }

    refused = await _forge(
        desk,
        manager,
        PersonCb(action="off_ok", user_id=admin.id),
        PersonCb(action="off_ok", user_id=manager.id),
        PersonCb(action="open", user_id=outsider.id),
        PersonSpecCb(user_id=outsider.id, specialization=Specialization.CLEANER),
        PersonRoleCb(user_id=executor.id, role=Role.MANAGER),
        PersonBuildingCb(user_id=executor.id, building_id=temur, page=0),
    )
    assert refused == [
        "You are not allowed to do this.",
        "You cannot deactivate yourself.",
        "This item is not available to you.",
        "This item is not available to you.",
        "You are not allowed to do this.",
        "You are not allowed to do this.",
    ]
    assert await _status(desk, admin.id) is UserStatus.ACTIVE
    assert await _roles(desk, executor.id) == {Role.EXECUTOR}
    assert await _buildings(desk, executor.id) == {navoi}
    assert await _specs(desk, outsider.id) == set()

    await manager.press("Back to the card")
    await manager.press("Deactivate")
    await manager.press("Yes, deactivate")
    await manager.expect("Status: ⛔ deactivated")
    assert await _status(desk, executor.id) is UserStatus.DEACTIVATED
    assert [row[1] for row in await _audit(desk)] == [
        "specialization.added",
        "user.deactivated",
    ]


async def test_admin_invites_a_manager_of_a_building(desk: Desk) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    navoi = await building_id(factory, NAVOI)
    admin = await _staff(desk, "Aziz", [Role.ADMIN])

    await admin.send_command("invite")
    await admin.expect("Whom are you inviting")
    await admin.press("Manager")
    await admin.expect("at least one")
    refused = await admin.press("Continue")
    assert refused.text == "Choose at least one building."
    await admin.press("Next page")
    await admin.press(NAVOI)
    await admin.press("Continue")
    await admin.expect("How long")
    await admin.press("3 days")
    created = await admin.expect("Invite link for a new manager")
    assert f"Buildings: {NAVOI}" in created.content and "Specializations" not in created.content
    match = LINK.search(created.content)
    assert match is not None

    newcomer = await _staff(desk, "Nodira", [])
    await newcomer.send_command("start", match.group(2))
    await newcomer.expect("You are now: manager")
    await newcomer.expect("Main menu")
    assert await _roles(desk, newcomer.id) == {Role.MANAGER}
    assert await _buildings(desk, newcomer.id) == {navoi}
    assert "invite" in {c["command"] for c in await newcomer.visible_commands()}
