"""Outage storm: the water goes off in one building and K residents (default 300) each
start filing "no water" within a minute (``ukbot bench --outage-storm [K]``).

The emulator and the bot run as separate processes on a throwaway database, as for the
journeys; the bot's outbox keeps Telegram's limits (30 messages/s overall, one message
per second in a chat). Each resident starts at a random moment of the window (the same
seed each run) and walks the filing wizard like the e2e tests. The building's manager
waits for the "possible outage" message (sent after the third request), declares the
incident, and from then on a resident who picks the category is told about the outage
and follows it instead of filing. When every resident is done, the manager resolves the
incident from the desk, closing the linked requests, and the run measures how long the
resolution takes to reach everybody.

Reported: every resident answered (failed steps and unanswered presses must be 0), p50
and p95 of each step, how many residents became requests and how many followers, and
the resolution's fan-out time against the floor the 30 msg/s limit sets.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from bench.loadgen import FILED, Context, Journey, JourneyFailed
from bench.options import BenchOptions
from bench.procs import Child, child_env, emulator_process, spawn, terminate
from bench.recorder import Recorder, StepSummary, percentile
from bench.world import choose_server, throwaway_database
from bot.settings import Settings
from domain.enums import Language, ResidencyKind, Role, VerificationState
from sandbox.client import EmulatorClient, UserClient
from storage.directory_import import import_directory_text

ADDRESS = "Tashkent, Storm street 1"
TELEGRAM_GLOBAL_RATE = 30.0
"""Telegram's limit on a bot's messages per second overall (the outbox keeps to it)."""
STORM_SEED = 17

_SUGGESTION = "Possible outage"
_KNOWN = "Known outage"
_CLOSED = "is closed: the outage was resolved"
_OVER = "is over:"


@dataclass
class StormResult:
    residents: int
    window_s: float
    requests: int = 0
    followers: int = 0
    failed_steps: int = 0
    unanswered_presses: int = 0
    steps: list[StepSummary] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    suggestion_after_s: float = math.nan
    """From the storm's first action to the manager seeing "possible outage"."""
    declared_after_s: float = math.nan
    linked: int = 0
    reached: int = 0
    fanout_messages: int = 0
    fanout_s: float = math.nan
    fanout_p50_s: float = math.nan
    outbox_rate: float = TELEGRAM_GLOBAL_RATE
    machine: str = ""

    @property
    def answered(self) -> int:
        return self.requests + self.followers

    @property
    def fanout_floor_s(self) -> float:
        """The least time ``fanout_messages`` can take at the outbox's overall rate."""
        return self.fanout_messages / self.outbox_rate if self.outbox_rate else math.nan

    @property
    def ok(self) -> bool:
        return (
            self.failed_steps == 0
            and self.unanswered_presses == 0
            and self.answered == self.residents
            and self.reached == self.residents
        )


# --------------------------------------------------------------------------- the world


def _storm_csv(residents: int) -> str:
    rows = ["organisation,building_address,district,lat,lon,entrance,apartment,floor"]
    for number in range(1, residents + 1):
        entrance = (number - 1) // 60 + 1
        floor = (number - 1) % 60 // 6 + 1
        rows.append(f'Demo UK,"{ADDRESS}",Chilonzor,41.3300,69.2400,{entrance},{number},{floor}')
    return "\n".join(rows) + "\n"


