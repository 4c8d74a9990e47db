"""Staff: invite links, and the People screens (search, card, roles, deactivation).

Who may do what (re-checked by every use case, whatever button was pressed):

* **Invites.** Admins invite executors, managers and admins. Managers invite
  executors only, scoped to their own buildings (all of them unless they pick
  fewer). An executor invite carries at least one specialization and may be
  scoped to buildings (none: the whole organisation); a manager invite names at
  least one building. A code is unguessable, single use and expires.
* **Seeing people.** Admins see everyone. A manager sees the people of their
  buildings: staff scoped to them (manager and executor building rows) and
  residents linked to an apartment there (any verification state).
* **Changing people.** Admins change roles, specializations, building scopes
  and status of anyone, except that they cannot take their own admin role away
  or deactivate themselves. A manager changes only people they *manage*:
  executors and residents of their buildings who are neither managers nor
  admins, and never themselves. For them a manager edits specializations
  (executors) and deactivates / reactivates; roles and building scopes are the
  admin's.

Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from domain.access import Actor
from domain.enums import Language, Role, Specialization, UserStatus
from domain.errors import NotAllowed, NotFound, ValidationFailed
from domain.services.notifications import Notification, OutboxPort, tr
from domain.services.residents import BuildingInfo
from domain.services.users import AuditLog

NOT_AVAILABLE = "error-not-available"

INVITE_PREFIX = "inv-"
"""Invite codes start with this, so ``/start inv-…`` is told apart from other deep links."""
INVITE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""What Telegram allows in a ``start`` deep-link payload."""
INVITE_TTL_HOURS: tuple[int, ...] = (24, 72, 168)
"""Expiry choices offered when creating an invite: 1, 3 and 7 days."""
STAFF_ROLES: tuple[Role, ...] = (Role.EXECUTOR, Role.MANAGER, Role.ADMIN)
"""Roles given by invites and toggled on the People screens (residents need no role)."""
PEOPLE_PAGE_SIZE = 8
BUILDINGS_PAGE_SIZE = 8
MAX_QUERY_LENGTH = 64


def new_invite_code() -> str:
    """``inv-`` and 32 random URL-safe characters (192 bits): 36 characters in all."""
    return INVITE_PREFIX + secrets.token_urlsafe(24)


def is_invite_code(payload: str | None) -> bool:
    return payload is not None and payload.startswith(INVITE_PREFIX)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class InviteDraft:
    """What the creator picked so far."""

    role: Role
    specializations: frozenset[Specialization] = frozenset()
    building_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    code: str
    role: Role
    specializations: frozenset[Specialization]
    building_ids: frozenset[int]
    created_by: int | None
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.used_by is not None


@dataclass(frozen=True, slots=True)
class CreatedInvite:
    invite: Invite
    buildings: tuple[BuildingInfo, ...]


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """A row of the People list."""

    id: int
    name: str
    username: str | None
    phone: str | None
    roles: frozenset[Role]
    status: UserStatus

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class PersonCard:
    id: int
    first_name: str
    status: UserStatus
    roles: frozenset[Role] = frozenset()
    specializations: frozenset[Specialization] = frozenset()
    buildings: tuple[BuildingInfo, ...] = ()
    """Staff scope: buildings a manager runs / an executor serves."""
    home_building_ids: frozenset[int] = frozenset()
    """Buildings of the apartments the person is linked to (any verification state)."""
    last_name: str | None = None
    username: str | None = None
    full_name: str | None = None
    phone: str | None = None
    language: Language | None = None

    @property
    def building_ids(self) -> frozenset[int]:
        return frozenset(b.id for b in self.buildings)

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.first_name, self.last_name) if p) or str(self.id)


@dataclass(frozen=True, slots=True)
class PersonView:
    """A card and what the viewer may change on it (the screen shows only those buttons)."""

    card: PersonCard
    can_edit_roles: bool = False
    can_edit_specializations: bool = False
    can_edit_buildings: bool = False
    can_change_status: bool = False


@dataclass(frozen=True, slots=True)
class PeoplePage:
    items: tuple[PersonSummary, ...]
    page: int
    pages: int
    total: int
    query: str


