"""Deadline sweep benchmark: the sweep's claim query over a large ``sla_timers`` table.

Creates a throwaway database, migrates it, bulk-loads ``--requests`` requests
(97 % closed with fired timers, the rest open with pending timers in the
future), makes exactly ``--due`` pending timers due (one per open request),
ANALYZEs, then

* times the claim (``SqlScheduleRepository.claim_due``, the very statement
  the sweeper issues, ``limit`` = the sweeper's batch) inside a transaction
  that is rolled back, ``--runs`` times: min / median / max in ms;
* prints its ``EXPLAIN (ANALYZE, BUFFERS)`` plan and whether the partial index
  ``ix_sla_timers_due_at_pending`` is used;
* times one ``domain.services.deadlines.sweep`` of all due timers (outbox
  writes and the commit included).

Target: the claim under 50 ms at 1,000,000 requests.

    uv run python -m bench.sla_sweep                       # 1,000,000 requests, 1,000 due
    uv run python -m bench.sla_sweep --requests 100000 --due 1000 \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

The server is ``--database-url`` (any database on it), else ``UKBOT_DATABASE_URL``,
else the embedded PostgreSQL in ``UKBOT_DATA_DIR``; the benchmark database is
created on it and dropped at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url

from domain.services.deadlines import SWEEP_BATCH, sweep
from storage.db import create_engine, create_session_factory, normalize_database_url
from storage.models import Outbox
from storage.repositories.schedule import SqlScheduleRepository, claim_due_statement
from storage.uow import SqlUnitOfWork

TASHKENT = ZoneInfo("Asia/Tashkent")
NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)  # Tuesday 12:00 in Tashkent: no quiet hours
PARTIAL_INDEX = "ix_sla_timers_due_at_pending"
BUILDINGS = 200
EXECUTORS = 100
RESIDENTS = 5000
FIRST_RESIDENT, FIRST_EXECUTOR, FIRST_MANAGER, ADMIN = 1_000_000, 2_000_000, 3_000_000, 4_000_000


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(normalize_database_url(url)).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _sqlalchemy_url(url: str, database: str) -> str:
    return (
        make_url(normalize_database_url(url))
        .set(database=database)
        .render_as_string(hide_password=False)
    )


async def _resolve_server(explicit: str | None) -> str:
    if explicit:
        return normalize_database_url(explicit)
    from bot.database import resolve_database_url
    from bot.settings import Settings

    return await asyncio.to_thread(resolve_database_url, Settings())


def _step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


async def load(dsn: str, requests: int, due: int) -> None:
    """Bulk-load the directory, the requests and their timers (INSERT … SELECT)."""
    opened = max(due, requests * 3 // 100)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET synchronous_commit = off")
        started = time.perf_counter()
        await conn.execute(
            f"""
            INSERT INTO organisations (id, name) VALUES (1, 'Bench UK');
            INSERT INTO buildings (id, organisation_id, address)
              SELECT g, 1, 'Bench street ' || g FROM generate_series(1, {BUILDINGS}) g;
            INSERT INTO users (id, first_name, phone)
              SELECT {FIRST_RESIDENT} + g, 'Resident ' || g, '+99890' || lpad(g::text, 7, '0')
              FROM generate_series(1, {RESIDENTS}) g;
            INSERT INTO users (id, first_name)
              SELECT {FIRST_EXECUTOR} + g, 'Executor ' || g FROM generate_series(1, {EXECUTORS}) g
              UNION ALL
              SELECT {FIRST_MANAGER} + g, 'Manager ' || g FROM generate_series(1, {BUILDINGS}) g
              UNION ALL SELECT {ADMIN}, 'Admin';
            INSERT INTO user_roles (user_id, role)
              SELECT {FIRST_RESIDENT} + g, 'resident' FROM generate_series(1, {RESIDENTS}) g
              UNION ALL
              SELECT {FIRST_EXECUTOR} + g, 'executor' FROM generate_series(1, {EXECUTORS}) g
              UNION ALL
              SELECT {FIRST_MANAGER} + g, 'manager' FROM generate_series(1, {BUILDINGS}) g
              UNION ALL SELECT {ADMIN}, 'admin';
            INSERT INTO manager_buildings (user_id, building_id)
              SELECT {FIRST_MANAGER} + g, g FROM generate_series(1, {BUILDINGS}) g;
            """
        )
        started = _step("directory", started)
        # Request g was filed g * 30 s before NOW: the open ones (g <= opened) are the newest.
        await conn.execute(
            f"""
            INSERT INTO requests (
                id, number, author_id, building_id, place_kind, category, urgency,
                description, status, assignee_id, created_at, assigned_at, accepted_at,
                started_at, completed_at, closed_at, accept_due_at, complete_due_at)
            SELECT g, 'B' || g, {FIRST_RESIDENT} + 1 + g % {RESIDENTS}, 1 + g % {BUILDINGS},
                   'apartment',
                   (ARRAY['plumbing','electricity','heating','elevator','cleaning','other'])
                       [1 + g % 6],
                   CASE WHEN g % 20 = 0 THEN 'urgent' ELSE 'normal' END,
                   'Water is leaking under the kitchen sink',
                   CASE WHEN g > {opened} THEN 'closed'
                        WHEN g % 2 = 0 THEN 'assigned' ELSE 'in_progress' END,
                   {FIRST_EXECUTOR} + 1 + g % {EXECUTORS},
                   c, c + interval '10 minutes',
                   CASE WHEN g > {opened} OR g % 2 = 1 THEN c + interval '1 hour' END,
                   CASE WHEN g > {opened} OR g % 2 = 1 THEN c + interval '2 hours' END,
                   CASE WHEN g > {opened} THEN c + interval '20 hours' END,
                   CASE WHEN g > {opened} THEN c + interval '30 hours' END,
                   c + interval '4 hours', c + interval '27 hours'
            FROM generate_series(1, {requests}) g,
                 LATERAL (SELECT $1::timestamptz - g * interval '30 seconds' AS c) AS created
            """,
            NOW,
        )
        await conn.execute("SELECT setval(pg_get_serial_sequence('requests', 'id'), $1)", requests)
        started = _step(f"{requests:,} requests ({opened:,} open)", started)
        # Closed: the reminders that fired during their life. Open: everything pending,
        # in the future; the in-progress ones' accept reminder fired long ago.
        await conn.execute(
            f"""
            INSERT INTO sla_timers (request_id, kind, due_at, fired_at, created_at)
            SELECT r.id, t.kind, r.created_at + t.after,
                   CASE WHEN r.id > {opened} OR t.kind = 'accept_reminder' AND r.id % 2 = 1
                        THEN r.created_at + t.after END,
                   r.created_at
            FROM requests r
            CROSS JOIN LATERAL (VALUES
                ('accept_reminder', interval '3 hours'),
                ('complete_reminder', interval '20 hours')) AS t(kind, after)
            UNION ALL
            SELECT r.id, t.kind, $1::timestamptz + interval '1 hour' + (r.id % 1440) * interval '1 minute' + t.after, NULL, r.created_at
            FROM requests r
            CROSS JOIN LATERAL (VALUES
                ('accept_overdue', interval '1 hour'),
                ('accept_critical', interval '3 hours'),
                ('complete_overdue', interval '7 hours'),
                ('complete_critical', interval '20 hours')) AS t(kind, after)
            WHERE r.id <= {opened} AND (r.id % 2 = 0 OR t.kind LIKE 'complete%')
            """,
            NOW,
        )
        await conn.execute(
            f"""
            UPDATE sla_timers SET due_at = $1::timestamptz + interval '1 hour'
                                           + (request_id % 1440) * interval '1 minute'
            WHERE request_id <= {opened} AND fired_at IS NULL
              AND kind IN ('accept_reminder', 'complete_reminder')
            """,
            NOW,
        )
        started = _step("sla_timers", started)
        # exactly `due` pending timers due now: the reminder of the `due` newest open requests
        made_due = await conn.execute(
            f"""
            UPDATE sla_timers SET due_at = $1::timestamptz - (request_id % 600 + 1) * interval '1 second'
            WHERE request_id <= {due} AND fired_at IS NULL
              AND kind = CASE WHEN request_id % 2 = 0 THEN 'accept_reminder'
                              ELSE 'complete_reminder' END
            """,
            NOW,
        )
        assert made_due == f"UPDATE {due}", made_due
        await conn.execute("VACUUM ANALYZE")
        _step("due timers, VACUUM ANALYZE", started)
        counts = await conn.fetchrow(
            """
            SELECT count(*) AS timers,
                   count(*) FILTER (WHERE fired_at IS NULL) AS pending,
                   count(*) FILTER (WHERE fired_at IS NULL AND due_at <= $1) AS due,
                   pg_size_pretty(pg_total_relation_size('sla_timers')) AS size
            FROM sla_timers
            """,
            NOW,
        )
        print(
            f"  sla_timers: {counts['timers']:,} rows ({counts['size']}), "
            f"{counts['pending']:,} pending, {counts['due']:,} due"
        )
        assert counts["due"] == due
    finally:
        await conn.close()


async def measure(url: str, dsn: str, due: int, runs: int, limit: int) -> None:
    engine = create_engine(url, pool_size=2, max_overflow=0)
    factory = create_session_factory(engine)
    try:
        timings: list[float] = []
        claimed = 0
        for _ in range(runs + 1):  # the first run (connection, statement cache) is not counted
            async with factory() as session, session.begin():
                repo = SqlScheduleRepository(session, TASHKENT)
                started = time.perf_counter()
                claimed = len(await repo.claim_due(NOW, limit))
                timings.append((time.perf_counter() - started) * 1000)
                await session.rollback()
        cold = timings.pop(0)
        print(
            f"\nclaim_due(limit={limit}) over {runs} runs (+1 cold: {cold:.1f} ms), "
            f"{claimed} timers claimed: "
            f"min {min(timings):.1f} ms, median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms (target < 50 ms)"
        )

        compiled = claim_due_statement(NOW, limit).compile(dialect=PGDialect_asyncpg())  # type: ignore[no-untyped-call]
        params = [compiled.params[name] for name in compiled.positiontup or ()]
        conn = await asyncpg.connect(dsn)
        try:
            async with conn.transaction():
                rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), *params)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            await conn.close()
        plan = "\n".join(row[0] for row in rows)
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the claim:\n{plan}")
        print(f"\npartial index {PARTIAL_INDEX} used: {'yes' if PARTIAL_INDEX in plan else 'NO'}")

        async def auto_accept(request_id: int, now: datetime) -> None:
            raise AssertionError("no auto-accept in this benchmark")

        async with SqlUnitOfWork(factory, TASHKENT) as uow:
            started = time.perf_counter()
            report = await sweep(uow, NOW, auto_accept, limit=due)
            elapsed = (time.perf_counter() - started) * 1000
        async with factory() as session:
            written = await session.scalar(select(func.count()).select_from(Outbox))
        print(
            f"\nsweep() of {report.claimed} due timers: {elapsed:.0f} ms "
            f"({report.announced} announced, {written} outbox messages written, committed)"
        )
    finally:
        await engine.dispose()


class _Rollback(Exception):
    pass


async def _main(args: argparse.Namespace) -> None:
    from storage.migrate import upgrade_to_head

    server = await _resolve_server(args.database_url)
    name = f"ukbot_bench_sla_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = _sqlalchemy_url(server, name)
    dsn = _dsn(server, name)
    try:
        print(f"database {name}: migrating, loading", flush=True)
        await upgrade_to_head(url)
        started = time.perf_counter()
        await load(dsn, args.requests, args.due)
        print(f"  loaded in {time.perf_counter() - started:.1f} s")
        await measure(url, dsn, args.due, args.runs, args.limit)
    finally:
        if not args.keep:
            admin = await asyncpg.connect(_dsn(server))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of the claim")
    parser.add_argument(
        "--limit", type=int, default=SWEEP_BATCH, help="claim batch (the sweeper's batch)"
    )
    parser.add_argument("--database-url", help="server to create the benchmark database on")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    if args.due < 1 or args.requests < args.due:
        parser.error("need 1 <= --due <= --requests")
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
