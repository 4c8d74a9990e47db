"""Reports in SQL: the export's rows (streamed with a server-side cursor) and the
digest's numbers, over a period and within a scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, text, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.enums import Category, RequestStatus, Role, Urgency, UserStatus
from domain.lifecycle import OPEN_STATUSES
from domain.services.reports import (
    DayLine,
    DigestNumbers,
    ExecutorLine,
    ExportRow,
    Period,
    ReportScope,
    SlaShare,
)
from storage.models import (
    Apartment,
    Building,
    Entrance,
    Rating,
    ReportDigest,
    Request,
    RequestHistory,
    User,
    UserRole,
)

_S = RequestStatus
_OPEN = tuple(OPEN_STATUSES)
TOP_CATEGORIES = 5
STALE_CLAIM = timedelta(minutes=10)
"""A claimed digest still unsent after this is taken over (its sender died)."""


def _in_scope(scope: ReportScope) -> ColumnElement[bool]:
    ids = scope.building_ids
    return true() if ids is None else Request.building_id.in_(sorted(ids))


def _name(user: Any) -> Any:
    return func.coalesce(func.nullif(user.full_name, ""), user.first_name)


def _overdue(now: datetime) -> ColumnElement[bool]:
    """As the desk's overdue queue."""
    return and_(
        Request.status.in_(_OPEN),
        or_(
            and_(Request.accepted_at.is_(None), Request.accept_due_at < now),
            and_(Request.status != _S.ON_HOLD, Request.complete_due_at < now),
        ),
    )