@dataclass(frozen=True, slots=True)
class BuildingChoices:
    items: tuple[BuildingInfo, ...]
    page: int
    pages: int
    total: int
    selected: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class AcceptedInvite:
    invite: Invite
    person: PersonCard
    granted: bool
    """False when the person already held the role (the invite is used all the same)."""


@dataclass(frozen=True, slots=True)
class RoleChange:
    view: PersonView
    role: Role
    granted: bool


# --------------------------------------------------------------------------- ports


class StaffRepository(Protocol):
    async def add_invite(
        self, code: str, draft: InviteDraft, created_by: int, expires_at: datetime
    ) -> Invite: ...

    async def invite_for_update(self, code: str) -> Invite | None:
        """The invite, its row locked until the transaction ends (racing acceptors queue)."""

    async def mark_invite_used(self, invite_id: int, user_id: int, at: datetime) -> None: ...

    async def search_people(
        self, text: str, *, within: frozenset[int] | None, offset: int, limit: int
    ) -> tuple[list[PersonSummary], int]:
        """People matching every word of ``text`` (name, @username, phone digits), and the
        total count; ``within``: only people of those buildings (None: everyone)."""

    async def get_person(self, user_id: int, *, lock: bool = False) -> PersonCard | None: ...

    async def add_role(self, user_id: int, role: Role) -> bool:
        """False when the user already had it."""

    async def remove_role(self, user_id: int, role: Role) -> bool: ...

    async def add_specialization(self, user_id: int, specialization: Specialization) -> bool: ...

    async def remove_specialization(self, user_id: int, specialization: Specialization) -> bool: ...

    async def add_building(self, user_id: int, building_id: int) -> bool: ...

    async def remove_building(self, user_id: int, building_id: int) -> bool: ...

    async def set_status(self, user_id: int, status: UserStatus) -> None:
        """Deactivating also takes the person off duty."""

    async def buildings(self, building_ids: Collection[int]) -> list[BuildingInfo]:
        """Those buildings, ordered by address."""


class BuildingDirectory(Protocol):
    async def count_buildings(self) -> int: ...
    async def list_buildings(self, offset: int, limit: int) -> list[BuildingInfo]: ...
    async def get_building(self, building_id: int) -> BuildingInfo | None: ...


class StaffUnitOfWork(Protocol):
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def directory(self) -> BuildingDirectory: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


# --------------------------------------------------------------------------- rules


def _ensure_desk_staff(actor: Actor) -> None:
    if not actor.is_staff_manager:
        raise NotAllowed()


def invite_roles_for(actor: Actor) -> tuple[Role, ...]:
    """The roles ``actor`` may put into an invite (the buttons of the first step)."""
    if actor.is_admin:
        return STAFF_ROLES
    if actor.has_role(Role.MANAGER):
        return (Role.EXECUTOR,)
    return ()


def check_invite_role(actor: Actor, role: Role) -> None:
    if role not in invite_roles_for(actor):
        raise NotAllowed()


def invite_steps(role: Role) -> tuple[str, ...]:
    """Steps between the role and the expiry: ``specializations`` and/or ``buildings``."""
    if role is Role.EXECUTOR:
        return ("specializations", "buildings")
    if role is Role.MANAGER:
        return ("buildings",)
    return ()


def start_invite(actor: Actor, role: Role) -> InviteDraft:
    """A fresh draft: a manager's executor invite starts with all of their buildings."""
    check_invite_role(actor, role)
    if role is Role.EXECUTOR and not actor.is_admin:
        return InviteDraft(role, building_ids=actor.managed_building_ids)
    return InviteDraft(role)


def check_invite_specializations(draft: InviteDraft) -> None:
    if draft.role is Role.EXECUTOR and not draft.specializations:
        raise ValidationFailed("error-invite-no-specializations")


def check_invite_buildings(actor: Actor, draft: InviteDraft) -> None:
    if draft.role is Role.MANAGER and not draft.building_ids:
        raise ValidationFailed("error-invite-no-buildings")
    if not actor.is_admin:
        if not draft.building_ids:
            raise ValidationFailed("error-invite-no-buildings")
        if not draft.building_ids <= actor.managed_building_ids:
            raise NotAllowed()


