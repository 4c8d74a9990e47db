"""Open invites: listed for the People screen and revoked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Role
from domain.services.invites import OpenInvite
from storage.models import Building, Invite, User


def _open(now: datetime) -> Any:
    return (
        Invite.used_at.is_(None),
        Invite.revoked_at.is_(None),
        Invite.expires_at > now,
    )


class SqlInviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _select(self) -> Any:
        creator = func.coalesce(func.nullif(User.full_name, ""), User.first_name)
        return select(Invite, creator).outerjoin(User, User.id == Invite.created_by)

    async def _view(self, row: Invite, creator: str | None) -> OpenInvite:
        ids = [int(b) for b in row.building_ids or ()]
        addresses: list[str] = []
        if ids:
            found = await self.session.scalars(
                select(Building.address).where(Building.id.in_(ids)).order_by(Building.address)
            )
            addresses = list(found)
        return OpenInvite(
            id=row.id,
            role=Role(row.role),
            specializations=tuple(str(s) for s in row.specializations or ()),
            buildings=tuple(addresses),
            created_by=row.created_by,
            creator=creator,
            expires_at=row.expires_at,
        )

    async def open_invites(
        self, created_by: int | None, now: datetime, limit: int
    ) -> list[OpenInvite]:
        stmt = self._select().where(*_open(now)).order_by(Invite.expires_at, Invite.id)
        if created_by is not None:
            stmt = stmt.where(Invite.created_by == created_by)
        rows = (await self.session.execute(stmt.limit(limit))).all()
        return [await self._view(row, creator) for row, creator in rows]

    async def revoke(
        self, invite_id: int, created_by: int | None, by: int, now: datetime
    ) -> OpenInvite | None:
        stmt = (
            update(Invite)
            .where(Invite.id == invite_id, *_open(now))
            .values(revoked_at=now, revoked_by=by)
            .returning(Invite.id)
        )
        if created_by is not None:
            stmt = stmt.where(Invite.created_by == created_by)
        if await self.session.scalar(stmt) is None:
            return None
        row = (await self.session.execute(self._select().where(Invite.id == invite_id))).one()
        return await self._view(row[0], row[1])
