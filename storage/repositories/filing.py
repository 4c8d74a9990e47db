"""Filing new requests: numbering, creation, media, duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import (
    Category,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    Urgency,
)
from domain.lifecycle import ACTIVE_STATUSES, HistoryEntry
from domain.services.filing import Contact, FiledRequest, NewRequest, SimilarRequest
from domain.services.residents import StoredMedia
from storage.log_context import bind_log_context
from storage.models import Apartment, Media, Request, RequestHistory, RequestWatcher, User
from storage.numbering import allocate_request_number
from storage.repositories.requests import insert_history

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
_NEXT_ID = text("SELECT nextval(pg_get_serial_sequence('requests', 'id'))")


class SqlFilingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_author(self, user_id: int) -> None:
        await self.session.execute(_LOCK, {"key": f"filing:{user_id}"})

    async def filed_draft(self, user_id: int, token: str) -> FiledRequest | None:
        row = (
            await self.session.execute(
                select(Request)
                .join(RequestHistory, RequestHistory.request_id == Request.id)
                .where(
                    Request.author_id == user_id,
                    RequestHistory.action == "create",
                    RequestHistory.payload["draft"].astext == token,
                )
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return FiledRequest(
            id=row.id,
            number=row.number,
            status=RequestStatus(row.status),
            category=Category(row.category),
            urgency=Urgency(row.urgency),
            created_at=row.created_at,
            accept_due_at=row.accept_due_at,
            complete_due_at=row.complete_due_at,
        )

    async def new_request_id(self) -> int:
        return int((await self.session.execute(_NEXT_ID)).scalar_one())

    async def allocate_number(self, now: datetime, tz: ZoneInfo) -> str:
        return await allocate_request_number(self.session, now, tz)

    async def add_request(self, request: NewRequest) -> None:
        state, place = request.state, request.place
        bind_log_context(request=state.number)
        entrance = (
            select(Apartment.entrance_id)
            .where(Apartment.id == place.apartment_id)
            .scalar_subquery()
            if place.apartment_id is not None
            else None
        )
        await self.session.execute(
            insert(Request).values(
                id=state.id,
                number=state.number,
                author_id=state.author_id,
                building_id=state.building_id,
                apartment_id=state.apartment_id,
                entrance_id=entrance,
                place_kind=place.kind,
                category=state.category,
                urgency=state.urgency,
                description=request.description,
                access_mode=request.access,
                time_slot=request.slot,
                status=state.status,
                created_at=state.created_at,
                updated_at=state.created_at,
                accept_due_at=request.accept_due_at,
                complete_due_at=request.complete_due_at,
            )
        )

    async def add_history(self, entry: HistoryEntry) -> None:
        await insert_history(self.session, entry)

    async def add_media(self, request_id: int, owner_id: int, media: Sequence[StoredMedia]) -> None:
        rows: list[dict[str, Any]] = [
            {
                "request_id": request_id,
                "owner_user_id": owner_id,
                "purpose": MediaPurpose.REQUEST,
                "kind": MediaKind(m.kind),
                "file_id": m.file_id,
                "file_unique_id": m.file_unique_id,
                "storage_chat_id": m.storage_chat_id,
                "storage_message_id": m.storage_message_id,
                "mime": m.mime,
                "size": m.size,
            }
            for m in media
        ]
        if rows:
            await self.session.execute(insert(Media).values(rows))

    def _similar_select(self) -> Any:
        return select(Request, Apartment.number).outerjoin(
            Apartment, Apartment.id == Request.apartment_id
        )

    @staticmethod
    def _similar(row: Request, apartment: str | None) -> SimilarRequest:
        return SimilarRequest(
            id=row.id,
            number=row.number,
            status=RequestStatus(row.status),
            category=Category(row.category),
            building_id=row.building_id,
            place_kind=PlaceKind(row.place_kind),
            created_at=row.created_at,
            description=row.description,
            author_id=row.author_id,
            apartment_number=apartment,
        )

    async def similar_open(
        self, building_id: int, category: Category, since: datetime, *, exclude_user: int
    ) -> list[SimilarRequest]:
        watched = select(RequestWatcher.request_id).where(RequestWatcher.user_id == exclude_user)
        rows = await self.session.execute(
            self._similar_select()
            .where(
                Request.building_id == building_id,
                Request.category == category,
                Request.status.in_(sorted(ACTIVE_STATUSES)),
                Request.created_at >= since,
                Request.author_id != exclude_user,
                Request.id.not_in(watched),
            )
            .order_by(Request.created_at.desc(), Request.id.desc())
            .limit(10)
        )
        return [self._similar(row, apartment) for row, apartment in rows.all()]

    async def get_similar(self, request_id: int) -> SimilarRequest | None:
        found = (
            await self.session.execute(self._similar_select().where(Request.id == request_id))
        ).first()
        return self._similar(found[0], found[1]) if found else None

    async def add_watcher(self, request_id: int, user_id: int) -> bool:
        result = await self.session.execute(
            insert(RequestWatcher)
            .values(request_id=request_id, user_id=user_id)
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def contact_of(self, user_id: int) -> Contact:
        row = (
            await self.session.execute(
                select(
                    func.coalesce(
                        User.full_name, func.concat_ws(" ", User.first_name, User.last_name)
                    ),
                    User.phone,
                ).where(User.id == user_id)
            )
        ).first()
        if row is None:
            return Contact(name="—")
        return Contact(name=row[0] or "—", phone=row[1])
