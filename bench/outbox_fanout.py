"""Outbox fan-out benchmark: N notifications to distinct users through the emulator with
Telegram's flood limits switched on. Prints the achieved rate against the configured one
and the number of 429 answers (which must be zero).

    uv run python -m bench.outbox_fanout --users 2500 --per-user 2
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from bot.app import build_limits, create_bot
from bot.i18n import get_translator
from bot.outbox import OutboxWorker
from bot.settings import Settings
from domain.clock import SystemClock
from domain.enums import Language, OutboxState
from domain.services.notifications import Notification
from sandbox.client import EmulatorClient
from storage.db import create_engine, create_session_factory
from storage.models import Outbox, User
from storage.repositories.outbox import OutboxRepository

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


async def _main(args: argparse.Namespace) -> None:
    from bench.world import choose_server, throwaway_database
    from sandbox.emulator.server import run_emulator

    settings = Settings()
    # a throwaway database on the configured server (or the embedded default): the
    # benchmark's users and rows never land in a database someone uses
    server = await choose_server(settings)
    async with throwaway_database(server) as url, run_emulator() as emulator:
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
        "--instances",
        type=int,
        default=1,
        help="outbox workers as separate bot processes would run them (UKBOT_REDIS_URL: shared limits)",
    )
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
