"""The executor's lists, the duty switch and what automatic assignment reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.assignment import ExecutorCandidate
from domain.enums import Category, RequestStatus, Role, Specialization, Urgency, UserStatus
from domain.services.jobs import JOB_STATUSES, BuildingAssignment, JobSummary
from storage.models import (
    Building,
    ExecutorSpecialization,
    Rating,
    Request,
    User,
    UserRole,
)

RECENT_RATINGS = 20
"""Ratings an executor's recent average is taken over."""


def _summary(row: Any) -> JobSummary:
    rid, number, status, category, urgency, address, accept_due, complete_due = row
    return JobSummary(
        id=int(rid),
        number=str(number),
        status=RequestStatus(status),
        category=Category(category),
        urgency=Urgency(urgency),
        address=str(address),
        accept_due_at=accept_due,
        complete_due_at=complete_due,
    )


_COLUMNS = (
    Request.id,
    Request.number,
    Request.status,
    Request.category,
    Request.urgency,
    Building.address,
    Request.accept_due_at,
    Request.complete_due_at,
)


class SqlJobsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_jobs(
        self, executor_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        condition = (Request.assignee_id == executor_id) & Request.status.in_(sorted(statuses))
        total = int(
            await self.session.scalar(select(func.count()).select_from(Request).where(condition))
            or 0
        )
        rows = await self.session.execute(
            select(*_COLUMNS)
            .join(Building, Building.id == Request.building_id)
            .where(condition)
            .order_by(
                Request.complete_due_at.asc().nulls_last(),
                Request.accept_due_at.asc().nulls_last(),
                Request.id,
            )
            .offset(offset)
            .limit(limit)
        )
        return total, [_summary(row) for row in rows.all()]

    async def pool(
        self, categories: frozenset[Category], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        condition = (
            (Request.status == RequestStatus.NEW)
            & Request.assignee_id.is_(None)
            & Request.category.in_(sorted(categories))
        )
        total = int(
            await self.session.scalar(select(func.count()).select_from(Request).where(condition))
            or 0
        )
        rows = await self.session.execute(
            select(*_COLUMNS)
            .join(Building, Building.id == Request.building_id)
            .where(condition)
            .order_by(Request.accept_due_at.asc().nulls_last(), Request.created_at, Request.id)
            .offset(offset)
            .limit(limit)
        )
        return total, [_summary(row) for row in rows.all()]

    async def set_on_duty(self, user_id: int, on_duty: bool) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(on_duty=on_duty, updated_at=func.now())
        )

    # ------------------------------------------------------------ auto-assignment

    async def building_assignment(self, building_id: int) -> BuildingAssignment | None:
        row = (
            await self.session.execute(
                select(Building.auto_assign, Building.lat, Building.lon).where(
                    Building.id == building_id
                )
            )
        ).first()
        if row is None:
            return None
        auto, lat, lon = row
        return BuildingAssignment(auto_assign=bool(auto), lat=lat, lon=lon)

    async def executor_candidates(self) -> list[ExecutorCandidate]:
        """Every active executor with specializations, open work and recent rating."""
        specs = (
            select(func.array_agg(ExecutorSpecialization.specialization))
            .where(ExecutorSpecialization.user_id == User.id)
            .scalar_subquery()
        )
        open_jobs = (
            select(func.count())
            .select_from(Request)
            .where(Request.assignee_id == User.id, Request.status.in_(sorted(JOB_STATUSES)))
            .scalar_subquery()
        )
        recent = (
            select(Rating.stars)
            .join(Request, Request.id == Rating.request_id)
            .where(Request.assignee_id == User.id)
            .order_by(Rating.created_at.desc())
            .limit(RECENT_RATINGS)
            .correlate(User)
            .subquery()
        )
        rating = select(func.avg(recent.c.stars)).scalar_subquery()
        rows = await self.session.execute(
            select(User.id, User.first_name, User.on_duty, specs, open_jobs, rating)
            .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.EXECUTOR))
            .where(User.status == UserStatus.ACTIVE)
            .order_by(User.id)
        )
        return [
            ExecutorCandidate(
                user_id=user_id,
                first_name=name or "",
                specializations=frozenset(Specialization(s) for s in spec_keys or ()),
                on_duty=bool(on_duty),
                open_jobs=int(count or 0),
                recent_rating=float(avg) if avg is not None else None,
            )
            for user_id, name, on_duty, spec_keys, count, avg in rows.all()
        ]
