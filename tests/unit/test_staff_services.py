"""Staff use cases (invites, People screens) against in-memory fakes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.access import Actor
from domain.enums import Role, Specialization, UserStatus
from domain.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from domain.services.residents import BuildingInfo
from domain.services.staff import (
    INVITE_CODE,
    INVITE_PREFIX,
    Invite,
    InviteDraft,
    PersonCard,
    PersonSummary,
    accept_invite,
    can_view_person,
    check_invite_building,
    check_invite_buildings,
    check_invite_role,
    check_invite_specializations,
    clean_query,
    create_invite,
    invite_building_choices,
    invite_roles_for,
    invite_steps,
    is_invite_code,
    new_invite_code,
    open_person,
    open_person_screen,
    person_building_choices,
    person_view,
    search_people,
    set_person_active,
    sorted_specializations,
    start_invite,
    toggle_building,
    toggle_role,
    toggle_specialization,
)
from tests.unit.factories import FakeOutbox

NOW = datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
ADMIN, MANAGER, OTHER_MANAGER, EXECUTOR, OUTSIDER, RESIDENT, NEWCOMER = (
    1,
    2,
    3,
    4,
    5,
    6,
    7,
)
NAVOI, TEMUR, CHILONZOR = 10, 20, 30

# --------------------------------------------------------------------------- fakes


@dataclass
class Person:
    id: int
    name: str
    roles: set[Role] = field(default_factory=set)
    specs: set[Specialization] = field(default_factory=set)
    buildings: set[int] = field(default_factory=set)
    homes: set[int] = field(default_factory=set)
    status: UserStatus = UserStatus.ACTIVE
    phone: str | None = None
    username: str | None = None


class FakeStaff:
    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory
        self.people: dict[int, Person] = {}
        self.invites: dict[str, Invite] = {}
        self.locked: list[str] = []
        self.searches: list[tuple[str, frozenset[int] | None, int, int]] = []

    def add(self, person: Person) -> None:
        self.people[person.id] = person

    async def add_invite(
        self, code: str, draft: InviteDraft, created_by: int, expires_at: datetime
    ) -> Invite:
        invite = Invite(
            id=len(self.invites) + 1,
            code=code,
            role=draft.role,
            specializations=draft.specializations,
            building_ids=draft.building_ids,
            created_by=created_by,
            expires_at=expires_at,
        )
        self.invites[code] = invite
        return invite

    async def invite_for_update(self, code: str) -> Invite | None:
        self.locked.append(code)
        return self.invites.get(code)

    async def mark_invite_used(self, invite_id: int, user_id: int, at: datetime) -> None:
        for code, invite in self.invites.items():
            if invite.id == invite_id:
                self.invites[code] = replace(invite, used_by=user_id, used_at=at)

    async def search_people(
        self, text: str, *, within: frozenset[int] | None, offset: int, limit: int
    ) -> tuple[list[PersonSummary], int]:
        self.searches.append((text, within, offset, limit))
        found = [
            p
            for p in sorted(self.people.values(), key=lambda p: p.id)
            if text.lower() in p.name.lower()
            and (within is None or (p.buildings | p.homes) & within)
        ]
        items = [
            PersonSummary(p.id, p.name, p.username, p.phone, frozenset(p.roles), p.status)
            for p in found[offset : offset + limit]
        ]
        return items, len(found)

    async def get_person(self, user_id: int, *, lock: bool = False) -> PersonCard | None:
        p = self.people.get(user_id)
        if p is None:
            return None
        return PersonCard(
            id=p.id,
            first_name=p.name,
            status=p.status,
            roles=frozenset(p.roles),
            specializations=frozenset(p.specs),
            buildings=tuple(await self.buildings(p.buildings)),
            home_building_ids=frozenset(p.homes),
            phone=p.phone,
            username=p.username,
        )

    async def add_role(self, user_id: int, role: Role) -> bool:
        roles = self.people[user_id].roles
        fresh = role not in roles
        roles.add(role)
        return fresh

    async def remove_role(self, user_id: int, role: Role) -> bool:
        roles = self.people[user_id].roles
        had = role in roles
        roles.discard(role)
        return had

    async def add_specialization(self, user_id: int, specialization: Specialization) -> bool:
        specs = self.people[user_id].specs
        fresh = specialization not in specs
        specs.add(specialization)
        return fresh

    async def remove_specialization(self, user_id: int, specialization: Specialization) -> bool:
        specs = self.people[user_id].specs
        had = specialization in specs
        specs.discard(specialization)
        return had

    async def add_building(self, user_id: int, building_id: int) -> bool:
        buildings = self.people[user_id].buildings
        fresh = building_id not in buildings
        buildings.add(building_id)
        return fresh

    async def remove_building(self, user_id: int, building_id: int) -> bool:
        buildings = self.people[user_id].buildings
        had = building_id in buildings
        buildings.discard(building_id)
        return had

    async def set_status(self, user_id: int, status: UserStatus) -> None:
        self.people[user_id].status = status

    async def buildings(self, building_ids: Collection[int]) -> list[BuildingInfo]:
        return [b for b in self.directory.all if b.id in building_ids]


class FakeDirectory:
    def __init__(self) -> None:
        self.all = [
            BuildingInfo(CHILONZOR, "Chilonzor 7"),
            BuildingInfo(NAVOI, "Navoi 5"),
            BuildingInfo(TEMUR, "Temur 1"),
        ] + [BuildingInfo(100 + i, f"Yunusobod {i:02}") for i in range(10)]

    async def count_buildings(self) -> int:
        return len(self.all)

    async def list_buildings(self, offset: int, limit: int) -> list[BuildingInfo]:
        return self.all[offset : offset + limit]

    async def get_building(self, building_id: int) -> BuildingInfo | None:
        return next((b for b in self.all if b.id == building_id), None)


class FakeAudit:
    def __init__(self) -> None:
        self.records: list[tuple[int | None, str, str, str, dict[str, object]]] = []

    async def record(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: str,
        data: dict[str, object],
    ) -> None:
        self.records.append((actor_id, action, entity, entity_id, data))

    @property
    def actions(self) -> list[str]:
        return [r[1] for r in self.records]


class FakeUow:
    def __init__(self) -> None:
        self.directory = FakeDirectory()
        self.staff = FakeStaff(self.directory)
        self.outbox = FakeOutbox()
        self.audit = FakeAudit()
        self.commits = 0
        for person in (
            Person(ADMIN, "Aziz", {Role.ADMIN}),
            Person(MANAGER, "Malika", {Role.MANAGER}, buildings={NAVOI}),
            Person(OTHER_MANAGER, "Timur", {Role.MANAGER}, buildings={NAVOI, TEMUR}),
            Person(EXECUTOR, "Bobur", {Role.EXECUTOR}, {Specialization.PLUMBER}, buildings={NAVOI}),
            Person(OUTSIDER, "Olim", {Role.EXECUTOR}, buildings={TEMUR}),
            Person(RESIDENT, "Dilnoza", homes={NAVOI}, phone="+998901234567"),
            Person(NEWCOMER, "Sardor <3"),
        ):
            self.staff.add(person)

    async def commit(self) -> None:
        self.commits += 1


def admin() -> Actor:
    return Actor(user_id=ADMIN, roles=frozenset({Role.ADMIN}))


def manager() -> Actor:
    return Actor(
        user_id=MANAGER, roles=frozenset({Role.MANAGER}), managed_building_ids=frozenset({NAVOI})
    )


def executor() -> Actor:
    return Actor(user_id=EXECUTOR, roles=frozenset({Role.EXECUTOR}))


async def card(uow: FakeUow, user_id: int) -> PersonCard:
    found = await uow.staff.get_person(user_id)
    assert found is not None
    return found


async def _invite(
    uow: FakeUow,
    code: str = "inv-code",
    *,
    role: Role = Role.EXECUTOR,
    specs: frozenset[Specialization] = frozenset({Specialization.PLUMBER}),
    buildings: frozenset[int] = frozenset({NAVOI}),
    created_by: int | None = ADMIN,
    expires_at: datetime = NOW + timedelta(days=1),
) -> Invite:
    invite = Invite(
        id=len(uow.staff.invites) + 1,
        code=code,
        role=role,
        specializations=specs,
        building_ids=buildings,
        created_by=created_by,
        expires_at=expires_at,
    )
    uow.staff.invites[code] = invite
    return invite


# --------------------------------------------------------------------------- codes


def test_invite_codes_are_unguessable_deep_link_payloads() -> None:
    codes = {new_invite_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert code.startswith(INVITE_PREFIX) and len(code) <= 64 and INVITE_CODE.match(code)
        assert is_invite_code(code)
    assert not is_invite_code(None) and not is_invite_code("req-1")


def test_invite_expiry_and_use_flags() -> None:
    invite = Invite(1, "inv-x", Role.ADMIN, frozenset(), frozenset(), None, NOW)
    assert invite.is_expired(NOW) and not invite.is_expired(NOW - timedelta(seconds=1))
    assert not invite.is_used and replace(invite, used_by=3).is_used


def test_display_names() -> None:
    person = PersonCard(id=9, first_name="Bobur", status=UserStatus.ACTIVE, last_name="T")
    assert person.display_name == "Bobur T"
    assert replace(person, full_name="Bobur Toshmatov").display_name == "Bobur Toshmatov"
    assert replace(person, first_name="", last_name=None).display_name == "9"


def test_query_is_trimmed_and_specializations_listed_in_enum_order() -> None:
    assert clean_query("  Bobur   Tosh ") == "Bobur Tosh"
    assert clean_query(None) == ""
    assert len(clean_query("x" * 500)) == 64
    assert sorted_specializations({Specialization.SECURITY, Specialization.PLUMBER}) == [
        Specialization.PLUMBER,
        Specialization.SECURITY,
    ]


# --------------------------------------------------------------------------- creating invites


def test_who_may_invite_whom() -> None:
    assert invite_roles_for(admin()) == (Role.EXECUTOR, Role.MANAGER, Role.ADMIN)
    assert invite_roles_for(manager()) == (Role.EXECUTOR,)
    assert invite_roles_for(executor()) == ()
    assert invite_roles_for(replace(admin(), is_active=False)) == ()
    check_invite_role(admin(), Role.ADMIN)
    for role in (Role.MANAGER, Role.ADMIN, Role.RESIDENT):
        with pytest.raises(NotAllowed):
            check_invite_role(manager(), role)
    with pytest.raises(NotAllowed):
        check_invite_role(admin(), Role.RESIDENT)


def test_steps_and_drafts() -> None:
    assert invite_steps(Role.EXECUTOR) == ("specializations", "buildings")
    assert invite_steps(Role.MANAGER) == ("buildings",)
    assert invite_steps(Role.ADMIN) == ()
    assert start_invite(manager(), Role.EXECUTOR).building_ids == {NAVOI}
    assert start_invite(admin(), Role.EXECUTOR) == InviteDraft(Role.EXECUTOR)
    with pytest.raises(NotAllowed):
        start_invite(manager(), Role.MANAGER)


def test_draft_checks() -> None:
    with pytest.raises(ValidationFailed, match="error-invite-no-specializations"):
        check_invite_specializations(InviteDraft(Role.EXECUTOR))
    check_invite_specializations(InviteDraft(Role.ADMIN))
    with pytest.raises(ValidationFailed, match="error-invite-no-buildings"):
        check_invite_buildings(admin(), InviteDraft(Role.MANAGER))
    check_invite_buildings(admin(), InviteDraft(Role.EXECUTOR))  # none: all buildings
    with pytest.raises(ValidationFailed, match="error-invite-no-buildings"):
        check_invite_buildings(manager(), InviteDraft(Role.EXECUTOR))
    with pytest.raises(NotAllowed):
        check_invite_buildings(
            manager(), InviteDraft(Role.EXECUTOR, building_ids=frozenset({TEMUR}))
        )


async def test_admin_creates_an_executor_invite() -> None:
    uow = FakeUow()
    draft = InviteDraft(
        Role.EXECUTOR,
        frozenset({Specialization.PLUMBER, Specialization.ELECTRICIAN}),
        frozenset({TEMUR}),
    )
    created = await create_invite(uow, admin(), draft, 168, NOW)
    invite = created.invite
    assert invite.code.startswith(INVITE_PREFIX) and invite.created_by == ADMIN
    assert invite.expires_at == NOW + timedelta(days=7)
    assert invite.specializations == draft.specializations
    assert [b.address for b in created.buildings] == ["Temur 1"]
    assert uow.commits == 1
    [(actor, action, entity, entity_id, data)] = uow.audit.records
    assert (actor, action, entity, entity_id) == (ADMIN, "invite.created", "invite", "1")
    assert data["role"] == "executor" and data["specializations"] == ["electrician", "plumber"]
    assert data["building_ids"] == [TEMUR]


async def test_manager_and_admin_invites_drop_what_does_not_apply() -> None:
    uow = FakeUow()
    draft = InviteDraft(Role.ADMIN, frozenset({Specialization.PLUMBER}), frozenset({NAVOI}))
    created = await create_invite(uow, admin(), draft, 24, NOW, code="inv-admin")
    assert created.invite.specializations == frozenset() and created.invite.building_ids == set()
    draft = InviteDraft(Role.MANAGER, frozenset({Specialization.PLUMBER}), frozenset({NAVOI}))
    created = await create_invite(uow, admin(), draft, 72, NOW)
    assert created.invite.specializations == frozenset()
    assert created.invite.building_ids == {NAVOI}


@pytest.mark.parametrize(
    ("actor", "draft", "ttl", "code", "error"),
    [
        (
            manager(),
            InviteDraft(Role.MANAGER, building_ids=frozenset({NAVOI})),
            24,
            None,
            NotAllowed,
        ),
        (executor(), InviteDraft(Role.EXECUTOR), 24, None, NotAllowed),
        (admin(), InviteDraft(Role.ADMIN), 5, None, ValidationFailed),
        (admin(), InviteDraft(Role.EXECUTOR), 24, None, ValidationFailed),
        (
            manager(),
            InviteDraft(Role.EXECUTOR, frozenset({Specialization.CLEANER}), frozenset({TEMUR})),
            24,
            None,
            NotAllowed,
        ),
        (admin(), InviteDraft(Role.MANAGER, building_ids=frozenset({999})), 24, None, NotFound),
        (admin(), InviteDraft(Role.ADMIN), 24, "inv-bad code!", ValidationFailed),
    ],
)
async def test_invites_that_are_refused(
    actor: Actor, draft: InviteDraft, ttl: int, code: str | None, error: type[DomainError]
) -> None:
    uow = FakeUow()
    with pytest.raises(error):
        await create_invite(uow, actor, draft, ttl, NOW, code=code)
    assert uow.staff.invites == {} and uow.commits == 0 and uow.audit.records == []


async def test_building_choices_for_the_invite() -> None:
    uow = FakeUow()
    first = await invite_building_choices(uow, admin(), frozenset(), 0)
    assert (first.page, first.pages, first.total, len(first.items)) == (0, 2, 13, 8)
    last = await invite_building_choices(uow, admin(), frozenset({NAVOI}), 7)
    assert last.page == 1 and len(last.items) == 5 and last.selected == {NAVOI}
    own = await invite_building_choices(
        uow, replace(manager(), managed_building_ids=frozenset({NAVOI, TEMUR})), frozenset(), -3
    )
    assert [b.id for b in own.items] == [NAVOI, TEMUR] and own.pages == 1
    with pytest.raises(NotAllowed):
        await invite_building_choices(uow, executor(), frozenset(), 0)

    await check_invite_building(uow, manager(), NAVOI)
    await check_invite_building(uow, admin(), TEMUR)
    with pytest.raises(NotAllowed):
        await check_invite_building(uow, manager(), TEMUR)
    with pytest.raises(NotFound):
        await check_invite_building(uow, admin(), 999)


# --------------------------------------------------------------------------- accepting


async def test_accepting_grants_everything_and_tells_the_inviter() -> None:
    uow = FakeUow()
    specs = frozenset({Specialization.PLUMBER, Specialization.ELECTRICIAN})
    await _invite(uow, specs=specs, buildings=frozenset({NAVOI, TEMUR}))
    accepted = await accept_invite(uow, NEWCOMER, "inv-code", NOW)

    assert accepted.granted and accepted.invite.used_by == NEWCOMER
    assert accepted.person.roles == {Role.EXECUTOR}
    assert accepted.person.specializations == specs
    assert accepted.person.building_ids == {NAVOI, TEMUR}
    assert uow.staff.invites["inv-code"].used_by == NEWCOMER
    assert uow.staff.invites["inv-code"].used_at == NOW
    assert uow.staff.locked == ["inv-code"] and uow.commits == 1
    assert uow.audit.actions == [
        "role.granted",
        "specialization.added",
        "specialization.added",
        "building.added",
        "building.added",
        "invite.accepted",
    ]
    assert all(r[0] == NEWCOMER for r in uow.audit.records)
    [note] = uow.outbox.notes
    assert note.chat_id == ADMIN and note.template == "staff-invite-accepted-notice"
    assert note.params == {"name": "Sardor <3", "role": {"key": "role-executor"}}


async def test_accepting_a_role_one_already_holds_still_uses_the_invite() -> None:
    uow = FakeUow()
    await _invite(uow, created_by=None, buildings=frozenset({NAVOI}))
    accepted = await accept_invite(uow, EXECUTOR, "inv-code", NOW)
    assert not accepted.granted
    assert uow.audit.actions == ["invite.accepted"]  # nothing new besides the use
    assert uow.outbox.notes == []  # nobody to tell
    assert uow.staff.invites["inv-code"].is_used


async def test_an_admin_using_their_own_invite_is_not_told_about_it() -> None:
    uow = FakeUow()
    await _invite(uow, role=Role.ADMIN, specs=frozenset(), buildings=frozenset())
    await accept_invite(uow, ADMIN, "inv-code", NOW)
    assert uow.outbox.notes == []


@pytest.mark.parametrize(
    ("code", "setup", "key"),
    [
        ("inv-nope", None, "error-invite-unknown"),
        ("not-an-invite", None, "error-invite-unknown"),
        ("inv-" + "x" * 80, None, "error-invite-unknown"),
        ("inv-code", {"used_by": EXECUTOR}, "error-invite-used"),
        ("inv-code", {"expires_at": NOW}, "error-invite-expired"),
        ("inv-code", {"used_by": EXECUTOR, "expires_at": NOW}, "error-invite-used"),
    ],
)
async def test_unknown_used_and_expired_codes_change_nothing(
    code: str, setup: dict[str, object] | None, key: str
) -> None:
    uow = FakeUow()
    invite = await _invite(uow)
    if setup:
        uow.staff.invites["inv-code"] = replace(invite, **setup)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as caught:
        await accept_invite(uow, NEWCOMER, code, NOW)
    assert caught.value.key == key
    assert uow.staff.people[NEWCOMER].roles == set()
    assert uow.commits == 0 and uow.audit.records == [] and uow.outbox.notes == []


async def test_an_unknown_or_deactivated_person_cannot_accept() -> None:
    uow = FakeUow()
    await _invite(uow)
    with pytest.raises(NotAllowed):
        await accept_invite(uow, 424242, "inv-code", NOW)
    uow.staff.people[NEWCOMER].status = UserStatus.DEACTIVATED
    with pytest.raises(NotAllowed):
        await accept_invite(uow, NEWCOMER, "inv-code", NOW)
    assert not uow.staff.invites["inv-code"].is_used


# --------------------------------------------------------------------------- people


async def test_search_is_scoped_and_paginated() -> None:
    uow = FakeUow()
    page = await search_people(uow, admin(), "  ", 0)
    assert page.total == 7 and page.pages == 1 and page.query == ""
    assert uow.staff.searches[-1] == ("", None, 0, 8)

    scoped = await search_people(uow, manager(), None, 0)
    assert {p.id for p in scoped.items} == {MANAGER, OTHER_MANAGER, EXECUTOR, RESIDENT}
    assert uow.staff.searches[-1][1] == {NAVOI}

    for index in range(10):
        uow.staff.add(Person(100 + index, f"Worker {index}", {Role.EXECUTOR}))
    second = await search_people(uow, admin(), "worker", 1)
    assert (second.page, second.pages, second.total, len(second.items)) == (1, 2, 10, 2)
    beyond = await search_people(uow, admin(), "worker", 9)  # a stale page number
    assert beyond.page == 1 and len(beyond.items) == 2
    nothing = await search_people(uow, admin(), "nobody", 3)
    assert nothing.page == 0 and nothing.total == 0 and nothing.items == ()
    assert not nothing.items and page.items[0].is_active

    with pytest.raises(NotAllowed):
        await search_people(uow, executor(), "", 0)


async def test_who_sees_whom() -> None:
    uow = FakeUow()
    for user_id in (ADMIN, MANAGER, EXECUTOR, OUTSIDER, RESIDENT, NEWCOMER):
        assert can_view_person(admin(), await card(uow, user_id))
    assert can_view_person(manager(), await card(uow, MANAGER))  # themselves
    assert can_view_person(manager(), await card(uow, EXECUTOR))  # staff of their building
    assert can_view_person(manager(), await card(uow, RESIDENT))  # a resident there
    assert not can_view_person(manager(), await card(uow, OUTSIDER))
    assert not can_view_person(manager(), await card(uow, ADMIN))
    assert not can_view_person(executor(), await card(uow, EXECUTOR))

    with pytest.raises(NotAllowed, match="error-not-available"):
        await open_person(uow, manager(), OUTSIDER)
    with pytest.raises(NotAllowed, match="error-not-available"):
        await open_person(uow, admin(), 424242)
    with pytest.raises(NotAllowed):
        await open_person(uow, executor(), EXECUTOR)


async def test_what_each_viewer_may_change() -> None:
    uow = FakeUow()
    by_admin = person_view(admin(), await card(uow, EXECUTOR))
    assert by_admin.can_edit_roles and by_admin.can_edit_specializations
    assert by_admin.can_edit_buildings and by_admin.can_change_status
    resident_by_admin = person_view(admin(), await card(uow, RESIDENT))
    assert not resident_by_admin.can_edit_specializations
    assert not resident_by_admin.can_edit_buildings
    assert not person_view(admin(), await card(uow, ADMIN)).can_change_status  # themselves

    by_manager = person_view(manager(), await card(uow, EXECUTOR))
    assert not by_manager.can_edit_roles and not by_manager.can_edit_buildings
    assert by_manager.can_edit_specializations and by_manager.can_change_status
    assert person_view(manager(), await card(uow, RESIDENT)).can_change_status
    for peer in (OTHER_MANAGER, MANAGER, OUTSIDER):
        view = person_view(manager(), await card(uow, peer))
        assert not view.can_change_status and not view.can_edit_specializations

    assert (await open_person_screen(uow, manager(), EXECUTOR, "specializations")).card.id == (
        EXECUTOR
    )
    for screen in ("roles", "buildings", "nonsense"):
        with pytest.raises(NotAllowed):
            await open_person_screen(uow, manager(), EXECUTOR, screen)
    assert (await open_person_screen(uow, admin(), EXECUTOR, "roles")).can_edit_roles
    with pytest.raises(NotAllowed):
        await open_person_screen(uow, manager(), OTHER_MANAGER, "status")


async def test_admin_grants_and_revokes_roles() -> None:
    uow = FakeUow()
    change = await toggle_role(uow, admin(), EXECUTOR, Role.MANAGER)
    assert change.granted and change.view.card.roles == {Role.EXECUTOR, Role.MANAGER}
    change = await toggle_role(uow, admin(), EXECUTOR, Role.EXECUTOR)
    assert not change.granted and change.view.card.roles == {Role.MANAGER}
    assert uow.audit.actions == ["role.granted", "role.revoked"]
    assert uow.audit.records[0][4] == {"role": "manager"}
    assert [n.template for n in uow.outbox.notes] == [
        "staff-role-granted-notice",
        "staff-role-revoked-notice",
    ]
    assert uow.outbox.notes[0].params == {"role": {"key": "role-manager"}}
    assert uow.commits == 2

    # admins may give themselves another role, quietly, but never drop their own admin role
    await toggle_role(uow, admin(), ADMIN, Role.EXECUTOR)
    assert len(uow.outbox.notes) == 2
    with pytest.raises(NotAllowed, match="error-staff-own-admin"):
        await toggle_role(uow, admin(), ADMIN, Role.ADMIN)
    await toggle_role(uow, admin(), OTHER_MANAGER, Role.ADMIN)  # another admin: fine
    with pytest.raises(NotAllowed):
        await toggle_role(uow, admin(), EXECUTOR, Role.RESIDENT)
    with pytest.raises(NotAllowed):
        await toggle_role(uow, manager(), EXECUTOR, Role.MANAGER)
    assert Role.ADMIN in uow.staff.people[ADMIN].roles


async def test_specializations_by_admins_and_by_the_manager_of_the_building() -> None:
    uow = FakeUow()
    view = await toggle_specialization(uow, manager(), EXECUTOR, Specialization.ELECTRICIAN)
    assert view.card.specializations == {Specialization.PLUMBER, Specialization.ELECTRICIAN}
    view = await toggle_specialization(uow, admin(), EXECUTOR, Specialization.PLUMBER)
    assert view.card.specializations == {Specialization.ELECTRICIAN}
    assert uow.audit.records[0][:2] == (MANAGER, "specialization.added")
    assert uow.audit.records[1][:2] == (ADMIN, "specialization.removed")
    assert uow.audit.records[1][4] == {"specialization": "plumber"}
    with pytest.raises(NotAllowed):  # outside the manager's buildings
        await toggle_specialization(uow, manager(), OUTSIDER, Specialization.CLEANER)
    with pytest.raises(NotAllowed):  # not an executor
        await toggle_specialization(uow, admin(), RESIDENT, Specialization.CLEANER)
    assert uow.commits == 2


async def test_building_scopes_are_the_admins() -> None:
    uow = FakeUow()
    with pytest.raises(NotAllowed, match="error-not-allowed"):
        await toggle_building(uow, manager(), EXECUTOR, NAVOI)
    view, choices = await person_building_choices(uow, admin(), EXECUTOR, 0)
    assert choices.selected == {NAVOI} and view.card.id == EXECUTOR
    view = await toggle_building(uow, admin(), EXECUTOR, TEMUR)
    assert view.card.building_ids == {NAVOI, TEMUR}
    view = await toggle_building(uow, admin(), EXECUTOR, NAVOI)
    assert view.card.building_ids == {TEMUR}
    assert uow.audit.actions == ["building.added", "building.removed"]
    with pytest.raises(NotFound):
        await toggle_building(uow, admin(), EXECUTOR, 999)
    with pytest.raises(NotAllowed):
        await person_building_choices(uow, manager(), EXECUTOR, 0)
    with pytest.raises(NotAllowed):  # a resident has no staff scope
        await person_building_choices(uow, admin(), RESIDENT, 0)
    assert uow.commits == 2


async def test_deactivation_and_reactivation() -> None:
    uow = FakeUow()
    view = await set_person_active(uow, manager(), EXECUTOR, False)
    assert not view.card.is_active
    assert uow.staff.people[EXECUTOR].status is UserStatus.DEACTIVATED
    assert uow.outbox.notes == []
    with pytest.raises(ValidationFailed, match="error-staff-already-deactivated"):
        await set_person_active(uow, manager(), EXECUTOR, False)
    view = await set_person_active(uow, admin(), EXECUTOR, True)
    assert view.card.is_active
    with pytest.raises(ValidationFailed, match="error-staff-already-active"):
        await set_person_active(uow, admin(), EXECUTOR, True)
    await set_person_active(uow, manager(), RESIDENT, False)
    assert uow.audit.actions == ["user.deactivated", "user.reactivated", "user.deactivated"]
    assert [r[0] for r in uow.audit.records] == [MANAGER, ADMIN, MANAGER]
    assert [(n.chat_id, n.template) for n in uow.outbox.notes] == [
        (EXECUTOR, "staff-reactivated-notice")
    ]
    assert uow.commits == 3


@pytest.mark.parametrize(
    ("actor", "target", "key"),
    [
        (manager(), MANAGER, "error-staff-self"),
        (admin(), ADMIN, "error-staff-self"),
        (manager(), OTHER_MANAGER, "error-not-allowed"),
        (manager(), OUTSIDER, "error-not-available"),
        (manager(), ADMIN, "error-not-available"),
        (executor(), RESIDENT, "error-not-allowed"),
    ],
)
async def test_deactivation_refused(actor: Actor, target: int, key: str) -> None:
    uow = FakeUow()
    with pytest.raises(NotAllowed) as caught:
        await set_person_active(uow, actor, target, False)
    assert caught.value.key == key
    assert uow.staff.people[target].status is UserStatus.ACTIVE
    assert uow.commits == 0 and uow.audit.records == []


async def test_a_manager_cannot_deactivate_an_admin_living_in_their_building() -> None:
    uow = FakeUow()
    uow.staff.people[ADMIN].homes.add(NAVOI)
    assert (await open_person(uow, manager(), ADMIN)).card.id == ADMIN
    with pytest.raises(NotAllowed, match="error-not-allowed"):
        await set_person_active(uow, manager(), ADMIN, False)
