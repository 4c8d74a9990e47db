"""The manager's desk: queue counters and pages, search, executors, staff chat posts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Float,
    Integer,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.assignment import ExecutorCandidate
from domain.enums import (
    Category,
    RequestStatus,
    Role,
    Specialization,
    Urgency,
    UserStatus,
    VerificationState,
)
from domain.services.desk import (
    NEW_WINDOW,
    DeskItem,
    ExecutorItem,
    PendingLink,
    Queue,
    Scope,
    SearchQuery,
)
from storage.models import (
    OPEN_STATUSES,
    Apartment,
    Building,
    FollowUp,
    Outbox,
    Request,
    RequestWatcher,
    ResidentApartment,
    StaffPost,
    User,
    UserRole,
)

_S = RequestStatus
_IN_PROGRESS = (_S.ASSIGNED, _S.ACCEPTED, _S.IN_PROGRESS, _S.ON_HOLD)
RECENT_RATINGS = 10


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Everything the picker ranks executors by, in one statement (it was five): skills,
# open jobs, last known position (the building of the latest open job) and the
# average of the recent ratings.
_EXECUTOR_CANDIDATES = (
    text(
        """
        SELECT u.id, u.first_name, u.on_duty, u.status,
            ARRAY(
                SELECT s.specialization FROM executor_specializations AS s WHERE s.user_id = u.id
            ) AS specs,
            (
                SELECT count(*) FROM requests AS r
                WHERE r.assignee_id = u.id AND r.status = ANY(:open)
            ) AS open_jobs,
            position.lat, position.lon,
            (
                SELECT avg(last.stars) FROM (
                    SELECT rt.stars FROM ratings AS rt JOIN requests AS r ON r.id = rt.request_id
                    WHERE r.assignee_id = u.id
                    ORDER BY rt.created_at DESC
                    LIMIT :recent
                ) AS last
            ) AS recent_rating
        FROM users AS u
        LEFT JOIN LATERAL (
            SELECT b.lat, b.lon FROM requests AS r JOIN buildings AS b ON b.id = r.building_id
            WHERE r.assignee_id = u.id AND r.status = ANY(:open)
            ORDER BY r.assigned_at DESC
            LIMIT 1
        ) AS position ON true
        WHERE u.id IN (SELECT user_id FROM user_roles WHERE role = 'executor')
        """
    )
    .bindparams(
        bindparam("open", type_=ARRAY(String)),
        bindparam("recent", type_=Integer),
    )
    .columns(
        User.id,
        User.first_name,
        User.on_duty,
        User.status,
        specs=ARRAY(String),
        open_jobs=Integer,
        lat=Float,
        lon=Float,
        recent_rating=Float,
    )
)


# Built once: every change looks for its staff chat card, every picker for the
# building's point (executors' distances).
_DELIVERED_CARDS = select(Outbox.chat_id, Outbox.sent_message_id).where(
    Outbox.dedupe_key.like(bindparam("pattern")),
    Outbox.user_id.is_(None),
    Outbox.edit_of.is_(None),
    Outbox.sent_message_id.is_not(None),
)
_BUILDING_POINT = select(Building.lat, Building.lon).where(Building.id == bindparam("building_id"))


class SqlDeskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ------------------------------------------------------------------ queues

    @staticmethod
    def _scoped(stmt: Any, scope: Scope) -> Any:
        if scope.building_ids is None:
            return stmt
        return stmt.where(Request.building_id.in_(sorted(scope.building_ids)))

    @staticmethod
    def _condition(queue: Queue, now: datetime) -> Any:
        open_ = Request.status.in_(OPEN_STATUSES)
        if queue is Queue.NEW:
            return and_(Request.status == _S.NEW, Request.created_at >= now - NEW_WINDOW)
        if queue is Queue.UNASSIGNED:
            return and_(open_, Request.assignee_id.is_(None))
        if queue is Queue.OVERDUE:
            return and_(
                open_,
                or_(
                    and_(Request.accepted_at.is_(None), Request.accept_due_at < now),
                    and_(Request.status != _S.ON_HOLD, Request.complete_due_at < now),
                ),
            )
        if queue is Queue.IN_PROGRESS:
            return Request.status.in_(_IN_PROGRESS)
        if queue is Queue.WAITING:
            return Request.status == _S.COMPLETED
        if queue is Queue.RETURNED:
            return Request.status == _S.RETURNED
        if queue is Queue.LOW_RATED:  # shown as "Follow-ups": an open follow up
            return Request.id.in_(select(FollowUp.request_id).where(FollowUp.closed_at.is_(None)))
        raise ValueError(queue)  # pragma: no cover - verification is counted apart

    def _pending(self, scope: Scope) -> Any:
        stmt = (
            select(ResidentApartment.id, User.first_name, User.full_name)
            .add_columns(Building.address, Apartment.number)
            .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
            .join(Building, Building.id == Apartment.building_id)
            .join(User, User.id == ResidentApartment.user_id)
            .where(ResidentApartment.verification == VerificationState.PENDING)
        )
        if scope.building_ids is not None:
            stmt = stmt.where(Apartment.building_id.in_(sorted(scope.building_ids)))
        return stmt

    async def count_queue(self, scope: Scope, queue: Queue, now: datetime) -> int:
        if queue is Queue.VERIFICATION:
            stmt = select(func.count()).select_from(self._pending(scope).subquery())
        else:
            stmt = self._scoped(
                select(func.count()).select_from(Request).where(self._condition(queue, now)),
                scope,
            )
        return int(await self.session.scalar(stmt) or 0)

    def _items(self) -> Any:
        return (
            select(
                Request.id,
                Request.number,
                Request.status,
                Request.category,
                Request.urgency,
                Building.address,
                Apartment.number,
                Request.created_at,
                Request.building_id,
            )
            .join(Building, Building.id == Request.building_id)
            .outerjoin(Apartment, Apartment.id == Request.apartment_id)
        )

    @staticmethod
    def _item(row: Any) -> DeskItem:
        rid, number, status, category, urgency, address, apartment, created, building = row
        return DeskItem(
            id=rid,
            number=number,
            status=RequestStatus(status),
            category=Category(category),
            urgency=Urgency(urgency),
            address=address,
            apartment=apartment,
            created_at=created,
            building_id=building,
        )

    async def list_queue(
        self, scope: Scope, queue: Queue, now: datetime, offset: int, limit: int
    ) -> list[DeskItem]:
        if queue is Queue.LOW_RATED:
            return await self._follow_ups(scope, offset, limit)
        stmt = self._scoped(self._items().where(self._condition(queue, now)), scope)
        if queue is Queue.OVERDUE:
            due = func.least(
                func.coalesce(Request.complete_due_at, Request.accept_due_at),
                func.coalesce(Request.accept_due_at, Request.complete_due_at),
            )
            stmt = stmt.order_by(due.asc().nulls_last(), Request.id)
        else:
            stmt = stmt.order_by(Request.created_at.desc(), Request.id.desc())
        rows = await self.session.execute(stmt.offset(offset).limit(limit))
        return [self._item(row) for row in rows.all()]

    async def _follow_ups(self, scope: Scope, offset: int, limit: int) -> list[DeskItem]:
        """Requests with an open follow up, the oldest due first, with its reason and due."""
        stmt = self._scoped(
            self._items()
            .add_columns(FollowUp.reason, FollowUp.due_at)
            .join(FollowUp, FollowUp.request_id == Request.id)
            .where(FollowUp.closed_at.is_(None)),
            scope,
        )
        rows = await self.session.execute(
            stmt.order_by(FollowUp.due_at, FollowUp.id).offset(offset).limit(limit)
        )
        return [
            replace(self._item(row[:9]), follow_up_reason=row[9], follow_up_due=row[10])
            for row in rows.all()
        ]

    async def pending_links(self, scope: Scope, offset: int, limit: int) -> list[PendingLink]:
        rows = await self.session.execute(
            self._pending(scope)
            .order_by(ResidentApartment.created_at, ResidentApartment.id)
            .offset(offset)
            .limit(limit)
        )
        return [
            PendingLink(link_id, full_name or first_name or "", address, apartment)
            for link_id, first_name, full_name, address, apartment in rows.all()
        ]

    # ------------------------------------------------------------------ search

    async def search(self, scope: Scope, query: SearchQuery, limit: int) -> list[DeskItem]:
        text = query.text
        author = User.__table__.alias("author")
        conditions = [
            Request.number.ilike(_like(text) + "%"),
            Building.address.ilike("%" + _like(text) + "%"),
            func.lower(Apartment.number) == text.lower(),
        ]
        if len(query.digits) >= 5:
            phone_digits = func.regexp_replace(author.c.phone, "[^0-9]", "", "g")
            conditions.append(phone_digits.contains(query.digits))
        stmt = self._scoped(
            self._items().join(author, author.c.id == Request.author_id).where(or_(*conditions)),
            scope,
        )
        rows = await self.session.execute(
            stmt.order_by(Request.created_at.desc(), Request.id.desc()).limit(limit)
        )
        return [self._item(row) for row in rows.all()]

    async def by_number(self, scope: Scope, number: str) -> DeskItem | None:
        stmt = self._scoped(self._items().where(Request.number == number), scope)
        row = (await self.session.execute(stmt)).first()
        if row is None:  # a unique prefix is enough ("2511" of "251122-004")
            rows = (
                await self.session.execute(
                    self._scoped(
                        self._items().where(Request.number.ilike(_like(number) + "%")), scope
                    ).limit(2)
                )
            ).all()
            row = rows[0] if len(rows) == 1 else None
        return self._item(row) if row is not None else None

    # --------------------------------------------------------------- executors

    async def executor_candidates(self) -> list[ExecutorCandidate]:
        rows = await self.session.execute(
            _EXECUTOR_CANDIDATES,
            {"open": [status.value for status in OPEN_STATUSES], "recent": RECENT_RATINGS},
        )
        return [
            ExecutorCandidate(
                user_id=row.id,
                first_name=row.first_name or "",
                specializations=frozenset(Specialization(spec) for spec in row.specs or ()),
                on_duty=bool(row.on_duty),
                is_active=row.status == UserStatus.ACTIVE,
                open_jobs=int(row.open_jobs),
                lat=row.lat if row.lon is not None else None,
                lon=row.lon if row.lat is not None else None,
                recent_rating=float(row.recent_rating) if row.recent_rating is not None else None,
            )
            for row in rows
        ]

    async def building_point(self, building_id: int) -> tuple[float | None, float | None]:
        row = (await self.session.execute(_BUILDING_POINT, {"building_id": building_id})).first()
        if row is None or row[0] is None or row[1] is None:
            return None, None
        return float(row[0]), float(row[1])

    async def find_executors(self, name: str, limit: int) -> list[ExecutorItem]:
        executors = select(UserRole.user_id).where(UserRole.role == Role.EXECUTOR)
        jobs = (
            select(func.count())
            .select_from(Request)
            .where(Request.assignee_id == User.id, Request.status.in_(OPEN_STATUSES))
            .scalar_subquery()
        )
        stmt = select(
            User.id, User.first_name, User.full_name, User.phone, User.on_duty, jobs
        ).where(User.id.in_(executors), User.status == UserStatus.ACTIVE)
        if name:
            pattern = "%" + _like(name) + "%"
            stmt = stmt.where(
                or_(
                    User.first_name.ilike(pattern),
                    User.full_name.ilike(pattern),
                    User.username.ilike(pattern),
                )
            )
        rows = await self.session.execute(stmt.order_by(User.first_name, User.id).limit(limit))
        return [
            ExecutorItem(uid, full or first or "", phone, bool(duty), int(count or 0))
            for uid, first, full, phone, duty, count in rows.all()
        ]

    # -------------------------------------------------------------- duplicates

    async def mark_duplicate(self, request_id: int, original_id: int) -> None:
        await self.session.execute(
            update(Request).where(Request.id == request_id).values(duplicate_of_id=original_id)
        )

    async def add_watcher(self, request_id: int, user_id: int) -> None:
        await self.session.execute(
            insert(RequestWatcher)
            .values(request_id=request_id, user_id=user_id)
            .on_conflict_do_nothing()
        )

    # -------------------------------------------------------------- staff posts

    async def delivered_cards(self, request_id: int) -> list[tuple[int, int]]:
        rows = await self.session.execute(
            _DELIVERED_CARDS, {"pattern": f"filing-card:{request_id}:%"}
        )
        return [(int(chat), int(message)) for chat, message in rows.all() if message is not None]

    async def record_staff_post(self, request_id: int, chat_id: int, message_id: int) -> None:
        await self.session.execute(
            insert(StaffPost)
            .values(request_id=request_id, chat_id=chat_id, message_id=message_id)
            .on_conflict_do_nothing()
        )
