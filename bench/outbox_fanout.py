"""Outbox fan-out benchmark: N notifications to distinct users through the emulator with
Telegram's flood limits switched on. Prints the achieved rate against the configured one
and the number of 429 answers (which must be zero).

    uv run python -m bench.outbox_fanout --users 2500 --per-user 2

The announcement mode sends an announcement to a building of 10,000 residents (the
``send_announcement`` use case: audience, one outbox row each) and, while it goes out,
writes a personal notification every few seconds: how long each one takes to arrive,
and how much of the announcement was still queued when it did. Once at the free 25/s,
once with Telegram's paid broadcast (the emulator allows 1,000/s for those sends).

    uv run python -m bench.outbox_fanout --announcement 10000 --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from bench.report import write_markdown
from bot.app import build_limits, create_bot
from bot.i18n import get_translator
from bot.outbox import OutboxWorker
from bot.settings import Settings
from domain.access import Actor
from domain.clock import SystemClock
from domain.enums import Language, OutboxState, ResidencyKind, Role, VerificationState
from domain.services.announcements import Draft, send_announcement
from domain.services.notifications import Notification
from sandbox.client import EmulatorClient
from storage.db import create_engine, create_session_factory
from storage.models import Apartment, Building, Organisation, Outbox, ResidentApartment, User
from storage.repositories.outbox import OutboxRepository
from storage.repositories.settings import SqlSettingsRepository, forget_desk_settings
from storage.uow import SqlUnitOfWork

BENCH_TOKEN = "7000000099:outbox-fanout"
FIRST_USER_ID = 9_300_000_000


@dataclass(frozen=True)
class FanoutResult:
    notifications: int
    seconds: float
    configured_rate: float
    throttled_429: int
    sent: int
    failed: int

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"outbox fan-out: {self.sent}/{self.notifications} sent in {self.seconds:.1f} s = "
            f"{self.rate:.1f} msg/s ({self.rate / self.configured_rate:.0%} of the configured "
            f"{self.configured_rate:g}/s); 429 answers: {self.throttled_429}; failed: {self.failed}"
        )


async def run_fanout(
    emulator_url: str,
    database_url: str,
    *,
    users: int,
    per_user: int,
    rate: float = 25.0,
    timeout: float = 600.0,  # noqa: ASYNC109 - an overall bound for the run
    instances: int = 1,
    redis_url: str | None = None,
) -> FanoutResult:
    """``instances`` outbox workers (each with its own pool and Bot, as separate bot
    processes would have) drain the rows together; with ``redis_url`` they share
    Telegram's limits through Redis, else each keeps its own."""
    emu = EmulatorClient(emulator_url, BENCH_TOKEN)
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    settings = Settings(_env_file=None, bot_token=BENCH_TOKEN, telegram_api_url=emulator_url)
    bot = create_bot(settings)
    workers: list[OutboxWorker] = []
    closing: list[Callable[[], Awaitable[None]]] = []
    try:
        ids = [FIRST_USER_ID + i for i in range(users)]
        for user_id in ids:
            await emu.create_user(f"Fan {user_id}", user_id=user_id, started=True)
        async with factory() as session, session.begin():
            await session.execute(
                insert(User)
                .values([{"id": i, "first_name": f"Fan {i}", "language": Language.EN} for i in ids])
                .on_conflict_do_nothing()
            )
            notes = [
                Notification.to_user(user_id, "menu-title" if n % 2 == 0 else "help-text")
                for n in range(per_user)
                for user_id in ids
            ]
            # in chunks: one INSERT holds at most 32767 bind parameters (8 per row)
            for start in range(0, len(notes), 2000):
                await OutboxRepository(session).add_many(notes[start : start + 2000])
        # A per-chat burst of 1 makes any second message to a chat within a second a 429.
        await emu.set_rate_limits(True, private_burst=1.0)
        await emu.reset_rate_limits()
        settings.outbox_global_rate = rate
        for _ in range(instances):
            instance_engine = create_engine(database_url, pool_size=2, max_overflow=2)
            instance_bot = create_bot(settings)
            limits, redis = build_limits(settings, instance_bot.id, redis_url)
            closing.extend([instance_engine.dispose, instance_bot.session.close])
            if redis is not None:
                closing.append(redis.aclose)
            workers.append(
                OutboxWorker(
                    instance_bot, instance_engine, get_translator(), SystemClock(), limits=limits
                )
            )
        started = time.monotonic()
        tasks = [asyncio.create_task(worker.run()) for worker in workers]
        total = users * per_user
        try:
            while time.monotonic() - started < timeout:
                async with factory() as session:
                    done = await session.scalar(
                        select(func.count()).where(Outbox.state != OutboxState.PENDING)
                    )
                if done == total:
                    break
                await asyncio.sleep(0.2)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        elapsed = time.monotonic() - started
        stats = await emu.rate_limit_stats()
        async with factory() as session:
            counts = dict(
                (
                    await session.execute(select(Outbox.state, func.count()).group_by(Outbox.state))
                ).all()
            )
        return FanoutResult(
            notifications=total,
            seconds=elapsed,
            configured_rate=rate,
            throttled_429=int(stats.get("total_429", 0)),
            sent=int(counts.get(OutboxState.SENT, 0)),
            failed=int(counts.get(OutboxState.FAILED, 0)),
        )
    finally:
        for close in closing:
            await close()
        await emu.set_rate_limits(False)
        await emu.close()
        await bot.session.close()
        await engine.dispose()