def _manages_buildings(actor: Actor, building_ids: frozenset[int]) -> bool:
    return actor.is_admin or bool(building_ids & actor.managed_building_ids)


def can_view_person(actor: Actor, card: PersonCard) -> bool:
    if not actor.is_staff_manager:
        return False
    if actor.is_admin or card.id == actor.user_id:
        return True
    return _manages_buildings(actor, card.building_ids | card.home_building_ids)


def manages_person(actor: Actor, card: PersonCard) -> bool:
    """A manager's (not an admin's) authority over a person."""
    return (
        actor.has_role(Role.MANAGER)
        and card.id != actor.user_id
        and not card.roles & {Role.MANAGER, Role.ADMIN}
        and bool((card.building_ids | card.home_building_ids) & actor.managed_building_ids)
    )


def person_view(actor: Actor, card: PersonCard) -> PersonView:
    admin = actor.is_admin
    managed = admin or manages_person(actor, card)
    return PersonView(
        card=card,
        can_edit_roles=admin,
        can_edit_specializations=managed and Role.EXECUTOR in card.roles,
        can_edit_buildings=admin and bool(card.roles & {Role.EXECUTOR, Role.MANAGER}),
        can_change_status=managed and card.id != actor.user_id,
    )


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def _pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


def _clamp(page: int, pages: int) -> int:
    return min(max(0, page), pages - 1)


# --------------------------------------------------------------------------- invites


async def invite_building_choices(
    uow: StaffUnitOfWork, actor: Actor, selected: frozenset[int], page: int
) -> BuildingChoices:
    """The buildings an invite may name: every building for admins, their own for managers."""
    _ensure_desk_staff(actor)
    size = BUILDINGS_PAGE_SIZE
    if actor.is_admin:
        total = await uow.directory.count_buildings()
        pages = _pages(total, size)
        page = _clamp(page, pages)
        items = await uow.directory.list_buildings(page * size, size)
    else:
        own = await uow.staff.buildings(actor.managed_building_ids)
        total, pages = len(own), _pages(len(own), size)
        page = _clamp(page, pages)
        items = own[page * size : (page + 1) * size]
    return BuildingChoices(tuple(items), page, pages, total, selected)


async def check_invite_building(uow: StaffUnitOfWork, actor: Actor, building_id: int) -> None:
    """A building pressed in the invite's multi-select: it exists and the actor may name it."""
    _ensure_desk_staff(actor)
    if not actor.is_admin and building_id not in actor.managed_building_ids:
        raise NotAllowed()
    if await uow.directory.get_building(building_id) is None:
        raise NotFound()


async def create_invite(
    uow: StaffUnitOfWork,
    actor: Actor,
    draft: InviteDraft,
    ttl_hours: int,
    now: datetime,
    *,
    code: str | None = None,
) -> CreatedInvite:
    """Stores a single-use invite; the caller shows its deep link."""
    check_invite_role(actor, draft.role)
    if ttl_hours not in INVITE_TTL_HOURS:
        raise ValidationFailed()
    if draft.role is not Role.EXECUTOR:
        draft = replace(draft, specializations=frozenset())
    if draft.role is Role.ADMIN:
        draft = replace(draft, building_ids=frozenset())
    check_invite_specializations(draft)
    check_invite_buildings(actor, draft)
    buildings = await uow.staff.buildings(draft.building_ids)
    if len(buildings) != len(draft.building_ids):
        raise NotFound()
    code = code or new_invite_code()
    if not INVITE_CODE.match(code):
        raise ValidationFailed()
    invite = await uow.staff.add_invite(
        code, draft, actor.user_id, now + timedelta(hours=ttl_hours)
    )
    await uow.audit.record(
        actor.user_id,
        "invite.created",
        "invite",
        str(invite.id),
        {
            "role": invite.role.value,
            "specializations": sorted(s.value for s in invite.specializations),
            "building_ids": sorted(invite.building_ids),
            "expires_at": invite.expires_at.isoformat(),
        },
    )
    await uow.commit()
    return CreatedInvite(invite, tuple(buildings))


