"""People: profiles, roles, language."""

from __future__ import annotations

from sqlalchemy import func, select
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

    async def language_of(self, user_id: int) -> Language | None:
        return await self.session.scalar(select(User.language).where(User.id == user_id))


async def load_profile(session: AsyncSession, user_id: int) -> UserProfile | None:
    roles = func.array_remove(func.array_agg(UserRole.role), None)
    has_residency = (
        select(ResidentApartment.id).where(ResidentApartment.user_id == User.id).exists()
    ).label("has_residency")
    row = (
        await session.execute(
            select(User, roles, has_residency)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.id == user_id)
            .group_by(User.id)
        )
    ).first()
    if row is None:
        return None
    user, role_keys, residency = row
    return UserProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        phone=user.phone,
        full_name=user.full_name,
        has_residency=bool(residency),
        language=Language(user.language) if user.language else None,
        status=UserStatus(user.status),
        roles=frozenset(Role(r) for r in role_keys or ()),
    )


async def load_actor(
    session: AsyncSession, user_id: int, *, pending_apartments_count: bool = False
) -> Actor | None:
    """The acting user with every scope the access policy needs, in one round trip."""
    counted = [VerificationState.APPROVED]
    if pending_apartments_count:
        counted += [VerificationState.PENDING, VerificationState.DOCUMENT_REQUESTED]
    roles = (
        select(func.array_agg(UserRole.role)).where(UserRole.user_id == User.id).scalar_subquery()
    )
    specs = (
        select(func.array_agg(ExecutorSpecialization.specialization))
        .where(ExecutorSpecialization.user_id == User.id)
        .scalar_subquery()
    )
    managed = (
        select(func.array_agg(ManagerBuilding.building_id))
        .where(ManagerBuilding.user_id == User.id)
        .scalar_subquery()
    )
    apartments = (
        select(func.array_agg(pg_array([Apartment.id, Apartment.building_id])))
        .join(ResidentApartment, ResidentApartment.apartment_id == Apartment.id)
        .where(ResidentApartment.user_id == User.id, ResidentApartment.verification.in_(counted))
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(User.status, User.on_duty, roles, specs, managed, apartments).where(
                User.id == user_id
            )
        )
    ).first()
    if row is None:
        return None
    status, on_duty, role_keys, spec_keys, building_ids, apartment_pairs = row
    pairs = apartment_pairs or []
    return Actor(
        user_id=user_id,
        roles=frozenset(Role(r) for r in role_keys or ()),
        is_active=status == UserStatus.ACTIVE,
        managed_building_ids=frozenset(building_ids or ()),
        apartment_ids=frozenset(pair[0] for pair in pairs),
        home_building_ids=frozenset(pair[1] for pair in pairs),
        specializations=frozenset(Specialization(s) for s in spec_keys or ()),
        on_duty=on_duty,
    )
