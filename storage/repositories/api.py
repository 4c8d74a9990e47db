"""What the REST API (``bot.api``) reads and writes beyond the domain's repositories:
API clients, residents by phone, request lists with a keyset cursor, the event feed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import RequestStatus
from domain.services.api_clients import ApiClient, ApiScope
from storage.models import (
    Apartment,
    Building,
    Request,
    RequestHistory,
    ResidentApartment,
    User,
    table_of,
)
from storage.models import ApiClient as ApiClientRow

EVENTS_SETTLE = timedelta(seconds=2)
"""History rows younger than this are not served yet. A row's id is taken when it is
inserted but seen by others only at its commit, so a newer id may become visible before
an older one: waiting until the transactions that wrote them (milliseconds) are surely
over keeps the cursor from stepping past a row that commits late."""


def _client(row: ApiClientRow) -> ApiClient:
    return ApiClient(
        id=row.id,
        name=row.name,
        scopes=frozenset(ApiScope(s) for s in row.scopes or () if s in ApiScope._value2member_map_),
        building_ids=frozenset(int(b) for b in row.building_ids or ()),
        user_id=row.user_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class SqlApiClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        name: str,
        scopes: Sequence[str],
        building_ids: Sequence[int],
        secret_hash: str,
        created_by: int | None,
        now: datetime,
    ) -> ApiClient:
        client_id = int(
            (await self.session.execute(text("SELECT nextval('api_clients_id_seq')"))).scalar_one()
        )
        user_id = -client_id  # no Telegram user has a negative id
        await self.session.execute(insert(table_of(User)).values(id=user_id, first_name=name))
        await self.session.execute(
            insert(table_of(ApiClientRow)).values(
                id=client_id,
                name=name,
                scopes=list(scopes),
                building_ids=list(building_ids),
                secret_hash=secret_hash,
                user_id=user_id,
                created_by=created_by,
                created_at=now,
            )
        )
        row = await self.session.get(ApiClientRow, client_id)
        assert row is not None
        return _client(row)

    async def get(self, client_id: int) -> ApiClient | None:
        row = (
            await self.session.execute(select(ApiClientRow).where(ApiClientRow.id == client_id))
        ).scalar_one_or_none()
        return _client(row) if row is not None else None

    async def secret_hash_of(self, client_id: int) -> tuple[ApiClient, str] | None:
        row = (
            await self.session.execute(select(ApiClientRow).where(ApiClientRow.id == client_id))
        ).scalar_one_or_none()
        return (_client(row), row.secret_hash) if row is not None else None

    async def list(self) -> list[ApiClient]:
        rows = await self.session.scalars(
            select(ApiClientRow).order_by(ApiClientRow.revoked_at.is_not(None), ApiClientRow.id)
        )
        return [_client(row) for row in rows]

    async def revoke(self, client_id: int, by: int | None, now: datetime) -> ApiClient | None:
        done = (
            await self.session.execute(
                update(ApiClientRow)
                .where(ApiClientRow.id == client_id, ApiClientRow.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=by)
                .returning(ApiClientRow.id)
            )
        ).scalar_one_or_none()
        if done is None:
            return None
        self.session.expire_all()
        return await self.get(client_id)


# --------------------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    number: str
    status: RequestStatus
    category: str
    urgency: str
    building_id: int
    address: str
    apartment: str | None
    place_kind: str
    description: str
    created_at: datetime
    updated_at: datetime
    accept_due_at: datetime | None
    complete_due_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    request_id: int
    number: str
    action: str
    from_status: str | None
    to_status: str | None
    actor_role: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RequestFilter:
    buildings: frozenset[int] | None  # None: every building
    statuses: frozenset[RequestStatus] = frozenset()
    building_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_since: datetime | None = None
    after: tuple[datetime, int] | None = None
    """The keyset cursor: (updated_at, id) of the last row of the previous page."""


_REQUEST_COLUMNS = (
    Request.id,
    Request.number,
    Request.status,
    Request.category,
    Request.urgency,
    Request.building_id,
    Building.address,
    Apartment.number,
    Request.place_kind,
    Request.description,
    Request.created_at,
    Request.updated_at,
    Request.accept_due_at,
    Request.complete_due_at,
    Request.closed_at,
)


def _request_row(row: Any) -> RequestRow:
    return RequestRow(
        id=row[0],
        number=row[1],
        status=RequestStatus(row[2]),
        category=str(row[3]),
        urgency=str(row[4]),
        building_id=row[5],
        address=row[6],
        apartment=row[7],
        place_kind=str(row[8]),
        description=row[9],
        created_at=row[10],
        updated_at=row[11],
        accept_due_at=row[12],
        complete_due_at=row[13],
        closed_at=row[14],
    )


class SqlApiReader:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def residents_with_phone(self, phone: str) -> list[int]:
        """Users who gave this phone and have a home linked (newest link first)."""
        stmt = (
            select(User.id)
            .join(ResidentApartment, ResidentApartment.user_id == User.id)
            .where(User.phone == phone, User.id > 0)
            .group_by(User.id)
            .order_by(func.max(ResidentApartment.created_at).desc())
        )
        return list(await self.session.scalars(stmt))

    async def requests(self, where: RequestFilter, limit: int) -> list[RequestRow]:
        stmt = (
            select(*_REQUEST_COLUMNS)
            .join(Building, Building.id == Request.building_id)
            .outerjoin(Apartment, Apartment.id == Request.apartment_id)
            .order_by(Request.updated_at, Request.id)
            .limit(limit)
        )
        if where.buildings is not None:
            stmt = stmt.where(Request.building_id.in_(sorted(where.buildings)))
        if where.statuses:
            stmt = stmt.where(Request.status.in_(sorted(where.statuses)))
        if where.building_id is not None:
            stmt = stmt.where(Request.building_id == where.building_id)
        if where.created_from is not None:
            stmt = stmt.where(Request.created_at >= where.created_from)
        if where.created_to is not None:
            stmt = stmt.where(Request.created_at < where.created_to)
        if where.updated_since is not None:
            stmt = stmt.where(Request.updated_at >= where.updated_since)
        if where.after is not None:
            stmt = stmt.where(tuple_(Request.updated_at, Request.id) > tuple_(*where.after))
        return [_request_row(row) for row in await self.session.execute(stmt)]

    async def request(self, request_id: int) -> RequestRow | None:
        stmt = (
            select(*_REQUEST_COLUMNS)
            .join(Building, Building.id == Request.building_id)
            .outerjoin(Apartment, Apartment.id == Request.apartment_id)
            .where(Request.id == request_id)
        )
        row = (await self.session.execute(stmt)).first()
        return _request_row(row) if row is not None else None

    async def events(
        self, after: int, buildings: frozenset[int] | None, limit: int
    ) -> list[EventRow]:
        """History rows after ``after`` (by id), settled (``EVENTS_SETTLE``)."""
        stmt = (
            select(
                RequestHistory.id,
                RequestHistory.request_id,
                Request.number,
                RequestHistory.action,
                RequestHistory.from_status,
                RequestHistory.to_status,
                RequestHistory.actor_role,
                RequestHistory.at,
            )
            .join(Request, Request.id == RequestHistory.request_id)
            .where(
                RequestHistory.id > after,
                RequestHistory.at < func.clock_timestamp() - EVENTS_SETTLE,
            )
            .order_by(RequestHistory.id)
            .limit(limit)
        )
        if buildings is not None:
            stmt = stmt.where(Request.building_id.in_(sorted(buildings)))
        return [
            EventRow(
                id=row[0],
                request_id=row[1],
                number=row[2],
                action=str(row[3]),
                from_status=str(row[4]) if row[4] else None,
                to_status=str(row[5]) if row[5] else None,
                actor_role=str(row[6]),
                at=row[7],
            )
            for row in await self.session.execute(stmt)
        ]