async def accept_invite(
    uow: StaffUnitOfWork, user_id: int, code: str, now: datetime
) -> AcceptedInvite:
    """Grants what the invite carries and uses it up; the inviter is told.

    The invite row is locked first, so of two people racing for one code exactly
    one wins; the other is told it is already used. Unknown, expired and used
    codes change nothing.
    """
    if not is_invite_code(code) or not INVITE_CODE.match(code):
        raise NotFound("error-invite-unknown")
    invite = await uow.staff.invite_for_update(code)
    if invite is None:
        raise NotFound("error-invite-unknown")
    if invite.is_used:
        raise ValidationFailed("error-invite-used")
    if invite.revoked_at is not None:
        raise ValidationFailed("error-invite-revoked")
    if invite.is_expired(now):
        raise ValidationFailed("error-invite-expired")
    person = await uow.staff.get_person(user_id, lock=True)
    if person is None or not person.is_active:
        raise NotAllowed()
    granted = await uow.staff.add_role(user_id, invite.role)
    source = {"invite_id": invite.id}
    if granted:
        await uow.audit.record(
            user_id, "role.granted", "user", str(user_id), {"role": invite.role.value, **source}
        )
    for spec in sorted(invite.specializations):
        if await uow.staff.add_specialization(user_id, spec):
            await uow.audit.record(
                user_id,
                "specialization.added",
                "user",
                str(user_id),
                {"specialization": spec.value, **source},
            )
    for building_id in sorted(invite.building_ids):
        if await uow.staff.add_building(user_id, building_id):
            await uow.audit.record(
                user_id,
                "building.added",
                "user",
                str(user_id),
                {"building_id": building_id, **source},
            )
    await uow.staff.mark_invite_used(invite.id, user_id, now)
    await uow.audit.record(
        user_id, "invite.accepted", "invite", str(invite.id), {"user_id": user_id}
    )
    if invite.created_by is not None and invite.created_by != user_id:
        await uow.outbox.add(
            Notification.to_user(
                invite.created_by,
                "staff-invite-accepted-notice",
                name=person.display_name,
                role=tr(f"role-{invite.role}"),
            )
        )
    updated = await uow.staff.get_person(user_id)
    assert updated is not None  # locked above, in this transaction
    await uow.commit()
    return AcceptedInvite(replace(invite, used_by=user_id, used_at=now), updated, granted)


# --------------------------------------------------------------------------- people


async def search_people(
    uow: StaffUnitOfWork, actor: Actor, query: str | None, page: int = 0
) -> PeoplePage:
    _ensure_desk_staff(actor)
    text = clean_query(query)
    within = None if actor.is_admin else actor.managed_building_ids
    size = PEOPLE_PAGE_SIZE
    items, total = await uow.staff.search_people(
        text, within=within, offset=max(0, page) * size, limit=size
    )
    pages = _pages(total, size)
    if page >= pages and total:
        page = pages - 1
        items, total = await uow.staff.search_people(
            text, within=within, offset=page * size, limit=size
        )
    return PeoplePage(tuple(items), max(0, min(page, pages - 1)), pages, total, text)


async def _visible_person(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, *, lock: bool = False
) -> PersonCard:
    _ensure_desk_staff(actor)
    card = await uow.staff.get_person(user_id, lock=lock)
    if card is None or not can_view_person(actor, card):
        raise NotAllowed(NOT_AVAILABLE)
    return card


async def open_person(uow: StaffUnitOfWork, actor: Actor, user_id: int) -> PersonView:
    return person_view(actor, await _visible_person(uow, actor, user_id))


async def open_person_screen(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, screen: str
) -> PersonView:
    """The card (``card``) or one of its editors (``roles``, ``specializations``,
    ``status``) when the viewer may use it."""
    view = await open_person(uow, actor, user_id)
    allowed = {
        "card": True,
        "roles": view.can_edit_roles,
        "specializations": view.can_edit_specializations,
        "status": view.can_change_status,
    }
    if not allowed.get(screen, False):
        raise NotAllowed()
    return view


