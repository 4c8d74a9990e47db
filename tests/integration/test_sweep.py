"""The deadline sweep against real Postgres: concurrent sweepers share the work
(``FOR UPDATE SKIP LOCKED``) and fire each timer once; after downtime a request
announces only its most severe news; quiet hours postpone; re-planning keeps
what has fired fired unless its instant moved to the future."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import RequestStatus, TimerKind, Urgency
from domain.lifecycle import RequestState
from domain.schedule import SlaClocks, extend
from domain.services.deadlines import SweepReport, reschedule, reschedule_as_stored, sweep
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.usefixtures("clean_db")

TASHKENT = ZoneInfo("Asia/Tashkent")
H = timedelta(hours=1)
M = timedelta(minutes=1)

AUTHOR, EXECUTOR, MANAGER, OTHER_MANAGER, ADMIN = 1000, 2000, 3000, 3001, 4000
MANAGERS = (MANAGER, OTHER_MANAGER)

Factory = async_sessionmaker[AsyncSession]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TASHKENT).astimezone(UTC)


NOON = local(2026, 3, 10, 12, 0)  # a Tuesday


async def never_auto_accept(request_id: int, now: datetime) -> None:
    raise AssertionError("no request here waits for an auto-accept")


async def seed_people(factory: Factory) -> int:
    """An organisation, a building, its two managers, an admin, an executor, a resident."""
    async with factory() as session, session.begin():
        building_id = (
            await session.execute(
                text(
                    "WITH org AS (INSERT INTO organisations (name) VALUES ('Demo UK') RETURNING id) "
                    "INSERT INTO buildings (organisation_id, address) "
                    "SELECT id, 'Tashkent, Navoi 5' FROM org RETURNING id"
                )
            )
        ).scalar_one()
        await session.execute(
            text(
                "INSERT INTO users (id, first_name, phone) VALUES "
                "(1000, 'Aziza', '+998901234567'), (2000, 'Bobur', NULL), "
                "(3000, 'Malika', NULL), (3001, 'Nodir', NULL), (4000, 'Olim', NULL)"
            )
        )
        await session.execute(
            text(
                "INSERT INTO user_roles (user_id, role) VALUES (1000, 'resident'), "
                "(2000, 'executor'), (3000, 'manager'), (3001, 'manager'), (4000, 'admin')"
            )
        )
        await session.execute(
            text(
                "INSERT INTO manager_buildings (user_id, building_id) VALUES (3000, :b), (3001, :b)"
            ),
            {"b": building_id},
        )
    return int(building_id)


async def insert_requests(
    factory: Factory,
    building_id: int,
    count: int,
    *,
    status: RequestStatus = RequestStatus.ASSIGNED,
    urgency: Urgency = Urgency.NORMAL,
    created_at: datetime,
    prefix: str = "R",
) -> list[int]:
    """``count`` requests in one statement; their ids in order."""
    assignee = None if status is RequestStatus.NEW else EXECUTOR
    async with factory() as session, session.begin():
        rows = await session.execute(
            text(
                "INSERT INTO requests (number, author_id, building_id, place_kind, category, "
                "urgency, description, status, assignee_id, created_at, assigned_at) "
                "SELECT CAST(:prefix AS text) || '-' || g, :author, :building, 'apartment', 'plumbing', "
                ":urgency, 'Water is leaking', :status, :assignee, :created, "
                "CASE WHEN CAST(:assignee AS bigint) IS NULL THEN NULL ELSE CAST(:created AS timestamptz) END "
                "FROM generate_series(1, :count) AS g ORDER BY g RETURNING id"
            ),
            {
                "prefix": prefix,
                "author": AUTHOR,
                "building": building_id,
                "urgency": urgency.value,
                "status": status.value,
                "assignee": assignee,
                "created": created_at,
                "count": count,
            },
        )
        return sorted(int(row_id) for row_id in rows.scalars())


async def plan_request(factory: Factory, request_id: int, now: datetime) -> RequestState:
    """The write path's re-planning of a request filed at ``created_at``."""
    async with SqlUnitOfWork(factory) as uow:
        state = await uow.requests.get_state(request_id)
        assert state is not None
        await reschedule(
            uow.schedule, state, now, clocks=SlaClocks.started(state.created_at), follow_up=None
        )
        await uow.commit()
    return state


async def sweep_until_idle(factory: Factory, now: datetime, limit: int) -> list[SweepReport]:
    reports: list[SweepReport] = []
    while True:
        async with SqlUnitOfWork(factory) as uow:
            report = await sweep(uow, now, never_auto_accept, limit=limit)
        if report.idle:
            return reports
        reports.append(report)


async def fetch(factory: Factory, sql: str, **params: object) -> list[tuple[object, ...]]:
    async with factory() as session:
        return [tuple(row) for row in await session.execute(text(sql), params)]