@dataclass(frozen=True)
class PriorityRun:
    """One announcement to ``recipients`` while personal notifications are written."""

    paid: bool
    recipients: int
    send_seconds: float  # the use case: audience + one outbox row each, one transaction
    latencies: list[float]  # each personal notification: written → in the chat
    bulk_left: list[int]  # announcement rows still queued when each one arrived
    bulk_sent: int
    window_seconds: float
    finished_seconds: float | None  # everyone reached (None: stopped before)
    throttled_429: int
    paid_messages: int

    @property
    def bulk_rate(self) -> float:
        return self.bulk_sent / self.window_seconds if self.window_seconds else 0.0

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p50 = ordered[len(ordered) // 2] if ordered else float("nan")
        whole = (
            f"{self.finished_seconds:.1f} s (measured)"
            if self.finished_seconds is not None
            else f"≈{self.recipients / self.bulk_rate / 60:.1f} min (at the measured rate)"
        )
        return (
            f"| {'paid broadcast' if self.paid else 'free (25/s)'} | {self.recipients:,} | "
            f"{self.send_seconds:.2f} s | {self.bulk_rate:.1f} msg/s | {len(self.latencies)} | "
            f"{p50:.2f} s / {max(ordered, default=float('nan')):.2f} s | "
            f"{min(self.bulk_left, default=0):,} | {whole} | {self.throttled_429} | "
            f"{self.paid_messages:,} |"
        )


async def _seed_building(factory: Any, first_id: int, count: int) -> int:
    """A building whose ``count`` apartments each have a verified resident in the bot."""
    ids = [first_id + i for i in range(count)]
    async with factory() as session, session.begin():
        organisation = Organisation(name=f"Bench UK {first_id}")
        session.add(organisation)
        await session.flush()
        building = Building(organisation_id=organisation.id, address=f"Bench street {first_id}")
        session.add(building)
        await session.flush()
        for start in range(0, count, 2000):
            chunk = ids[start : start + 2000]
            await session.execute(
                insert(User)
                .values([{"id": i, "first_name": f"R{i}", "language": Language.EN} for i in chunk])
                .on_conflict_do_nothing()
            )
            apartments = (
                await session.execute(
                    insert(Apartment)
                    .values([{"building_id": building.id, "number": str(i)} for i in chunk])
                    .returning(Apartment.id)
                )
            ).scalars()
            await session.execute(
                insert(ResidentApartment).values(
                    [
                        {
                            "user_id": user_id,
                            "apartment_id": apartment_id,
                            "kind": ResidencyKind.OWNER,
                            "verification": VerificationState.APPROVED,
                        }
                        for user_id, apartment_id in zip(chunk, apartments, strict=True)
                    ]
                )
            )
        if await session.get(User, first_id - 1) is None:
            session.add(User(id=first_id - 1, first_name="Bench admin"))
    return building.id


async def _create_users(emu: EmulatorClient, ids: list[int]) -> None:
    for start in range(0, len(ids), 50):
        await asyncio.gather(
            *(emu.create_user(f"R{i}", user_id=i, started=True) for i in ids[start : start + 50])
        )


async def run_priority(
    emulator_url: str,
    database_url: str,
    *,
    recipients: int = 10_000,
    paid: bool = False,
    samples: int = 6,
    interval: float = 2.0,
    rate: float = 25.0,
    paid_rate: float = 900.0,
    first_id: int = 9_310_000_000,
) -> PriorityRun:
    """Announces to ``recipients`` residents, then writes ``samples`` personal notifications
    ``interval`` seconds apart while it is sent; with ``paid`` waits for everyone."""
    emu = EmulatorClient(emulator_url, BENCH_TOKEN)
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    settings = Settings(_env_file=None, bot_token=BENCH_TOKEN, telegram_api_url=emulator_url)
    bot = create_bot(settings)
    admin = first_id - 1
    people = [first_id + recipients + n for n in range(samples)]
    try:
        await _create_users(emu, [first_id + i for i in range(recipients)] + people)
        building_id = await _seed_building(factory, first_id, recipients)
        async with factory() as session, session.begin():
            await session.execute(
                insert(User)
                .values([{"id": i, "first_name": f"P{i}", "language": Language.EN} for i in people])
                .on_conflict_do_nothing()
            )
        await emu.set_rate_limits(True, private_burst=1.0)
        await emu.reset_rate_limits()
        async with factory() as session, session.begin():
            await SqlSettingsRepository(session).save("announcements_paid_broadcast", paid, by=None)
        forget_desk_settings()
        started = time.monotonic()
        async with SqlUnitOfWork(factory) as uow:
            result = await send_announcement(
                uow,
                Actor(user_id=admin, roles=frozenset({Role.ADMIN})),
                Draft(
                    token=f"bench{first_id % 100000}{int(paid)}",
                    building_ids=(building_id,),
                    text="Hot water is off tomorrow 10:00-16:00.",
                ),
                datetime.now(UTC),
                ZoneInfo("Asia/Tashkent"),
            )
        send_seconds = time.monotonic() - started
        worker = OutboxWorker(
            bot, engine, get_translator(), SystemClock(), global_rate=rate, paid_rate=paid_rate
        )
        window_started = time.monotonic()
        task = asyncio.create_task(worker.run())
        latencies: list[float] = []
        left: list[int] = []
        finished: float | None = None
        try:
            for person in people:
                await asyncio.sleep(interval)
                client = await emu.user(person)
                await client.mark()
                written = time.monotonic()
                async with factory() as session, session.begin():
                    await OutboxRepository(session).add(Notification.to_user(person, "menu-title"))
                worker.wake()
                await client.expect(timeout=120)
                latencies.append(time.monotonic() - written)
                left.append(await _queued(factory, result.announcement_id))
            if paid:
                for _ in range(6000):  # at most ten minutes
                    if not await _queued(factory, result.announcement_id):
                        finished = time.monotonic() - window_started
                        break
                    await asyncio.sleep(0.1)
            window = time.monotonic() - window_started
            sent = recipients - await _queued(factory, result.announcement_id)
        finally:
            worker.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task, 30)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        stats = await emu.rate_limit_stats()
        async with factory() as session, session.begin():  # what is left is not this run's
            await session.execute(delete(Outbox).where(Outbox.state == OutboxState.PENDING))
        return PriorityRun(
            paid=paid,
            recipients=recipients,
            send_seconds=send_seconds,
            latencies=latencies,
            bulk_left=left,
            bulk_sent=sent,
            window_seconds=window,
            finished_seconds=finished,
            throttled_429=int(stats.get("total_429", 0)),
            paid_messages=int(stats.get("paid_broadcast_messages", 0)),
        )
    finally:
        await emu.set_rate_limits(False)
        await emu.close()
        await bot.session.close()
        await engine.dispose()