async def _reload(uow: StaffUnitOfWork, actor: Actor, user_id: int) -> PersonView:
    card = await uow.staff.get_person(user_id)
    assert card is not None  # locked in this transaction
    return person_view(actor, card)


async def toggle_role(uow: StaffUnitOfWork, actor: Actor, user_id: int, role: Role) -> RoleChange:
    """Admins only; an admin cannot take away their own admin role."""
    card = await _visible_person(uow, actor, user_id, lock=True)
    if not person_view(actor, card).can_edit_roles or role not in STAFF_ROLES:
        raise NotAllowed()
    if role in card.roles:
        if role is Role.ADMIN and user_id == actor.user_id:
            raise NotAllowed("error-staff-own-admin")
        await uow.staff.remove_role(user_id, role)
        action, granted, template = "role.revoked", False, "staff-role-revoked-notice"
    else:
        await uow.staff.add_role(user_id, role)
        action, granted, template = "role.granted", True, "staff-role-granted-notice"
    await uow.audit.record(actor.user_id, action, "user", str(user_id), {"role": role.value})
    if user_id != actor.user_id:
        await uow.outbox.add(Notification.to_user(user_id, template, role=tr(f"role-{role}")))
    view = await _reload(uow, actor, user_id)
    await uow.commit()
    return RoleChange(view, role, granted)


async def toggle_specialization(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, specialization: Specialization
) -> PersonView:
    card = await _visible_person(uow, actor, user_id, lock=True)
    if not person_view(actor, card).can_edit_specializations:
        raise NotAllowed()
    if specialization in card.specializations:
        await uow.staff.remove_specialization(user_id, specialization)
        action = "specialization.removed"
    else:
        await uow.staff.add_specialization(user_id, specialization)
        action = "specialization.added"
    await uow.audit.record(
        actor.user_id, action, "user", str(user_id), {"specialization": specialization.value}
    )
    view = await _reload(uow, actor, user_id)
    await uow.commit()
    return view


async def person_building_choices(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, page: int
) -> tuple[PersonView, BuildingChoices]:
    """The building scope editor of a person (admins)."""
    view = await open_person(uow, actor, user_id)
    if not view.can_edit_buildings:
        raise NotAllowed()
    choices = await invite_building_choices(uow, actor, view.card.building_ids, page)
    return view, choices


async def toggle_building(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, building_id: int
) -> PersonView:
    card = await _visible_person(uow, actor, user_id, lock=True)
    if not person_view(actor, card).can_edit_buildings:
        raise NotAllowed()
    if building_id in card.building_ids:
        await uow.staff.remove_building(user_id, building_id)
        action = "building.removed"
    else:
        if await uow.directory.get_building(building_id) is None:
            raise NotFound()
        await uow.staff.add_building(user_id, building_id)
        action = "building.added"
    await uow.audit.record(
        actor.user_id, action, "user", str(user_id), {"building_id": building_id}
    )
    view = await _reload(uow, actor, user_id)
    await uow.commit()
    return view


async def set_person_active(
    uow: StaffUnitOfWork, actor: Actor, user_id: int, active: bool
) -> PersonView:
    """Deactivate (the person is stopped at once) or reactivate; never oneself."""
    card = await _visible_person(uow, actor, user_id, lock=True)
    if user_id == actor.user_id:
        raise NotAllowed("error-staff-self")
    if not person_view(actor, card).can_change_status:
        raise NotAllowed()
    if card.is_active == active:
        raise ValidationFailed(
            "error-staff-already-active" if active else "error-staff-already-deactivated"
        )
    status = UserStatus.ACTIVE if active else UserStatus.DEACTIVATED
    await uow.staff.set_status(user_id, status)
    await uow.audit.record(
        actor.user_id,
        "user.reactivated" if active else "user.deactivated",
        "user",
        str(user_id),
        {},
    )
    if active:
        await uow.outbox.add(Notification.to_user(user_id, "staff-reactivated-notice"))
    view = await _reload(uow, actor, user_id)
    await uow.commit()
    return view


def sorted_specializations(specs: Collection[Specialization]) -> Sequence[Specialization]:
    """In the order of the enum (how the screens list them)."""
    return [s for s in Specialization if s in specs]