async def timers(factory: Factory, request_id: int) -> dict[str, tuple[datetime, datetime | None]]:
    rows = await fetch(
        factory,
        "SELECT kind, due_at, fired_at FROM sla_timers WHERE request_id = :r",
        r=request_id,
    )
    found: dict[str, tuple[datetime, datetime | None]] = {}
    for kind, due, fired in rows:
        assert isinstance(due, datetime) and (fired is None or isinstance(fired, datetime))
        found[str(kind)] = (due, fired)
    return found


# --------------------------------------------------------------------------- (a) concurrency


async def test_two_concurrent_sweepers_fire_every_timer_once(session_factory: Factory) -> None:
    building_id = await seed_people(session_factory)
    ids = await insert_requests(
        session_factory, building_id, 1000, created_at=NOON - 5 * H, prefix="C"
    )
    kinds = (TimerKind.ACCEPT_REMINDER, TimerKind.ACCEPT_OVERDUE, TimerKind.ACCEPT_CRITICAL)
    async with session_factory() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO sla_timers (request_id, kind, due_at) "
                "SELECT id, (CAST(:kinds AS text[]))[CAST(id % 3 AS int) + 1], "
                "       CAST(:now AS timestamptz) - make_interval(secs => id) "
                "FROM requests"
            ),
            {"kinds": [kind.value for kind in kinds], "now": NOON},
        )
    recipients = {
        TimerKind.ACCEPT_REMINDER: {EXECUTOR},
        TimerKind.ACCEPT_OVERDUE: set(MANAGERS),
        TimerKind.ACCEPT_CRITICAL: {*MANAGERS, ADMIN},
    }
    expected = {
        (f"sla:{request_id}:{kinds[request_id % 3].value}:{user}", user)
        for request_id in ids
        for user in recipients[kinds[request_id % 3]]
    }

    first, second = await asyncio.gather(
        sweep_until_idle(session_factory, NOON, 50), sweep_until_idle(session_factory, NOON, 50)
    )

    assert first
    assert second  # both took a share of the work
    claimed = sum(report.claimed for report in first + second)
    announced = sum(report.announced for report in first + second)
    assert claimed == 1000  # none claimed twice, none left behind
    assert announced == 1000
    outbox = await fetch(session_factory, "SELECT dedupe_key, chat_id FROM outbox")
    assert len(outbox) == len(expected)
    assert set(outbox) == expected
    pending = await fetch(session_factory, "SELECT count(*) FROM sla_timers WHERE fired_at IS NULL")
    assert pending == [(0,)]


# --------------------------------------------------------------------------- (b) catch-up


async def test_catch_up_announces_only_the_escalation(session_factory: Factory) -> None:
    building_id = await seed_people(session_factory)
    filed = local(2026, 3, 10, 9, 0)
    (request_id,) = await insert_requests(
        session_factory, building_id, 1, status=RequestStatus.NEW, created_at=filed
    )
    await plan_request(session_factory, request_id, filed)
    planned = await timers(session_factory, request_id)
    assert planned["accept_critical"][0] == local(2026, 3, 10, 15, 0)  # 150 % of 4 h

    after_downtime = local(2026, 3, 10, 16, 0)  # 75 %, 100 % and 150 % all overdue
    async with SqlUnitOfWork(session_factory) as uow:
        report = await sweep(uow, after_downtime, never_auto_accept)
    assert (report.claimed, report.announced, report.postponed) == (3, 1, 0)
    outbox = await fetch(session_factory, "SELECT template, chat_id, dedupe_key FROM outbox")
    assert sorted(outbox) == sorted(
        ("sla-escalation-critical", user, f"sla:{request_id}:accept_critical:{user}")
        for user in (*MANAGERS, ADMIN)
    )
    fired = await timers(session_factory, request_id)
    assert all(fired[kind][1] == after_downtime for kind in ("accept_reminder", "accept_overdue"))
    assert fired["accept_critical"][1] == after_downtime
    assert fired["complete_reminder"][1] is None  # not due yet
    assert await sweep_until_idle(session_factory, after_downtime, 500) == []


async def test_catch_up_in_small_batches_still_announces_once_per_request(
    session_factory: Factory,
) -> None:
    """More overdue timers than one batch holds: a request's timers are claimed together."""
    building_id = await seed_people(session_factory)
    filed = local(2026, 3, 10, 9, 0)
    ids = await insert_requests(
        session_factory, building_id, 5, status=RequestStatus.NEW, created_at=filed
    )
    for request_id in ids:
        await plan_request(session_factory, request_id, filed)
    reports = await sweep_until_idle(session_factory, local(2026, 3, 10, 16, 0), limit=4)
    assert sum(report.claimed for report in reports) == 15
    assert sum(report.announced for report in reports) == 5
    templates = await fetch(session_factory, "SELECT DISTINCT template FROM outbox")
    assert templates == [("sla-escalation-critical",)]


# --------------------------------------------------------------------------- (c) quiet hours


