"""People: profiles, roles, language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.enums import Language, Role, Specialization, UserStatus, VerificationState
from domain.services.users import TelegramIdentity, UserProfile
from storage.models import (
    Apartment,
    ExecutorSpecialization,
    ManagerBuilding,
    ResidentApartment,
    User,
    UserRole,
)


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_profile(self, user_id: int) -> UserProfile | None:
        return await load_profile(self.session, user_id)

    async def save_identity(self, identity: TelegramIdentity, language: Language) -> None:
        values = {
            "id": identity.id,
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "username": identity.username,
            "language": language,
        }
        stmt = insert(User).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[User.id],
            set_={**{k: v for k, v in values.items() if k != "id"}, "updated_at": func.now()},
        )
        await self.session.execute(stmt)

    async def grant_role(self, user_id: int, role: Role) -> bool:
        stmt = insert(UserRole).values(user_id=user_id, role=role).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _person_statement(*, pending_apartments_count: bool) -> Select[Any]:
    counted = [VerificationState.APPROVED]
    if pending_apartments_count:
        counted += [VerificationState.PENDING, VerificationState.DOCUMENT_REQUESTED]

    def aggregated(column: Any, of: Any) -> Any:
        return select(func.array_agg(column)).where(of == User.id).scalar_subquery()

    has_residency = (
        select(ResidentApartment.id).where(ResidentApartment.user_id == User.id).exists()
    )
    apartments = (
        select(func.array_agg(pg_array([Apartment.id, Apartment.building_id])))
        .join(ResidentApartment, ResidentApartment.apartment_id == Apartment.id)
        .where(ResidentApartment.user_id == User.id, ResidentApartment.verification.in_(counted))
        .scalar_subquery()
    )
    return select(
        User,
        aggregated(UserRole.role, UserRole.user_id),
        has_residency,
        aggregated(ExecutorSpecialization.specialization, ExecutorSpecialization.user_id),
        aggregated(ManagerBuilding.building_id, ManagerBuilding.user_id),
        apartments,
    ).where(User.id == bindparam("user_id"))


# Read on every update whose user is not cached: built once.
_PERSON = {flag: _person_statement(pending_apartments_count=flag) for flag in (False, True)}


async def load_person(
    session: AsyncSession, user_id: int, *, pending_apartments_count: bool = False
) -> tuple[UserProfile, Actor] | None:
    """The user's profile and, for the access policy, every scope they act in: one
    round trip (the profile is needed for every update, the actor for most).

    ``pending_apartments_count``: apartments still being verified count as the
    resident's own (a desk setting).
    """
    row = (await session.execute(_PERSON[pending_apartments_count], {"user_id": user_id})).first()
    if row is None:
        return None
    user, role_keys, residency, spec_keys, building_ids, apartment_pairs = row
    roles = frozenset(Role(r) for r in role_keys or ())
    profile = UserProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        phone=user.phone,
        full_name=user.full_name,
        has_residency=bool(residency),
        language=Language(user.language) if user.language else None,
        status=UserStatus(user.status),
        roles=roles,
    )
    pairs = apartment_pairs or []
    actor = Actor(
        user_id=user_id,
        roles=roles,
        is_active=user.status == UserStatus.ACTIVE,
        managed_building_ids=frozenset(building_ids or ()),
        apartment_ids=frozenset(pair[0] for pair in pairs),
        home_building_ids=frozenset(pair[1] for pair in pairs),
        specializations=frozenset(Specialization(s) for s in spec_keys or ()),
        on_duty=user.on_duty,
    )
    return profile, actor


async def load_profile(session: AsyncSession, user_id: int) -> UserProfile | None:
    person = await load_person(session, user_id)
    return None if person is None else person[0]
