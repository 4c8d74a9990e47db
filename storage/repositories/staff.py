"""Staff: invites, people search, roles, specializations, building scopes, status."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Language, Role, Specialization, UserStatus
from domain.services.residents import BuildingInfo
from domain.services.staff import Invite, InviteDraft, PersonCard, PersonSummary
from storage.models import (
    Apartment,
    Building,
    ExecutorSpecialization,
    ManagerBuilding,
    ResidentApartment,
    User,
    UserRole,
)
from storage.models import Invite as InviteRow

_NON_DIGITS = re.compile(r"\D")
MIN_PHONE_DIGITS = 3


def _invite(row: InviteRow) -> Invite:
    return Invite(
        id=row.id,
        code=row.code,
        role=Role(row.role),
        specializations=frozenset(Specialization(s) for s in row.specializations or ()),
        building_ids=frozenset(int(b) for b in row.building_ids or ()),
        created_by=row.created_by,
        expires_at=row.expires_at,
        used_by=row.used_by,
        used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


def _building(row: Building) -> BuildingInfo:
    return BuildingInfo(
        id=row.id, address=row.address, district=row.district, lat=row.lat, lon=row.lon
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_matches(word: str) -> ColumnElement[bool]:
    """One search word: a part of a name or @username, or of the phone's digits."""
    name = word.lower().lstrip("@")
    fields = (User.first_name, User.last_name, User.full_name, User.username)
    conditions = [func.lower(f).like(_like(name), escape="\\") for f in fields] if name else []
    digits = _NON_DIGITS.sub("", word)
    if len(digits) >= MIN_PHONE_DIGITS:
        phone_digits = func.regexp_replace(func.coalesce(User.phone, ""), r"\D", "", "g")
        conditions.append(phone_digits.like(f"%{digits}%"))
    return or_(*conditions) if conditions else true()


class SqlStaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ----------------------------------------------------------------- invites

    async def add_invite(
        self, code: str, draft: InviteDraft, created_by: int, expires_at: datetime
    ) -> Invite:
        row = InviteRow(
            code=code,
            role=draft.role,
            specializations=sorted(s.value for s in draft.specializations),
            building_ids=sorted(draft.building_ids),
            created_by=created_by,
            expires_at=expires_at,
        )
        self.session.add(row)
        await self.session.flush()
        return _invite(row)

    async def invite_for_update(self, code: str) -> Invite | None:
        row = await self.session.scalar(
            select(InviteRow)
            .where(InviteRow.code == code)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return _invite(row) if row else None

    async def mark_invite_used(self, invite_id: int, user_id: int, at: datetime) -> None:
        await self.session.execute(
            update(InviteRow)
            .where(InviteRow.id == invite_id, InviteRow.used_by.is_(None))
            .values(used_by=user_id, used_at=at)
        )

    # ------------------------------------------------------------------ people

    async def search_people(
        self, text: str, *, within: frozenset[int] | None, offset: int, limit: int
    ) -> tuple[list[PersonSummary], int]:
        stmt = select(User)
        if within is not None:
            staff = select(ManagerBuilding.user_id).where(ManagerBuilding.building_id.in_(within))
            residents = (
                select(ResidentApartment.user_id)
                .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
                .where(Apartment.building_id.in_(within))
            )
            stmt = stmt.where(or_(User.id.in_(staff), User.id.in_(residents)))
        for word in text.split()[:6]:
            stmt = stmt.where(_word_matches(word))
        total = int(
            await self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        )
        users = list(
            await self.session.scalars(
                stmt.order_by(func.lower(func.coalesce(User.full_name, User.first_name)), User.id)
                .offset(offset)
                .limit(limit)
            )
        )
        roles: dict[int, set[Role]] = {user.id: set() for user in users}
        if users:
            rows = await self.session.execute(
                select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(roles))
            )
            for user_id, role in rows.all():
                roles[user_id].add(Role(role))
        return [
            PersonSummary(
                id=user.id,
                name=user.full_name
                or " ".join(p for p in (user.first_name, user.last_name) if p)
                or str(user.id),
                username=user.username,
                phone=user.phone,
                roles=frozenset(roles[user.id]),
                status=UserStatus(user.status),
            )
            for user in users
        ], total

    async def get_person(self, user_id: int, *, lock: bool = False) -> PersonCard | None:
        stmt = select(User).where(User.id == user_id).execution_options(populate_existing=True)
        if lock:
            stmt = stmt.with_for_update()
        user = await self.session.scalar(stmt)
        if user is None:
            return None
        roles = await self.session.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
        specs = await self.session.scalars(
            select(ExecutorSpecialization.specialization).where(
                ExecutorSpecialization.user_id == user_id
            )
        )
        buildings = await self.session.scalars(
            select(Building)
            .join(ManagerBuilding, ManagerBuilding.building_id == Building.id)
            .where(ManagerBuilding.user_id == user_id)
            .order_by(Building.address, Building.id)
        )
        homes = await self.session.scalars(
            select(Apartment.building_id)
            .join(ResidentApartment, ResidentApartment.apartment_id == Apartment.id)
            .where(ResidentApartment.user_id == user_id)
        )
        return PersonCard(
            id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            full_name=user.full_name,
            phone=user.phone,
            language=Language(user.language) if user.language else None,
            status=UserStatus(user.status),
            roles=frozenset(Role(r) for r in roles),
            specializations=frozenset(Specialization(s) for s in specs),
            buildings=tuple(_building(b) for b in buildings),
            home_building_ids=frozenset(homes),
        )

    async def add_role(self, user_id: int, role: Role) -> bool:
        result = await self.session.execute(
            insert(UserRole).values(user_id=user_id, role=role).on_conflict_do_nothing()
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_role(self, user_id: int, role: Role) -> bool:
        result = await self.session.execute(
            delete(UserRole).where(UserRole.user_id == user_id, UserRole.role == role)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_specialization(self, user_id: int, specialization: Specialization) -> bool:
        result = await self.session.execute(
            insert(ExecutorSpecialization)
            .values(user_id=user_id, specialization=specialization)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_specialization(self, user_id: int, specialization: Specialization) -> bool:
        result = await self.session.execute(
            delete(ExecutorSpecialization).where(
                ExecutorSpecialization.user_id == user_id,
                ExecutorSpecialization.specialization == specialization,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_building(self, user_id: int, building_id: int) -> bool:
        result = await self.session.execute(
            insert(ManagerBuilding)
            .values(user_id=user_id, building_id=building_id)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove_building(self, user_id: int, building_id: int) -> bool:
        result = await self.session.execute(
            delete(ManagerBuilding).where(
                ManagerBuilding.user_id == user_id, ManagerBuilding.building_id == building_id
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def set_status(self, user_id: int, status: UserStatus) -> None:
        values: dict[str, object] = {"status": status, "updated_at": func.now()}
        if status is UserStatus.DEACTIVATED:
            values["on_duty"] = False
        await self.session.execute(update(User).where(User.id == user_id).values(**values))

    async def buildings(self, building_ids: Collection[int]) -> list[BuildingInfo]:
        if not building_ids:
            return []
        rows = await self.session.scalars(
            select(Building)
            .where(Building.id.in_(list(building_ids)))
            .order_by(Building.address, Building.id)
        )
        return [_building(row) for row in rows]
