"""Deadlines of requests: their clocks, pending timers and follow-ups.

Timers are one row per (request, kind). ``save`` replaces a request's plan:
a timer whose instant moved to the future is armed again, one that keeps its
instant keeps its "fired" mark, so re-planning never repeats a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.enums import FollowUpReason, RequestStatus, TimerKind
from domain.lifecycle import hold_intervals
from domain.schedule import Schedule, SlaClocks
from domain.services.deadlines import DueTimer, OpenFollowUp, RequestFacts, SweepItem
from domain.sla import Hold, SlaConfig
from storage.models import (
    OPEN_STATUSES,
    Building,
    FollowUp,
    Request,
    RequestHistory,
    SlaTimer,
    User,
)
from storage.repositories.requests import request_state, sla_clocks
from storage.repositories.settings import SqlSettingsRepository


@dataclass(frozen=True, slots=True)
class _StatusChange:
    from_status: RequestStatus | None
    to_status: RequestStatus
    at: datetime


def claim_due_statement(now: datetime, limit: int) -> Select[int, int, str, datetime]:
    """The sweep's claim: the ``limit`` oldest pending due timers (their timer and
    request rows locked, locked ones skipped) and all other pending due timers of
    the same requests (``SqlScheduleRepository.claim_due``)."""
    due = (SlaTimer.fired_at.is_(None), SlaTimer.due_at <= now)
    oldest = (
        select(SlaTimer.request_id)
        .join(Request, Request.id == SlaTimer.request_id)
        .where(*due)
        .order_by(SlaTimer.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=[SlaTimer, Request])
        .cte("oldest_due")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(SlaTimer.id, SlaTimer.request_id, SlaTimer.kind, SlaTimer.due_at)
        .where(*due, SlaTimer.request_id.in_(select(oldest.c.request_id)))
        .order_by(SlaTimer.due_at, SlaTimer.id)
        .with_for_update(skip_locked=True, of=SlaTimer)
    )


# Timers of kinds no longer planned are deleted; planned ones are upserted. An
# instant moved into the future is armed again (``fired_at`` cleared); one that
# did not move keeps its "fired" mark, so re-planning never repeats a message.
# The three parts touch disjoint rows, as one statement requires.
_SAVE_PLAN = text(
    """
    WITH clocks AS (
        UPDATE requests SET
            accept_clock_from = :accept_from,
            complete_clock_from = :complete_from,
            accept_extension_seconds = :accept_extension,
            complete_extension_seconds = :complete_extension,
            auto_accept_from = :auto_accept_from,
            incident_due_at = :incident_due,
            accept_due_at = :accept_due,
            complete_due_at = :complete_due
        WHERE id = :request_id
    ), dropped AS (
        DELETE FROM sla_timers
        WHERE request_id = :request_id AND kind <> ALL(:kinds)
    )
    INSERT INTO sla_timers (request_id, kind, due_at)
    SELECT :request_id, planned.kind, planned.due_at
    FROM unnest(:kinds, :dues) AS planned(kind, due_at)
    ON CONFLICT (request_id, kind) DO UPDATE SET
        due_at = excluded.due_at,
        fired_at = CASE
            WHEN sla_timers.due_at <> excluded.due_at AND excluded.due_at > :now THEN NULL
            ELSE sla_timers.fired_at
        END
    """
).bindparams(
    bindparam("request_id", type_=BigInteger),
    bindparam("accept_from", type_=DateTime(timezone=True)),
    bindparam("complete_from", type_=DateTime(timezone=True)),
    bindparam("accept_extension", type_=Integer),
    bindparam("complete_extension", type_=Integer),
    bindparam("auto_accept_from", type_=DateTime(timezone=True)),
    bindparam("incident_due", type_=DateTime(timezone=True)),
    bindparam("accept_due", type_=DateTime(timezone=True)),
    bindparam("complete_due", type_=DateTime(timezone=True)),
    bindparam("kinds", type_=ARRAY(String)),
    bindparam("dues", type_=ARRAY(DateTime(timezone=True))),
    bindparam("now", type_=DateTime(timezone=True)),
)


_CLOCKS = select(
    Request.created_at,
    Request.accept_clock_from,
    Request.complete_clock_from,
    Request.accept_extension_seconds,
    Request.complete_extension_seconds,
    Request.auto_accept_from,
    Request.incident_due_at,
).where(Request.id == bindparam("request_id"))
# Built once: every re-plan needs the open follow-up (a change's comes with its write).
_OPEN_FOLLOW_UP = select(FollowUp.id, FollowUp.reason, FollowUp.opened_at, FollowUp.due_at).where(
    FollowUp.request_id == bindparam("request_id"), FollowUp.closed_at.is_(None)
)


class SqlScheduleRepository:
    def __init__(self, session: AsyncSession, tz: ZoneInfo) -> None:
        self.session = session
        self.tz = tz

    async def config(self) -> SlaConfig:
        return (await SqlSettingsRepository(self.session).load()).sla_config(self.tz)

    # ------------------------------------------------------------------ clocks

    async def clocks(self, request_id: int) -> SlaClocks:
        row = (await self.session.execute(_CLOCKS, {"request_id": request_id})).first()
        if row is None:
            raise LookupError(f"request {request_id} does not exist")
        return sla_clocks(row)

    async def holds(self, request_id: int) -> list[Hold]:
        rows = await self.session.execute(
            select(RequestHistory.from_status, RequestHistory.to_status, RequestHistory.at)
            .where(
                RequestHistory.request_id == request_id,
                (RequestHistory.to_status == RequestStatus.ON_HOLD)
                | (RequestHistory.from_status == RequestStatus.ON_HOLD),
            )
            .order_by(RequestHistory.at, RequestHistory.id)
        )
        return hold_intervals(
            _StatusChange(before, after, at) for before, after, at in rows if after is not None
        )

    async def save(
        self, request_id: int, clocks: SlaClocks, schedule: Schedule, now: datetime
    ) -> None:
        """The request's clocks and deadlines, and its timers replaced: one statement
        (every transition re-plans; three statements cost three round trips)."""
        await self.session.execute(
            _SAVE_PLAN,
            {
                "request_id": request_id,
                "accept_from": clocks.accept_from,
                "complete_from": clocks.complete_from,
                "accept_extension": int(clocks.accept_extension.total_seconds()),
                "complete_extension": int(clocks.complete_extension.total_seconds()),
                "auto_accept_from": clocks.auto_accept_from,
                "incident_due": clocks.incident_due,
                "accept_due": schedule.accept_due,
                "complete_due": schedule.complete_due,
                "kinds": [kind.value for kind in schedule.timers],
                "dues": list(schedule.timers.values()),
                "now": now,
            },
        )

    # ------------------------------------------------------------------ the sweep

    async def claim_due(self, now: datetime, limit: int) -> list[DueTimer]:
        """Lock due timers and their requests; a concurrent sweeper skips them.

        The request rows are locked too, in the same order a change takes them
        (request, then timers), and skipped while a change holds one: so a
        sweep never waits for a user's change, nor a change deadlocks on a sweep.
        The ``limit`` oldest due timers come with every other due timer of their
        requests, so a sweep sees all of a request's news at once and announces
        only the most severe, however far behind it is (``claim_due_statement``).
        """
        rows = await self.session.execute(claim_due_statement(now, limit))
        return [DueTimer(row.id, row.request_id, TimerKind(row.kind), row.due_at) for row in rows]

    async def mark_fired(self, timer_ids: Sequence[int], now: datetime) -> None:
        if timer_ids:
            await self.session.execute(
                update(SlaTimer)
                .where(SlaTimer.id == any_(sa_array(timer_ids)))
                .values(fired_at=now)
            )

    async def postpone(self, timer_ids: Sequence[int], until: datetime) -> None:
        if timer_ids:
            await self.session.execute(
                update(SlaTimer)
                .where(SlaTimer.id == any_(sa_array(timer_ids)))
                .values(due_at=until)
            )

    # ------------------------------------------------------------------ follow-ups

    async def open_follow_up(self, request_id: int) -> OpenFollowUp | None:
        row = (await self.session.execute(_OPEN_FOLLOW_UP, {"request_id": request_id})).first()
        if row is None:
            return None
        return OpenFollowUp(row.id, FollowUpReason(row.reason), row.opened_at, row.due_at)

    async def add_follow_up(
        self, request_id: int, reason: FollowUpReason, at: datetime, due_at: datetime
    ) -> OpenFollowUp | None:
        """Opens a follow-up unless one is open already (then that one stands and
        None is returned)."""
        stmt = insert(FollowUp).values(
            request_id=request_id, reason=reason, opened_at=at, due_at=due_at
        )
        opened = (
            await self.session.execute(
                stmt.on_conflict_do_nothing(
                    index_elements=[FollowUp.request_id],
                    index_where=FollowUp.closed_at.is_(None),
                ).returning(FollowUp.id)
            )
        ).scalar_one_or_none()
        return None if opened is None else OpenFollowUp(opened, reason, at, due_at)

    async def close_follow_up(self, follow_up_id: int, by: int, comment: str, at: datetime) -> None:
        await self.session.execute(
            update(FollowUp)
            .where(FollowUp.id == follow_up_id)
            .values(closed_at=at, closed_by=by, comment=comment)
        )

    async def facts(self, request_id: int) -> RequestFacts:
        return (await self.sweep_items([request_id]))[request_id].facts

    async def planned_request_ids(self, after_id: int, limit: int) -> list[int]:
        open_follow_up = select(FollowUp.request_id).where(FollowUp.closed_at.is_(None))
        rows = await self.session.scalars(
            select(Request.id)
            .where(
                Request.id > after_id,
                Request.status.in_((*OPEN_STATUSES, RequestStatus.COMPLETED))
                | Request.id.in_(open_follow_up),
            )
            .order_by(Request.id)
            .limit(limit)
        )
        return list(rows)

    async def sweep_items(self, request_ids: Sequence[int]) -> dict[int, SweepItem]:
        """The requests, their people's names and open follow-ups, in one query."""
        author = aliased(User)
        executor = aliased(User)
        rows = await self.session.execute(
            select(
                Request,
                Building.address,
                executor.first_name.label("executor_name"),
                author.first_name.label("author_name"),
                author.phone.label("author_phone"),
                FollowUp.id.label("follow_up_id"),
                FollowUp.reason.label("follow_up_reason"),
                FollowUp.opened_at.label("follow_up_opened_at"),
                FollowUp.due_at.label("follow_up_due_at"),
            )
            .join(Building, Building.id == Request.building_id)
            .join(author, author.id == Request.author_id)
            .outerjoin(executor, executor.id == Request.assignee_id)
            .outerjoin(FollowUp, (FollowUp.request_id == Request.id) & FollowUp.closed_at.is_(None))
            .where(Request.id == any_(sa_array(request_ids)))
            .execution_options(populate_existing=True)
        )
        items: dict[int, SweepItem] = {}
        for row in rows:
            request: Request = row.Request
            follow_up = (
                OpenFollowUp(
                    row.follow_up_id,
                    FollowUpReason(row.follow_up_reason),
                    row.follow_up_opened_at,
                    row.follow_up_due_at,
                )
                if row.follow_up_id is not None
                else None
            )
            items[request.id] = SweepItem(
                state=request_state(request, rating=None),
                facts=RequestFacts(
                    address=row.address,
                    executor_name=row.executor_name,
                    author_name=row.author_name,
                    author_phone=row.author_phone,
                    accept_due=request.accept_due_at,
                    complete_due=request.complete_due_at,
                    auto_accept_from=request.auto_accept_from,
                ),
                follow_up=follow_up,
            )
        return items


def sa_array(ids: Sequence[int]) -> Any:
    """One array parameter instead of an IN list: one prepared statement for any count."""
    return literal(list(ids), ARRAY(BigInteger))
