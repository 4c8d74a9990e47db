"""Outage incidents, their linked requests, followers and suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Category
from domain.services.incidents import IncidentView, Resolution, Suggestion
from storage.models import (
    OPEN_STATUSES,
    Building,
    Incident,
    IncidentFollower,
    IncidentRequest,
    IncidentSuggestion,
    Request,
    User,
)

_OPEN = "open"


def _view(row: Incident, address: str, linked: int = 0, followers: int = 0) -> IncidentView:
    return IncidentView(
        id=row.id,
        building_id=row.building_id,
        address=address,
        category=row.category,
        text=row.text,
        declared_at=row.declared_at,
        due_at=row.due_at,
        open=row.status == _OPEN,
        linked=linked,
        followers=followers,
        resolution=Resolution(row.resolution) if row.resolution else None,
    )


def _counts() -> tuple[Any, Any]:
    linked = (
        select(func.count())
        .select_from(IncidentRequest)
        .where(IncidentRequest.incident_id == Incident.id)
        .scalar_subquery()
    )
    followers = (
        select(func.count())
        .select_from(IncidentFollower)
        .where(IncidentFollower.incident_id == Incident.id)
        .scalar_subquery()
    )
    return linked, followers


class SqlIncidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _views(self, *where: Any, lock: bool = False) -> list[IncidentView]:
        linked, followers = _counts()
        stmt = (
            select(Incident, Building.address, linked, followers)
            .join(Building, Building.id == Incident.building_id)
            .where(*where)
            .order_by(Incident.declared_at, Incident.id)
        )
        if lock:
            stmt = stmt.with_for_update(of=Incident)
        rows = await self.session.execute(stmt)
        return [_view(row, address, n, f) for row, address, n, f in rows]

    async def get(self, incident_id: int, *, for_update: bool = False) -> IncidentView | None:
        found = await self._views(Incident.id == incident_id, lock=for_update)
        return found[0] if found else None

    async def open_for(self, building_id: int, category: Category) -> IncidentView | None:
        found = await self._views(
            Incident.building_id == building_id,
            Incident.category == category,
            Incident.status == _OPEN,
        )
        return found[0] if found else None

    async def open_in(
        self, building_ids: Sequence[int] | None, category: Category | None = None
    ) -> list[IncidentView]:
        where: list[Any] = [Incident.status == _OPEN]
        if building_ids is not None:
            where.append(Incident.building_id.in_(list(building_ids)))
        if category is not None:
            where.append(Incident.category == category)
        return await self._views(*where)

    async def create(
        self,
        building_id: int,
        category: Category,
        text: str,
        by: int,
        at: datetime,
        due_at: datetime,
    ) -> int | None:
        stmt = (
            insert(Incident)
            .values(
                building_id=building_id,
                category=category,
                text=text,
                status=_OPEN,
                declared_by=by,
                declared_at=at,
                due_at=due_at,
            )
            .on_conflict_do_nothing(
                index_elements=[Incident.building_id, Incident.category],
                index_where=Incident.status == _OPEN,
            )
            .returning(Incident.id)
        )
        return await self.session.scalar(stmt)

    async def link(self, incident_id: int, request_ids: Sequence[int], at: datetime) -> list[int]:
        if not request_ids:
            return []
        stmt = (
            insert(IncidentRequest)
            .values(
                [
                    {"request_id": rid, "incident_id": incident_id, "linked_at": at}
                    for rid in request_ids
                ]
            )
            .on_conflict_do_nothing(index_elements=[IncidentRequest.request_id])
            .returning(IncidentRequest.request_id)
        )
        return sorted((await self.session.scalars(stmt)).all())

    async def linked_open_requests(self, incident_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(IncidentRequest.request_id)
            .join(Request, Request.id == IncidentRequest.request_id)
            .where(
                IncidentRequest.incident_id == incident_id,
                Request.status.in_([*OPEN_STATUSES, "completed"]),
            )
            .order_by(IncidentRequest.request_id)
        )
        return list(rows)

    async def linked_authors(self, incident_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(Request.author_id)
            .join(IncidentRequest, IncidentRequest.request_id == Request.id)
            .where(IncidentRequest.incident_id == incident_id)
            .distinct()
            .order_by(Request.author_id)
        )
        return list(rows)

    async def followers(self, incident_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(IncidentFollower.user_id)
            .join(User, User.id == IncidentFollower.user_id)
            .where(IncidentFollower.incident_id == incident_id)
            .order_by(IncidentFollower.at, IncidentFollower.user_id)
        )
        return list(rows)

    async def follow(self, incident_id: int, user_id: int, at: datetime) -> bool:
        stmt = (
            insert(IncidentFollower)
            .values(incident_id=incident_id, user_id=user_id, at=at)
            .on_conflict_do_nothing()
            .returning(IncidentFollower.user_id)
        )
        return await self.session.scalar(stmt) is not None

    async def count_update(self, incident_id: int) -> None:
        await self.session.execute(
            update(Incident).where(Incident.id == incident_id).values(updates=Incident.updates + 1)
        )

    async def resolve(
        self, incident_id: int, by: int, at: datetime, resolution: Resolution, text: str
    ) -> bool:
        # A concurrent resolver waits on the row, then finds it no longer open.
        done = await self.session.scalar(
            update(Incident)
            .where(Incident.id == incident_id, Incident.status == _OPEN)
            .values(
                status="resolved",
                resolved_at=at,
                resolved_by=by,
                resolution=resolution.value,
                resolution_text=text,
            )
            .returning(Incident.id)
        )
        return done is not None

    async def cluster(
        self, building_id: int, category: Category, since: datetime
    ) -> list[tuple[int, datetime]]:
        counted = select(func.unnest(IncidentSuggestion.request_ids)).where(
            IncidentSuggestion.building_id == building_id,
            IncidentSuggestion.category == category,
        )
        rows = await self.session.execute(
            select(Request.id, Request.created_at)
            .where(
                Request.building_id == building_id,
                Request.category == category,
                Request.status.in_(OPEN_STATUSES),
                Request.created_at >= since,
                Request.id.not_in(select(IncidentRequest.request_id)),
                Request.id.not_in(counted),
            )
            .order_by(Request.created_at, Request.id)
        )
        return [(rid, at) for rid, at in rows]

    async def matching_open_requests(
        self, building_id: int, category: Category, since: datetime | None = None
    ) -> list[int]:
        stmt = select(Request.id).where(
            Request.building_id == building_id,
            Request.category == category,
            Request.status.in_(OPEN_STATUSES),
            Request.id.not_in(select(IncidentRequest.request_id)),
        )
        if since is not None:
            stmt = stmt.where(Request.created_at >= since)
        return list(await self.session.scalars(stmt.order_by(Request.id)))

    async def add_suggestion(
        self,
        building_id: int,
        category: Category,
        request_ids: Sequence[int],
        first_at: datetime,
        at: datetime,
    ) -> int | None:
        stmt = (
            insert(IncidentSuggestion)
            .values(
                building_id=building_id,
                category=category,
                request_ids=list(request_ids),
                first_at=first_at,
                created_at=at,
                state="pending",
            )
            .on_conflict_do_nothing(
                index_elements=[IncidentSuggestion.building_id, IncidentSuggestion.category],
                index_where=IncidentSuggestion.state == "pending",
            )
            .returning(IncidentSuggestion.id)
        )
        return await self.session.scalar(stmt)

    async def suggestion(
        self, suggestion_id: int, *, for_update: bool = False
    ) -> Suggestion | None:
        stmt = select(IncidentSuggestion).where(IncidentSuggestion.id == suggestion_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self.session.scalar(stmt)
        if row is None:
            return None
        return Suggestion(
            id=row.id,
            building_id=row.building_id,
            category=row.category,
            request_ids=tuple(row.request_ids),
            first_at=row.first_at,
            created_at=row.created_at,
            pending=row.state == "pending",
            expired=row.state == "expired",
        )

    async def decide_suggestion(
        self, suggestion_id: int, state: str, by: int, at: datetime, incident_id: int | None
    ) -> None:
        await self.session.execute(
            update(IncidentSuggestion)
            .where(IncidentSuggestion.id == suggestion_id)
            .values(state=state, decided_by=by, decided_at=at, incident_id=incident_id)
        )

    async def expire_suggestions(
        self, building_id: int, category: Category, before: datetime
    ) -> None:
        await self.session.execute(
            update(IncidentSuggestion)
            .where(
                IncidentSuggestion.building_id == building_id,
                IncidentSuggestion.category == category,
                IncidentSuggestion.state == "pending",
                IncidentSuggestion.created_at < before,
            )
            .values(state="expired")
        )

    async def lock_pair(self, building_id: int, category: Category) -> None:
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"ukbot.incident:{building_id}:{category.value}"},
        )

    async def address_of(self, building_id: int) -> str:
        return str(
            await self.session.scalar(select(Building.address).where(Building.id == building_id))
            or ""
        )

    async def buildings(
        self, building_ids: Sequence[int] | None, limit: int, query: str = ""
    ) -> list[tuple[int, str]]:
        stmt = select(Building.id, Building.address).order_by(Building.address, Building.id)
        if building_ids is not None:
            stmt = stmt.where(Building.id.in_(list(building_ids)))
        if query:
            pattern = (
                "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            stmt = stmt.where(Building.address.ilike(pattern))
        rows = await self.session.execute(stmt.limit(limit))
        return [(bid, address) for bid, address in rows]