async def _seed(database_url: str, residents: int, base: int) -> None:
    from storage.db import create_engine, create_session_factory
    from storage.models import (
        Apartment,
        Building,
        ManagerBuilding,
        ResidentApartment,
        User,
        UserRole,
    )

    engine = create_engine(database_url)
    try:
        factory = create_session_factory(engine)
        await import_directory_text(factory, _storm_csv(residents))
        async with factory() as session, session.begin():
            building = await session.scalar(select(Building.id).where(Building.address == ADDRESS))
            assert building is not None
            apartments = dict(
                (
                    await session.execute(
                        select(Apartment.number, Apartment.id).where(
                            Apartment.building_id == building
                        )
                    )
                ).all()
            )
            manager = base
            users = [{"id": manager, "first_name": "Malika", "language": Language.EN}]
            users += [
                {
                    "id": base + number,
                    "first_name": f"Resident{number}",
                    "full_name": f"Resident {number} Stormova",
                    "phone": f"+99890{(base + number) % 10_000_000:07d}",
                    "language": Language.EN,
                }
                for number in range(1, residents + 1)
            ]
            keys = ("full_name", "phone")
            rows = [{**dict.fromkeys(keys), **user} for user in users]
            await session.execute(insert(User).values(rows))
            await session.execute(insert(UserRole).values(user_id=manager, role=Role.MANAGER))
            await session.execute(
                insert(ManagerBuilding).values(user_id=manager, building_id=building)
            )
            await session.execute(
                insert(ResidentApartment).values(
                    [
                        {
                            "user_id": base + number,
                            "apartment_id": apartments[str(number)],
                            "kind": ResidencyKind.OWNER,
                            "verification": VerificationState.APPROVED,
                        }
                        for number in range(1, residents + 1)
                    ]
                )
            )
    finally:
        await engine.dispose()


async def _counts(database_url: str) -> tuple[int, int, int]:
    """Requests filed, incident followers, requests linked to the incident."""
    from storage.db import create_engine, create_session_factory
    from storage.models import IncidentFollower, IncidentRequest, Request

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            requests = await session.scalar(select(func.count()).select_from(Request))
            followers = await session.scalar(select(func.count()).select_from(IncidentFollower))
            linked = await session.scalar(select(func.count()).select_from(IncidentRequest))
        return int(requests or 0), int(followers or 0), int(linked or 0)
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- the people


@dataclass
class _Outcome:
    kind: str = ""  # "request" | "follower" | "" (failed)


async def _resident(
    ctx: Context, user: UserClient, delay: float, started: float, outcome: _Outcome
) -> None:
    await asyncio.sleep(max(0.0, started + delay - time.monotonic()))
    journey = Journey(ctx)
    try:
        await journey.step(
            "/new → categories",
            lambda: user.send_command("new"),
            user,
            "What is the problem about",
        )
        reply = await journey.step(
            "category → place or known outage",
            journey.press(user, "Plumbing"),
            user,
            lambda m: "Where is the problem" in m.content or _KNOWN in m.content,
        )
        if _KNOWN in reply.content:
            await journey.step(
                "follow the incident",
                journey.press(user, "🔔 Follow the incident", message=reply),
                user,
                "You follow the outage",
            )
            outcome.kind = "follower"
            return
        await journey.step(
            "place", journey.press(user, "My apartment"), user, "Describe the problem"
        )
        await journey.step(
            "description", lambda: user.send_text("No water at all"), user, "Add photos"
        )
        await journey.step("no photos", journey.press(user, "Skip"), user, "How urgent")
        await journey.step(
            "urgency", journey.press(user, "Normal"), user, "How can the specialist get in"
        )
        await journey.step(
            "access", journey.press(user, "Any time"), user, "When is a visit convenient"
        )
        await journey.step(
            "time slot", journey.press(user, "Any time"), user, "Please check your request"
        )
        reply = await journey.step(
            "confirm",
            journey.press(user, "Confirm"),
            user,
            lambda m: bool(FILED.search(m.content)) or "similar" in m.content,
        )
        if not FILED.search(reply.content):
            await journey.step(
                "file anyway (similar)",
                journey.press(user, "File my request anyway", message=reply),
                user,
                FILED,
            )
        outcome.kind = "request"
    except JourneyFailed:
        ctx.rec.journey_failed()


async def _declare(ctx: Context, manager: UserClient, result: StormResult, started: float) -> None:
    journey = Journey(ctx)
    journey.last_action = started
    suggestion = await journey.notify("manager: possible outage", manager, _SUGGESTION)
    result.suggestion_after_s = time.monotonic() - started
    await journey.step(
        "manager: declare incident",
        journey.press(manager, "🚨 Declare incident", message=suggestion),
        manager,
        "By when",
    )
    await journey.step(
        "manager: target", journey.press(manager, "4 h"), manager, "Describe the outage"
    )
    await journey.step(
        "manager: outage text",
        lambda: manager.send_text("Water main burst on the street; the crew is on site."),
        manager,
        "Incident declared",
    )
    result.declared_after_s = time.monotonic() - started