async def test_quiet_hours_postpone_a_normal_request_but_not_an_emergency(
    session_factory: Factory,
) -> None:
    building_id = await seed_people(session_factory)
    night = local(2026, 3, 10, 23, 0)
    (normal,) = await insert_requests(
        session_factory, building_id, 1, created_at=night - 5 * H, prefix="N"
    )
    (emergency,) = await insert_requests(
        session_factory,
        building_id,
        1,
        urgency=Urgency.EMERGENCY,
        created_at=night - 12 * M,
        prefix="E",
    )
    await plan_request(session_factory, emergency, night - 12 * M)  # reminder at 11.25 min
    async with session_factory() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO sla_timers (request_id, kind, due_at) "
                "VALUES (:r, 'accept_reminder', :due)"
            ),
            {"r": normal, "due": night},  # e.g. moved there by an extension
        )

    async with SqlUnitOfWork(session_factory) as uow:
        report = await sweep(uow, night, never_auto_accept)
    assert (report.claimed, report.announced, report.postponed) == (2, 1, 1)
    morning = local(2026, 3, 11, 8, 0)
    assert (await timers(session_factory, normal))["accept_reminder"] == (morning, None)
    assert (await timers(session_factory, emergency))["accept_reminder"][1] == night
    outbox = await fetch(session_factory, "SELECT template, chat_id, dedupe_key FROM outbox")
    assert outbox == [
        ("sla-reminder-accept", EXECUTOR, f"sla:{emergency}:accept_reminder:{EXECUTOR}")
    ]

    await sweep_until_idle(session_factory, local(2026, 3, 11, 3, 0), 500)  # the emergency's
    assert (await timers(session_factory, normal))["accept_reminder"] == (morning, None)
    assert (
        await fetch(
            session_factory, "SELECT 1 FROM outbox WHERE dedupe_key LIKE :k", k=f"sla:{normal}:%"
        )
        == []
    )
    async with SqlUnitOfWork(session_factory) as uow:
        report = await sweep(uow, morning, never_auto_accept)
    assert report.postponed == 0
    assert (await timers(session_factory, normal))["accept_reminder"] == (morning, morning)
    assert await fetch(
        session_factory, "SELECT template FROM outbox WHERE dedupe_key LIKE :k", k=f"sla:{normal}:%"
    ) == [("sla-reminder-accept",)]


# --------------------------------------------------------------------------- (d) re-planning


async def test_replanning_keeps_fired_timers_fired_unless_moved_to_the_future(
    session_factory: Factory,
) -> None:
    building_id = await seed_people(session_factory)
    filed = local(2026, 3, 10, 9, 0)
    (request_id,) = await insert_requests(session_factory, building_id, 1, created_at=filed)
    state = await plan_request(session_factory, request_id, filed)
    reminder_at = local(2026, 3, 10, 12, 0)  # 75 % of 4 business hours
    now = reminder_at + 10 * M
    async with SqlUnitOfWork(session_factory) as uow:
        report = await sweep(uow, now, never_auto_accept)
    assert report.announced == 1
    before = await timers(session_factory, request_id)
    assert before["accept_reminder"] == (reminder_at, now)

    # the same plan again (say, a comment): what fired stays fired
    later = now + 5 * M
    async with SqlUnitOfWork(session_factory) as uow:
        await reschedule_as_stored(uow.schedule, state, later)
        await uow.commit()
    assert await timers(session_factory, request_id) == before
    async with SqlUnitOfWork(session_factory) as uow:
        assert (await sweep(uow, later, never_auto_accept)).idle

    # extended by 2 h: the reminder moves to 14:00, in the future, and is armed again
    async with SqlUnitOfWork(session_factory) as uow:
        clocks = extend(await uow.schedule.clocks(request_id), state, 2 * H)
        await reschedule(uow.schedule, state, later, clocks=clocks, follow_up=None)
        await uow.commit()
    extended = await timers(session_factory, request_id)
    assert extended["accept_reminder"] == (reminder_at + 2 * H, None)
    assert extended["accept_overdue"] == (local(2026, 3, 10, 15, 0), None)
    assert extended["complete_reminder"] == before["complete_reminder"]

    # extended again, but re-planned only after the new instant passed: stays fired
    async with SqlUnitOfWork(session_factory) as uow:
        await sweep(uow, reminder_at + 2 * H, never_auto_accept)
    fired_at = reminder_at + 2 * H
    async with SqlUnitOfWork(session_factory) as uow:
        clocks = extend(await uow.schedule.clocks(request_id), state, 30 * M)
        await reschedule(
            uow.schedule, state, local(2026, 3, 10, 17, 0), clocks=clocks, follow_up=None
        )
        await uow.commit()
    moved_into_past = await timers(session_factory, request_id)
    assert moved_into_past["accept_reminder"] == (reminder_at + 150 * M, fired_at)

    # accepted: the accept timers are gone, the completion timers stay
    accepted = dataclasses.replace(
        state, status=RequestStatus.ACCEPTED, accepted_at=local(2026, 3, 10, 17, 0)
    )
    async with SqlUnitOfWork(session_factory) as uow:
        await reschedule_as_stored(uow.schedule, accepted, local(2026, 3, 10, 17, 0))
        await uow.commit()
    assert set(await timers(session_factory, request_id)) == {
        "complete_reminder",
        "complete_overdue",
        "complete_critical",
    }