async def _queued(factory: Any, announcement_id: int) -> int:
    async with factory() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(
                    Outbox.announcement_id == announcement_id,
                    Outbox.state == OutboxState.PENDING,
                )
            )
            or 0
        )


def priority_section(runs: list[PriorityRun], interval: float) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "## Announcements: personal notifications behind 10,000 recipients",
        "",
        f"_`uv run python -m bench.outbox_fanout --announcement {runs[0].recipients}`: "
        "an announcement to one building's residents through the `send_announcement` use "
        "case, then, while it goes out, a personal notification (as an assignment or a "
        f"status change writes it) every {interval:g} s; see `bench/outbox_fanout.py`._",
        "",
        "| machine |  |",
        "|---|---|",
        f"| date | {datetime.now(UTC):%Y-%m-%d %H:%M} UTC |",
        f"| cpu cores | {os.cpu_count()} |",
        f"| load average before the run | {load} |",
        "",
        "| sending | recipients | Send (audience + rows, one transaction) | announcement rate "
        "| personal notifications | written → in the chat: median / worst | announcement "
        "rows still queued when one arrived (fewest) | everyone reached | 429 answers "
        "| paid messages |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(run.row() for run in runs),
        "",
        "The emulator's flood limits are on (30 msg/s per bot, 1,000/s for sends with "
        "`allow_paid_broadcast`, one message per second per chat with a burst of 1). The "
        "outbox claims personal rows before bulk ones and at most half a second's worth of "
        "announcement rows per batch, so a personal notification waits for one such slice "
        "(plus the claim), not for the thousands of rows queued before it. Free sending "
        "is stopped after the samples (the time to reach everyone is the measured rate "
        "applied to the whole audience); paid broadcast is timed until the last resident. "
        "Its rate is what one outbox worker reached on this machine (the worker, the "
        "emulator and PostgreSQL share its cores), not Telegram's 1,000/s: each message's "
        "outcome is written as soon as it is answered, those answered meanwhile together.",
        "",
    ]
    return "\n".join(lines)