async def _resolve(
    ctx: Context, manager: UserClient, residents: list[UserClient], result: StormResult
) -> None:
    journey = Journey(ctx)
    await journey.step(
        "manager: /panel", lambda: manager.send_command("panel"), manager, "Manager panel"
    )
    queue = await journey.step(
        "manager: outages", journey.press(manager, "🚨 Outages: 1"), manager, "Open outages: 1"
    )
    item = next(text for row in queue.inline_buttons for text, _ in row if "no water" in text)
    card = await journey.step(
        "manager: incident card", journey.press(manager, item, message=queue), manager, "🚨 Outage"
    )
    await journey.step(
        "manager: resolve and close",
        journey.press(manager, "✅ Resolve and close requests", message=card),
        manager,
        "will be closed",
    )

    arrivals: list[float] = []

    async def reached(user: UserClient, since: float) -> None:
        with contextlib.suppress(AssertionError):
            await user.expect(
                lambda m: _CLOSED in m.content or _OVER in m.content,
                timeout=60.0 + len(residents) / 10,
            )
            arrivals.append(time.monotonic() - since)

    sent = time.monotonic()
    waiting = [asyncio.create_task(reached(user, sent)) for user in residents]
    await journey.step(
        "manager: resolution text",
        lambda: manager.send_text("Water is back in the whole building."),
        manager,
        "Outage resolved",
    )
    await asyncio.gather(*waiting)
    result.reached = len(arrivals)
    result.fanout_messages = len(residents)
    result.fanout_s = max(arrivals) if arrivals else math.nan
    result.fanout_p50_s = percentile(arrivals, 50)


# --------------------------------------------------------------------------- the run


async def _wait_polling(emu: EmulatorClient, child: Child, timeout: float = 120.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.proc.returncode is not None:
            raise RuntimeError(f"the bot exited:\n{child.log_tail()}")
        if "getupdates" in ((await emu.bot_info()).get("first_calls") or {}):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"the bot did not poll within {timeout} s:\n{child.log_tail()}")


def _log(options: BenchOptions, text: str) -> None:
    if not options.quiet:
        print(text, flush=True)


