"""A restart in the middle of an announcement, with real processes: `ukbot run` is
stopped by SIGTERM while the announcement goes out under the emulator's flood limits,
started again, and every resident has it exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from domain.access import Actor
from domain.enums import Language, OutboxState, ResidencyKind, Role, VerificationState
from domain.services.announcements import Draft, send_announcement
from sandbox.client import EmulatorClient
from sandbox.emulator.server import run_emulator
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import Apartment, Building, Organisation, Outbox, ResidentApartment, User
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "1000000077:announcement-restart"
RESIDENTS = 90
FIRST = 9_460_000_000


def _start(env: dict[str, str], logs: Path, n: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=(logs / f"stdout{n}").open("wb"),
        stderr=(logs / f"stderr{n}").open("wb"),
        start_new_session=True,
    )


async def _stop(proc: subprocess.Popen[bytes], logs: Path, n: int) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        await asyncio.to_thread(proc.wait, 30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("still running 30 s after SIGTERM")
    stderr = (logs / f"stderr{n}").read_text(errors="replace")
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]


async def test_a_restarted_bot_continues_the_announcement_and_sends_it_once(
    create_database: Callable[[], Awaitable[str]], tmp_path: Path
) -> None:
    url = await create_database()
    await upgrade_to_head(url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    async with run_emulator("127.0.0.1", 0) as emulator:
        emu = EmulatorClient(emulator.base_url, TOKEN)
        try:
            people = [
                await emu.create_user(f"R{n}", user_id=FIRST + n, started=True)
                for n in range(RESIDENTS)
            ]
            async with factory() as session, session.begin():
                organisation = Organisation(name="Restart UK")
                session.add(organisation)
                await session.flush()
                building = Building(organisation_id=organisation.id, address="Navoi 9")
                session.add(building)
                session.add(User(id=FIRST - 1, first_name="Admin"))
                await session.flush()
                for n, person in enumerate(people):
                    session.add(User(id=person.id, first_name=f"R{n}", language=Language.EN))
                    apartment = Apartment(building_id=building.id, number=str(n + 1))
                    session.add(apartment)
                    await session.flush()
                    session.add(
                        ResidentApartment(
                            user_id=person.id,
                            apartment_id=apartment.id,
                            kind=ResidencyKind.OWNER,
                            verification=VerificationState.APPROVED,
                        )
                    )
            async with SqlUnitOfWork(factory) as uow:
                sent = await send_announcement(
                    uow,
                    Actor(user_id=FIRST - 1, roles=frozenset({Role.ADMIN})),
                    Draft(token="restart", building_ids=(building.id,), text="Lift repair"),
                    datetime.now(UTC),
                    ZoneInfo("Asia/Tashkent"),
                )

            async def delivered() -> int:
                async with factory() as session:
                    return int(
                        await session.scalar(
                            select(func.count())
                            .select_from(Outbox)
                            .where(
                                Outbox.announcement_id == sent.announcement_id,
                                Outbox.state == OutboxState.SENT,
                            )
                        )
                        or 0
                    )

            async def until(count: int, proc: subprocess.Popen[bytes]) -> int:
                deadline = time.monotonic() + 60
                while (done := await delivered()) < count:
                    assert proc.poll() is None, "the bot exited"
                    assert time.monotonic() < deadline, f"{done} delivered in 60 s"
                    await asyncio.sleep(0.05)
                return done

            env = {k: v for k, v in os.environ.items() if not k.startswith("UKBOT_")}
            env.update(
                UKBOT_BOT_TOKEN=TOKEN,
                UKBOT_TELEGRAM_API_URL=emulator.base_url,
                UKBOT_DATABASE_URL=url,
                UKBOT_AUTO_MIGRATE="false",
                UKBOT_OUTBOX_GLOBAL_RATE="20",  # 90 residents: four and a half seconds
                UKBOT_DATA_DIR=str(tmp_path / "var"),
                UKBOT_LOG_LEVEL="WARNING",
            )
            first = _start(env, tmp_path, 1)
            try:
                await until(20, first)
            finally:
                await _stop(first, tmp_path, 1)
            halfway = await delivered()
            assert 20 <= halfway < RESIDENTS, halfway

            second = _start(env, tmp_path, 2)
            try:
                await until(RESIDENTS, second)
            finally:
                await _stop(second, tmp_path, 2)
            for person in people:
                received = [m.content for m in await person.messages() if m.from_bot]
                assert len(received) == 1, (person.id, received)
                assert received[0].startswith("📢 Announcement from Restart UK")
            async with factory() as session:  # nobody's message was sent again in doubt
                doubts = await session.scalar(
                    select(func.count()).select_from(Outbox).where(Outbox.last_error.is_not(None))
                )
            assert doubts == 0
        finally:
            await emu.close()
            await engine.dispose()