async def _main(args: argparse.Namespace) -> None:
    from bench.world import choose_server, throwaway_database
    from sandbox.emulator.server import run_emulator

    settings = Settings()
    # a throwaway database on the configured server (or the embedded default): the
    # benchmark's users and rows never land in a database someone uses
    server = await choose_server(settings)
    async with throwaway_database(server) as url, run_emulator() as emulator:
        if args.announcement:
            runs = [
                await run_priority(
                    emulator.base_url,
                    url,
                    recipients=args.announcement,
                    paid=paid,
                    interval=args.interval,
                    rate=args.rate,
                    first_id=9_310_000_000 + n * 1_000_000,
                )
                for n, paid in enumerate((False, True))
            ]
            section = priority_section(runs, args.interval)
            print(section)
            if args.write:
                write_markdown(args.write, "announcement priority", section)
            return
        result = await run_fanout(
            emulator.base_url,
            url,
            users=args.users,
            per_user=args.per_user,
            rate=args.rate,
            instances=args.instances,
            redis_url=settings.redis_url.get_secret_value() if settings.redis_url else None,
        )
    print(result.summary())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2500)
    parser.add_argument("--per-user", type=int, default=2)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument(
        "--announcement",
        type=int,
        default=0,
        help="announcement mode: this many recipients (personal notifications behind it)",
    )
    parser.add_argument("--interval", type=float, default=2.0, help="between personal ones")
    parser.add_argument("--write", type=Path, default=None, help="write the table (markdown)")
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="outbox workers as separate bot processes would run them (UKBOT_REDIS_URL: shared limits)",
    )
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