async def run_storm(options: BenchOptions) -> StormResult:
    residents = options.outage_storm or 300
    window = options.storm_seconds
    settings = Settings()
    redis_url = options.redis_url
    if redis_url is None:
        redis_url = settings.redis_url.get_secret_value() if settings.redis_url else ""
    log_dir = options.log_dir or Path(tempfile.mkdtemp(prefix="ukbot-storm-"))
    server = await choose_server(settings, options.database_server_url)
    base = 9_600_000_000 + random.SystemRandom().randrange(9_000) * 100_000
    token = f"{7_300_000_000 + base % 99_999_999}:storm-{base}"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    result = StormResult(
        residents=residents,
        window_s=window,
        machine=f"{os.cpu_count()} CPUs, load average before the run {load}",
    )
    async with throwaway_database(server) as database_url:
        await _seed(database_url, residents, base)
        async with (
            emulator_process(log_dir) as (emulator_url, _emulator),
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
        ):
            emu = EmulatorClient(emulator_url, token, session=http)
            manager = await emu.create_user(
                "Malika", language_code="en", user_id=base, started=True
            )
            people = [
                await emu.create_user(
                    f"Resident{n}", language_code="en", user_id=base + n, started=True
                )
                for n in range(1, residents + 1)
            ]
            env = child_env(
                {
                    "UKBOT_BOT_TOKEN": token,
                    "UKBOT_TELEGRAM_API_URL": emulator_url,
                    "UKBOT_DATABASE_URL": database_url,
                    "UKBOT_REDIS_URL": redis_url,
                    "UKBOT_LOG_LEVEL": "WARNING",
                    "UKBOT_DATA_DIR": str(log_dir / "data"),
                    "UKBOT_DEFAULT_LANGUAGE": "en",
                    "UKBOT_WEBHOOK_URL": "",
                    "UKBOT_THROTTLE_RATE_PER_SECOND": "50",
                    "UKBOT_THROTTLE_BURST": "100",
                    # Telegram's limits: the resolution's fan-out is measured against them
                    "UKBOT_OUTBOX_GLOBAL_RATE": f"{TELEGRAM_GLOBAL_RATE:g}",
                    "UKBOT_OUTBOX_PRIVATE_CHAT_INTERVAL": "1",
                }
            )
            child = await spawn("bot", [sys.executable, "-m", "bot.cli", "run"], env, log_dir)
            try:
                await _wait_polling(emu, child)
                _log(options, f"[storm] {residents} residents of {ADDRESS} within {window:g} s")
                rec = Recorder()
                ctx = Context(emu=emu, rec=rec, pacer=None, stop=asyncio.Event())
                rng = random.Random(STORM_SEED)
                delays = sorted(rng.uniform(0, window) for _ in people)
                outcomes = [_Outcome() for _ in people]
                started = time.monotonic()
                rec.open_window(started)
                manager_task = asyncio.create_task(_declare(ctx, manager, result, started))
                await asyncio.gather(
                    *(
                        _resident(ctx, user, delay, started, outcome)
                        for user, delay, outcome in zip(people, delays, outcomes, strict=True)
                    )
                )
                with contextlib.suppress(JourneyFailed):
                    await manager_task
                _log(options, "[storm] every resident done; resolving the incident")
                with contextlib.suppress(JourneyFailed):
                    await _resolve(ctx, manager, people, result)
                rec.close_window(time.monotonic())
                result.steps = rec.summaries()
                result.failed_steps = rec.failed_steps
                result.unanswered_presses = rec.unanswered_presses
                result.failures = [f"{f.step}: {f.error}" for f in rec.failures]
                filed, followers, linked = await _counts(database_url)
                result.requests = sum(1 for o in outcomes if o.kind == "request")
                result.followers = sum(1 for o in outcomes if o.kind == "follower")
                result.linked = linked
                if (filed, followers) != (result.requests, result.followers):
                    result.failures.append(
                        f"database: {filed} requests and {followers} followers, the residents "
                        f"saw {result.requests} and {result.followers}"
                    )
                    result.failed_steps += 1
            finally:
                await terminate(child)
    return result


# --------------------------------------------------------------------------- the report


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


def _s(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def render_markdown(result: StormResult) -> str:
    machine = result.machine
    lines = [
        "## Outage storm",
        "",
        f"_`ukbot bench --outage-storm {result.residents}`: {result.residents} residents of one "
        f'building each start filing "no water" within {result.window_s:g} s; the bot\'s '
        f"outbox at Telegram's limits ({result.outbox_rate:g} msg/s overall, 1 msg/s per chat)"
        f"{'; ' + machine if machine else ''}._",
        "",
        "| | |",
        "|---|---|",
        f"| residents answered | {result.answered} of {result.residents} "
        f"(failed steps {result.failed_steps}, unanswered presses "
        f"{result.unanswered_presses}) |",
        f"| became requests | {result.requests} (linked to the incident: {result.linked}) |",
        f"| became followers (no request) | {result.followers} |",
        f'| manager saw "possible outage" | {_s(result.suggestion_after_s)} s after the first '
        "resident started |",
        f"| incident declared | {_s(result.declared_after_s)} s after the first resident started |",
        f"| resolution reached | {result.reached} of {result.fanout_messages} residents |",
        f"| resolution fan-out (last / median resident) | {_s(result.fanout_s)} s / "
        f"{_s(result.fanout_p50_s)} s |",
        f"| floor at {result.outbox_rate:g} msg/s (one message per resident) | "
        f"{_s(result.fanout_floor_s)} s |",
        "",
        "| step | count | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for step in result.steps:
        lines.append(
            f"| {step.name} | {step.count} | {_ms(step.p50_ms)} | {_ms(step.p95_ms)} | "
            f"{_ms(step.max_ms)} |"
        )
    if result.failures:
        lines += ["", "Failures:", *(f"- {failure}" for failure in result.failures[:10])]
    return "\n".join(lines) + "\n"


def render_text(result: StormResult) -> str:
    return render_markdown(result)