def _closed_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Closed (done and accepted, or auto-accepted) in [start, end); a cancellation or a
    rejection also sets ``closed_at`` but is not counted as closed."""
    return and_(Request.status == _S.CLOSED, Request.closed_at >= start, Request.closed_at < end)


class SqlReportsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def export_rows(
        self, scope: ReportScope, start: datetime, end: datetime, *, batch: int = 2000
    ) -> AsyncIterator[list[ExportRow]]:
        """Requests created in [start, end), oldest first, ``batch`` rows at a time from a
        server-side cursor (the session must be in a transaction)."""
        author = aliased(User)
        executor = aliased(User)
        stmt = (
            select(
                Request.number,
                Request.created_at,
                Request.category,
                Request.urgency,
                Request.status,
                Building.address,
                Entrance.number,
                Apartment.number,
                _name(author),
                Request.assignee_id,
                _name(executor),
                Request.accepted_at,
                Request.completed_at,
                Request.closed_at,
                Request.accept_due_at,
                Request.complete_due_at,
                Rating.stars,
                Rating.text,
            )
            .join(Building, Building.id == Request.building_id)
            .outerjoin(Apartment, Apartment.id == Request.apartment_id)
            .outerjoin(
                Entrance,
                Entrance.id == func.coalesce(Request.entrance_id, Apartment.entrance_id),
            )
            .join(author, author.id == Request.author_id)
            .outerjoin(executor, executor.id == Request.assignee_id)
            .outerjoin(Rating, Rating.request_id == Request.id)
            .where(_in_scope(scope), Request.created_at >= start, Request.created_at < end)
            .order_by(Request.created_at, Request.id)
            .execution_options(yield_per=batch)
        )
        result = await self.session.stream(stmt)
        async for partition in result.partitions(batch):
            yield [ExportRow(*row) for row in partition]

    async def digest_numbers(
        self, scope: ReportScope, start: datetime, end: datetime, now: datetime, tz: ZoneInfo
    ) -> DigestNumbers:
        where = _in_scope(scope)
        created = and_(Request.created_at >= start, Request.created_at < end)
        closed = _closed_in(start, end)
        totals = (
            await self.session.execute(
                select(
                    func.count().filter(created),
                    func.count().filter(closed),
                    func.count().filter(Request.status.in_(_OPEN)),
                    func.count().filter(_overdue(now)),
                    func.percentile_cont(0.5)
                    .within_group(Request.accepted_at - Request.created_at)
                    .filter(Request.accepted_at >= start, Request.accepted_at < end),
                    func.percentile_cont(0.5)
                    .within_group(Request.completed_at - Request.created_at)
                    .filter(Request.completed_at >= start, Request.completed_at < end),
                ).where(where)
            )
        ).one()
        cancelled = await self.session.scalar(
            select(func.count(func.distinct(RequestHistory.request_id)))
            .join(Request, Request.id == RequestHistory.request_id)
            .where(
                where,
                RequestHistory.to_status == _S.CANCELLED,
                RequestHistory.at >= start,
                RequestHistory.at < end,
            )
        )
        ratings = (
            await self.session.execute(
                select(
                    func.avg(Rating.stars),
                    func.count(),
                    func.count().filter(Rating.stars <= 2),
                )
                .join(Request, Request.id == Rating.request_id)
                .where(where, closed)
            )
        ).one()
        return DigestNumbers(
            created=int(totals[0]),
            closed=int(totals[1]),
            cancelled=int(cancelled or 0),
            open_now=int(totals[2]),
            overdue_now=int(totals[3]),
            sla=await self._sla(where, created, now),
            median_accept=_duration(totals[4]),
            median_complete=_duration(totals[5]),
            average_rating=round(float(ratings[0]), 2) if ratings[0] is not None else None,
            ratings=int(ratings[1]),
            low_ratings=int(ratings[2]),
            executors=await self._executors(where, start, end, now),
            categories=await self._categories(where, created),
            days=await self._days(where, start, end, tz),
        )

    async def _sla(
        self, where: ColumnElement[bool], created: ColumnElement[bool], now: datetime
    ) -> tuple[SlaShare, ...]:
        """Per urgency, of the requests filed in the period whose outcome is known
        (done, or past the deadline): the share done in time."""
        dropped = Request.status.in_((_S.CANCELLED, _S.REJECTED))
        accept_known = and_(
            Request.accept_due_at.is_not(None),
            or_(Request.accepted_at.is_not(None), and_(~dropped, Request.accept_due_at < now)),
        )
        complete_known = and_(
            Request.complete_due_at.is_not(None),
            or_(Request.completed_at.is_not(None), and_(~dropped, Request.complete_due_at < now)),
        )
        rows = await self.session.execute(
            select(
                Request.urgency,
                func.count().filter(accept_known, Request.accepted_at <= Request.accept_due_at),
                func.count().filter(accept_known),
                func.count().filter(
                    complete_known, Request.completed_at <= Request.complete_due_at
                ),
                func.count().filter(complete_known),
            )
            .where(where, created)
            .group_by(Request.urgency)
        )
        found = {row[0]: row for row in rows}
        return tuple(
            SlaShare(urgency, *(int(v) for v in found[urgency][1:]))
            for urgency in Urgency
            if urgency in found
        )

    async def _executors(
        self, where: ColumnElement[bool], start: datetime, end: datetime, now: datetime
    ) -> tuple[ExecutorLine, ...]:
        closed = _closed_in(start, end)
        rows = await self.session.execute(
            select(
                _name(User),
                func.count().filter(closed),
                func.count().filter(closed, Request.completed_at > Request.complete_due_at),
                func.avg(Rating.stars).filter(closed),
                func.count().filter(Request.status.in_(_OPEN)),
            )
            .select_from(Request)
            .join(User, User.id == Request.assignee_id)
            .outerjoin(Rating, Rating.request_id == Request.id)
            .where(where, or_(closed, Request.status.in_(_OPEN)))
            .group_by(User.id, User.full_name, User.first_name)
            .order_by(func.count().filter(closed).desc(), _name(User))
        )
        return tuple(
            ExecutorLine(
                name=str(row[0]),
                closed=int(row[1]),
                late=int(row[2]),
                rating=round(float(row[3]), 2) if row[3] is not None else None,
                open_now=int(row[4]),
            )
            for row in rows
        )

    async def _categories(
        self, where: ColumnElement[bool], created: ColumnElement[bool]
    ) -> tuple[tuple[Category, int], ...]:
        count = func.count()
        rows = await self.session.execute(
            select(Request.category, count)
            .where(where, created)
            .group_by(Request.category)
            .order_by(count.desc(), Request.category)
            .limit(TOP_CATEGORIES)
        )
        return tuple((Category(row[0]), int(row[1])) for row in rows)

    async def _days(
        self, where: ColumnElement[bool], start: datetime, end: datetime, tz: ZoneInfo
    ) -> tuple[DayLine, ...]:
        """Created, closed and completed (and on time) per business day of the period."""
        zone = literal(tz.key)

        def day_of(column: Any) -> Any:
            return func.date(func.timezone(zone, column))

        per_day: dict[Any, list[int]] = {}
        for row in await self.session.execute(
            select(day_of(Request.created_at), func.count())
            .where(where, Request.created_at >= start, Request.created_at < end)
            .group_by(text("1"))
        ):
            per_day.setdefault(row[0], [0, 0, 0, 0])[0] = int(row[1])
        for row in await self.session.execute(
            select(day_of(Request.closed_at), func.count())
            .where(where, _closed_in(start, end))
            .group_by(text("1"))
        ):
            per_day.setdefault(row[0], [0, 0, 0, 0])[1] = int(row[1])
        for row in await self.session.execute(
            select(
                day_of(Request.completed_at),
                func.count(),
                func.count().filter(
                    or_(
                        Request.complete_due_at.is_(None),
                        Request.completed_at <= Request.complete_due_at,
                    )
                ),
            )
            .where(where, Request.completed_at >= start, Request.completed_at < end)
            .group_by(text("1"))
        ):
            line = per_day.setdefault(row[0], [0, 0, 0, 0])
            line[2], line[3] = int(row[1]), int(row[2])
        first = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        days = []
        day = first
        while day <= last:
            c, cl, done, on_time = per_day.get(day, [0, 0, 0, 0])
            days.append(DayLine(day, c, cl, done, on_time))
            day += timedelta(days=1)
        return tuple(days)


def _duration(value: Any) -> timedelta | None:
    return value if isinstance(value, timedelta) else None


class SqlDigestLog:
    """The scheduled digests' rows, their recipients, and the buildings a report
    screen offers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def buildings(
        self, scope: ReportScope, limit: int, *, offset: int = 0
    ) -> list[tuple[int, str]]:
        ids = scope.scope.building_ids
        stmt = select(Building.id, Building.address).order_by(Building.address, Building.id)
        if ids is not None:
            stmt = stmt.where(Building.id.in_(sorted(ids)))
        rows = await self.session.execute(stmt.offset(offset).limit(limit))
        return [(int(row[0]), str(row[1])) for row in rows]

    async def building_address(self, building_id: int) -> str | None:
        return await self.session.scalar(select(Building.address).where(Building.id == building_id))

    async def claim(self, kind: str, period: Period, now: datetime) -> int | None:
        """The digest's row if this process is to send it: inserted now, or left unsent
        by a process that claimed it more than ``STALE_CLAIM`` ago; else ``None``."""
        values = insert(ReportDigest).values(
            kind=kind, period_start=period.start, period_end=period.end, claimed_at=now
        )
        stmt = values.on_conflict_do_update(
            index_elements=[ReportDigest.kind, ReportDigest.period_start],
            set_={"claimed_at": values.excluded.claimed_at},
            where=and_(ReportDigest.sent_at.is_(None), ReportDigest.claimed_at < now - STALE_CLAIM),
        ).returning(ReportDigest.id)
        found = await self.session.scalar(stmt)
        return int(found) if found is not None else None

    async def sent(self, digest_id: int, now: datetime, recipients: int) -> None:
        await self.session.execute(
            update(ReportDigest)
            .where(ReportDigest.id == digest_id)
            .values(sent_at=now, recipients=recipients)
        )

    async def recipients(self, who: str) -> list[tuple[int, str | None]]:
        """Active managers and/or admins (``managers``, ``admins``, ``all``) and their language."""
        roles = {"managers": [Role.MANAGER], "admins": [Role.ADMIN]}.get(
            who, [Role.MANAGER, Role.ADMIN]
        )
        rows = await self.session.execute(
            select(User.id, User.language)
            .where(
                User.status == UserStatus.ACTIVE,
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))),
            )
            .order_by(User.id)
        )
        return [(int(row[0]), row[1].value if row[1] else None) for row in rows]
