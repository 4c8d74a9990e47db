"""People: profiles, roles, language."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Language, Role, UserStatus
from domain.services.users import TelegramIdentity, UserProfile
from storage.models import User, UserRole


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
    row = (
        await session.execute(
            select(User, roles)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.id == user_id)
            .group_by(User.id)
        )
    ).first()
    if row is None:
        return None
    user, role_keys = row
    return UserProfile(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        phone=user.phone,
        language=Language(user.language) if user.language else None,
        status=UserStatus(user.status),
        roles=frozenset(Role(r) for r in role_keys or ()),
    )
