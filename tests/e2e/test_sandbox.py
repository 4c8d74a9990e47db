"""`ukbot sandbox` as a user runs it: a separate process that prints how to drive it;
and the demo data it seeds."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Language, Role, Specialization, VerificationState
from sandbox.client import EmulatorClient
from sandbox.demo import DEMO_BUILDINGS, DemoPeople, seed_demo
from sandbox.run import SANDBOX_TOKEN, STAFF_LANGUAGE_ENV, staff_language_from_env
from storage.models import (
    Apartment,
    Building,
    ExecutorSpecialization,
    ResidentApartment,
    User,
    UserRole,
)
from tests.conftest import CreateDatabase


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_sandbox_command_starts_bot_and_demo_data(create_database: CreateDatabase) -> None:
    # A database of its own: the suite's bot, polling the shared one, would take the
    # sandbox's outbox rows and send them to another emulator.
    database_url = await create_database()
    port, api_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "UKBOT_HTTP_PORT": str(api_port),
        "UKBOT_DATABASE_URL": database_url,
        "UKBOT_REDIS_URL": "",
        "UKBOT_BOT_TOKEN": "",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "sandbox",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output = b""
        assert proc.stdout is not None
        while b"Press Ctrl+C" not in output:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
            assert line, output.decode()
            output += line
        assert f"http://127.0.0.1:{port}".encode() in output
        async with EmulatorClient(f"http://127.0.0.1:{port}", SANDBOX_TOKEN) as emu:
            resident = await emu.user(DemoPeople().resident_id)
            await resident.send_command("start")
            await resident.expect("Choose your language", timeout=15)
            await resident.press("English")
            await resident.expect("share your phone")
            # the REST API as the printed instructions call it: a token, then an intake
            found = re.search(rb"client id (\d+), secret (ukc_\S+)", output)
            assert found, output.decode()
            api = f"http://127.0.0.1:{api_port}/api/v1"
            verified = await emu.user(DemoPeople().verified_resident_id)
            await verified.mark()
            async with aiohttp.ClientSession() as http:
                credentials = {"client_id": int(found[1]), "client_secret": found[2].decode()}
                async with http.post(f"{api}/token", json=credentials) as response:
                    token = (await response.json())["access_token"]
                intake = {"phone": "+998901234567", "category": "plumbing", "description": "Leak"}
                headers = {"Authorization": f"Bearer {token}"}
                async with http.post(f"{api}/requests", json=intake, headers=headers) as response:
                    assert response.status == 201, await response.text()
                    number = (await response.json())["number"]
            # the sandbox is a process of its own, sharing the CPU with the whole suite
            await verified.expect(f"№{number} was registered by Sandbox call centre", timeout=15)
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), timeout=30)


async def test_demo_data_and_the_staff_language_setting(
    session_factory: async_sessionmaker[AsyncSession],
    clean_db: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people = DemoPeople()
    assert staff_language_from_env() is Language.EN  # the default
    monkeypatch.setenv(STAFF_LANGUAGE_ENV, "RU")
    language = staff_language_from_env()
    assert language is Language.RU
    await seed_demo(session_factory, people, staff_language=language)
    await seed_demo(session_factory, people, staff_language=language)  # a restart: no doubles
    async with session_factory() as session:
        homes = (
            await session.execute(
                select(Building.address, func.count(Apartment.id))
                .join(Apartment, Apartment.building_id == Building.id)
                .group_by(Building.address)
                .order_by(Building.address)
            )
        ).all()
        assert [tuple(row) for row in homes] == [(b.address, 72) for b in DEMO_BUILDINGS]
        roles = (await session.execute(select(UserRole.user_id, UserRole.role))).all()
        assert sorted((uid, str(role)) for uid, role in roles) == sorted(
            [
                (people.manager_id, str(Role.MANAGER)),
                (people.manager_id, str(Role.ADMIN)),
                (people.executor_id, str(Role.EXECUTOR)),
                (people.electrician_id, str(Role.EXECUTOR)),
            ]
        )
        skills = dict(
            (
                await session.execute(
                    select(
                        ExecutorSpecialization.user_id,
                        func.array_agg(ExecutorSpecialization.specialization),
                    ).group_by(ExecutorSpecialization.user_id)
                )
            ).all()
        )
        assert Specialization.PLUMBER in skills[people.executor_id]
        assert list(skills[people.electrician_id]) == [Specialization.ELECTRICIAN]
        languages = dict((await session.execute(select(User.id, User.language))).all())
        # the staff and the verified resident speak the configured language; the new
        # resident is not known yet (the bot meets her on /start)
        assert languages == {
            people.manager_id: Language.RU,
            people.executor_id: Language.RU,
            people.electrician_id: Language.RU,
            people.verified_resident_id: Language.RU,
        }
        verified = await session.scalar(
            select(ResidentApartment.verification).where(
                ResidentApartment.user_id == people.verified_resident_id
            )
        )
        assert verified is VerificationState.APPROVED
