"""`ukbot bench`: the end-to-end benchmark.

Starts the Bot API emulator (``python -m sandbox.emulator``) and the bot under test
(``python -m bot.cli run``) as separate processes, on a throwaway database (the
configured server, or the embedded default) with the demo directory and the journey's
people seeded, then simulates concurrent users doing real journeys (``bench.loadgen``):
warm-up, a fixed measurement window, drain. The same measurements follow for a bare
aiogram bot (``bench.bare_bot``) on the same emulator, and the outbox fan-out benchmark
(``bench.outbox_fanout``). Prints a report and optionally writes it to a markdown file.

    uv run ukbot bench --seconds 60 --concurrency 20 --write docs/benchmarks.md
    uv run ukbot bench --seconds 60 --concurrency 40 --rate 100 --skip-bare --skip-fanout
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import loadgen
from bench.options import BenchOptions, add_arguments, options_from_args
from bench.procs import (
    Child,
    Sampler,
    child_env,
    cpu_seconds,
    emulator_process,
    free_port,
    self_cpu_seconds,
    spawn,
    terminate,
)
from bench.proxy import Nginx
from bench.recorder import Pacer, Recorder, StepSummary
from bench.world import People, choose_server, new_people, seed, throwaway_database
from bot.settings import Settings
from sandbox.client import EmulatorClient, GroupChat

_CALLBACK_ID = re.compile(r"callback query (\S+),")


@dataclass
class PhaseResult:
    label: str
    startup_s: float
    window_s: float
    journeys: int
    updates: int
    bot_cpu_s: float
    emulator_cpu_s: float
    loadgen_cpu_s: float
    api_calls: int
    peak_rss_mb: float
    processes: int
    rss_mid_mb: float
    rss_end_mb: float
    journeys_total: int
    journeys_failed: int
    failed_steps: int
    unanswered_presses: int
    steps: list[StepSummary]
    failures: list[str]
    action_p50_ms: float
    action_p95_ms: float
    action_p99_ms: float
    journey_p50_s: float
    updates_per_journey: float
    postgres: PostgresWork | None = None  # the bot's database over the window
    api_calls_by_method: dict[str, int] = field(default_factory=dict)

    @property
    def journeys_per_s(self) -> float:
        return self.journeys / self.window_s if self.window_s else 0.0

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.window_s if self.window_s else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        return self.bot_cpu_s / self.updates * 1000 if self.updates else math.nan

    @property
    def rss_growth(self) -> float:
        return (self.rss_end_mb - self.rss_mid_mb) / self.rss_mid_mb if self.rss_mid_mb else 0.0

    @property
    def worst_action_p95_ms(self) -> float:
        values = [s.p95_ms for s in self.steps if s.kind == "action" and s.count]
        return max(values) if values else math.nan

    @property
    def ok(self) -> bool:
        return self.failed_steps == 0 and self.unanswered_presses == 0 and self.journeys > 0


@dataclass(frozen=True)
class PostgresWork:
    """What the bot's database did over the window (``pg_stat_database`` and the CPU of
    the server processes serving it, read from ``/proc``: the server is on this machine)."""

    transactions: int  # commits and rollbacks; a statement outside a transaction is one
    rows_written: int  # inserted + updated + deleted
    backend_cpu_s: float  # a lower bound: a connection closed within the window is missed


async def _postgres_counters(database_url: str) -> tuple[int, int, dict[int, float]]:
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(database_url).set(drivername="postgresql")
    conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        row = await conn.fetchrow(
            "SELECT xact_commit + xact_rollback AS xacts,"
            " tup_inserted + tup_updated + tup_deleted AS written"
            " FROM pg_stat_database WHERE datname = current_database()"
        )
        pids = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"  # not autovacuum's workers
        )
    finally:
        await conn.close()
    cpu: dict[int, float] = {}
    for record in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            cpu[int(record["pid"])] = cpu_seconds(int(record["pid"]))
    assert row is not None
    return int(row["xacts"]), int(row["written"]), cpu


@dataclass
class BenchReport:
    options: BenchOptions
    machine: dict[str, str]
    full: PhaseResult | None = None
    bare: PhaseResult | None = None
    fanout: object | None = None  # bench.outbox_fanout.FanoutResult
    fanout_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        phases = [p for p in (self.full, self.bare) if p is not None]
        fan_ok = True
        if self.fanout is not None:
            fan = self.fanout
            fan_ok = getattr(fan, "throttled_429", 1) == 0 and getattr(fan, "failed", 1) == 0
        return all(p.ok for p in phases) and fan_ok and self.fanout_error is None


# --------------------------------------------------------------------------- phases


def _log(options: BenchOptions, text: str) -> None:
    if not options.quiet:
        print(text, flush=True)


async def _wait_first_get_updates(emu: EmulatorClient, child: Child, timeout: float) -> float:  # noqa: ASYNC109
    """Seconds from spawning the bot to its first getUpdates (as the emulator saw it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.proc.returncode is not None:
            raise RuntimeError(
                f"{child.name} exited with {child.proc.returncode}:\n{child.log_tail()}"
            )
        first = (await emu.bot_info()).get("first_calls") or {}
        if "getupdates" in first:
            return float(first["getupdates"]) - child.spawned_wall
        await asyncio.sleep(0.02)
    raise RuntimeError(f"{child.name} did not poll within {timeout} s:\n{child.log_tail()}")


@dataclass(frozen=True)
class Proxied:
    """Webhook instances on ``ports`` behind a proxy that posts to them."""

    ports: list[int]


async def _wait_instances_ready(
    emu: EmulatorClient,
    children: Sequence[Child],
    ports: Sequence[int],
    timeout: float,  # noqa: ASYNC109
) -> float:
    """Seconds from spawning the first instance until every one answers ``/readyz`` and
    the emulator has the webhook (each instance sets it at start)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        for child, port in zip(children, ports, strict=True):
            while True:
                if child.proc.returncode is not None:
                    raise RuntimeError(f"{child.name} exited:\n{child.log_tail()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{child.name} not ready in {timeout} s:\n{child.log_tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.05)
    while not (await emu.bot_info()).get("webhook"):
        if time.monotonic() > deadline:
            raise RuntimeError("the webhook was not set")
        await asyncio.sleep(0.05)
    return time.monotonic() - children[0].spawned_at


async def _pending_callbacks(emu: EmulatorClient, grace: float = 3.0) -> set[str]:
    pending = await emu.call(
        "GET", "/callbacks/wait_all", params={"bot_id": emu.bot_id, "timeout": grace}, wait=grace
    )
    return {str(p["id"]) for p in pending}


def _rss_at(sampler: Sampler, t: float) -> float:
    if not sampler.samples:
        return 0.0
    nearest = min(sampler.samples, key=lambda s: abs(s.t - t))
    return nearest.rss_kb / 1024


async def run_phase(
    label: str,
    options: BenchOptions,
    *,
    emu: EmulatorClient,
    emulator: Child,
    argv: Sequence[str],
    env: dict[str, str],
    journey_factory: Callable[[loadgen.Context, int], Callable[[], object]],
    log_dir: Path,
    proxied: Proxied | None = None,
    database_url: str | None = None,
) -> PhaseResult:
    rec = Recorder()
    stop = asyncio.Event()
    pacer = Pacer(options.rate) if options.rate else None
    ctx = loadgen.Context(emu=emu, rec=rec, pacer=pacer, stop=stop)
    if proxied is None:
        children = [await spawn(label.split()[0], argv, env, log_dir)]
    else:  # webhook instances, each on its own port behind the proxy
        children = [
            await spawn(f"instance-{n + 1}", argv, {**env, "UKBOT_HTTP_PORT": str(port)}, log_dir)
            for n, port in enumerate(proxied.ports)
        ]
    child = children[0]
    bot_sampler = Sampler(child.pid, also=[c.pid for c in children[1:]])
    emu_sampler = Sampler(emulator.pid, interval=1.0)
    profiler: asyncio.subprocess.Process | None = None
    lanes: list[asyncio.Task[None]] = []
    try:
        if proxied is None:
            startup = await _wait_first_get_updates(emu, child, timeout=120.0)
            _log(
                options, f"[{label}] pid {child.pid}: first getUpdates {startup:.2f} s after start"
            )
        else:
            startup = await _wait_instances_ready(emu, children, proxied.ports, timeout=120.0)
            _log(options, f"[{label}] {len(children)} instances ready {startup:.2f} s after start")
        bot_sampler.start()
        emu_sampler.start()
        for lane in range(options.concurrency):
            journey = journey_factory(ctx, lane)
            lanes.append(
                asyncio.create_task(loadgen.run_lane(ctx, journey), name=f"lane-{lane}")  # type: ignore[arg-type]
            )
        await asyncio.sleep(options.warmup)
        t0 = time.monotonic()
        rec.open_window(t0)
        start = bot_sampler.sample()
        emu_start = emu_sampler.sample()
        calls0 = dict((await emu.bot_info())["calls"])
        self0 = self_cpu_seconds()
        pg0 = await _postgres_counters(database_url) if database_url else None
        if options.profile is not None:
            output = options.profile
            if not label.startswith("ukbot"):  # the bare bot's beside it, to compare
                output = output.with_name(f"{output.stem}-bare{output.suffix}")
            profiler = await _start_profiler(options, child.pid, output, log_dir)
        _log(options, f"[{label}] warm-up done ({rec.journeys_total} journeys); measuring")
        await _measure(options, rec, lanes)
        t1 = time.monotonic()
        rec.close_window(t1)
        end = bot_sampler.sample()
        emu_end = emu_sampler.sample()
        calls1 = dict((await emu.bot_info())["calls"])
        self1 = self_cpu_seconds()
        pg1 = await _postgres_counters(database_url) if database_url else None
        stop.set()
        _log(options, f"[{label}] window closed; draining journeys in flight")
        done, pending = await asyncio.wait(lanes, timeout=60.0)
        for task in pending:
            task.cancel()
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        if profiler is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(profiler.wait(), 30.0)
        unanswered = await _pending_callbacks(emu)
        for failure in rec.failures:
            found = _CALLBACK_ID.search(failure.error)
            if found:
                unanswered.add(found.group(1))
        await bot_sampler.stop()
        await emu_sampler.stop()
    finally:
        for task in lanes:
            task.cancel()
        for one in children:
            await terminate(one)
        if profiler is not None and profiler.returncode is None:
            profiler.terminate()
            await profiler.wait()
    assert start is not None and end is not None
    window = t1 - t0
    action = rec.all_action_latencies()
    from bench.recorder import percentile

    js = rec.journey_seconds
    upj = rec.updates_per_journey
    return PhaseResult(
        label=label,
        startup_s=startup,
        window_s=window,
        journeys=rec.journeys_in_window,
        updates=rec.updates_in_window,
        bot_cpu_s=end.cpu - start.cpu,
        emulator_cpu_s=(emu_end.cpu - emu_start.cpu) if emu_start and emu_end else math.nan,
        loadgen_cpu_s=self1 - self0,
        api_calls=sum(calls1.values()) - sum(calls0.values()),
        api_calls_by_method={
            method: count - calls0.get(method, 0)
            for method, count in sorted(calls1.items(), key=lambda item: -item[1])
            if count > calls0.get(method, 0)
        },
        peak_rss_mb=bot_sampler.peak_rss_kb / 1024,
        processes=bot_sampler.processes,
        rss_mid_mb=_rss_at(bot_sampler, t0 + window / 2),
        rss_end_mb=_rss_at(bot_sampler, t1),
        journeys_total=rec.journeys_total,
        journeys_failed=rec.journeys_failed,
        failed_steps=rec.failed_steps,
        unanswered_presses=max(len(unanswered), rec.unanswered_presses),
        steps=rec.summaries(),
        failures=[f"{f.step}: {f.error}" for f in rec.failures],
        action_p50_ms=percentile(action, 50) * 1000,
        action_p95_ms=percentile(action, 95) * 1000,
        action_p99_ms=percentile(action, 99) * 1000,
        journey_p50_s=percentile(js, 50),
        updates_per_journey=sum(upj) / len(upj) if upj else math.nan,
        postgres=None
        if pg0 is None or pg1 is None
        else PostgresWork(
            pg1[0] - pg0[0],
            pg1[1] - pg0[1],
            # per server process: one that started within the window counts from zero
            sum(cpu - pg0[2].get(pid, 0.0) for pid, cpu in pg1[2].items()),
        ),
    )


async def _measure(options: BenchOptions, rec: Recorder, lanes: list[asyncio.Task[None]]) -> None:
    if options.journeys is None:
        await asyncio.sleep(options.seconds or 30.0)
        return
    # a bound so that a broken bot cannot hang the run
    deadline = time.monotonic() + max(120.0, options.journeys * 10.0)
    while rec.journeys_in_window < options.journeys and time.monotonic() < deadline:
        if all(task.done() for task in lanes):
            break
        rec.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rec.changed.wait(), 1.0)


async def _start_profiler(
    options: BenchOptions, pid: int, output: Path, log_dir: Path
) -> asyncio.subprocess.Process | None:
    exe = shutil.which("py-spy")
    if exe is None:
        print("py-spy not found: run `uv run --with py-spy ukbot bench --profile ...`")
        return None
    duration = max(1, int(options.seconds or 30))
    return await asyncio.create_subprocess_exec(
        exe,
        "record",
        "--pid",
        str(pid),
        "--format",
        "raw",
        "--rate",
        "100",
        "--nonblocking",  # do not pause the bot for each sample
        "--subprocesses",  # the workers of UKBOT_WORKERS
        "--duration",
        str(duration),
        "--output",
        str(output),
        stdout=open(log_dir / f"py-spy-{output.stem}.log", "wb"),  # noqa: ASYNC230
        stderr=asyncio.subprocess.STDOUT,
    )


# --------------------------------------------------------------------------- the run


async def run_bench(options: BenchOptions) -> BenchReport:
    from bench.report import machine_details

    settings = Settings()
    redis_url = options.redis_url
    if redis_url is None:
        redis_url = settings.redis_url.get_secret_value() if settings.redis_url else ""
    executors = options.executors or options.concurrency + 2
    people = new_people(options.concurrency, executors)
    log_dir = options.log_dir or Path(tempfile.mkdtemp(prefix="ukbot-bench-"))
    server = await choose_server(settings, options.database_server_url)
    _log(options, f"database: throwaway database on the {server.description}; logs in {log_dir}")
    report = BenchReport(options=options, machine={})
    async with throwaway_database(server) as database_url:
        from storage.db import create_engine, create_session_factory

        engine = create_engine(database_url)
        try:
            await seed(create_session_factory(engine), people)
        finally:
            await engine.dispose()
        report.machine = await machine_details(database_url, redis_url or None, server)
        async with emulator_process(log_dir) as (emulator_url, emulator):
            if options.instances and (options.journeys is not None or options.seconds):
                # The same journeys through nginx: one instance, then N, in the same run
                # (fresh people for the second phase: nothing of the first is in their way).
                if not redis_url:
                    raise SystemExit("--instances needs Redis (UKBOT_REDIS_URL)")
                report.bare = await _full_phase(
                    options, people, database_url, redis_url, emulator_url, emulator, log_dir, 1
                )
                people = new_people(options.concurrency, executors)
                engine = create_engine(database_url)
                try:
                    await seed(create_session_factory(engine), people)
                finally:
                    await engine.dispose()
                report.full = await _full_phase(
                    options,
                    people,
                    database_url,
                    redis_url,
                    emulator_url,
                    emulator,
                    log_dir,
                    options.instances,
                )
            elif options.journeys is not None or options.seconds:
                report.full = await _full_phase(
                    options, people, database_url, redis_url, emulator_url, emulator, log_dir
                )
                if not options.skip_bare:
                    report.bare = await _bare_phase(
                        options, people, emulator_url, emulator, log_dir
                    )
            if not options.skip_fanout:
                from bench.outbox_fanout import run_fanout

                _log(
                    options,
                    f"[fan-out] {options.fanout_users * options.fanout_per_user} notifications "
                    f"to {options.fanout_users} users at {options.fanout_rate:g}/s",
                )
                try:
                    # its own database: the worker sends whatever the outbox holds
                    async with throwaway_database(server, stop_embedded=False) as fanout_db:
                        report.fanout = await run_fanout(
                            emulator_url,
                            fanout_db,
                            users=options.fanout_users,
                            per_user=options.fanout_per_user,
                            rate=options.fanout_rate,
                        )
                except Exception as error:  # keep the journeys' results
                    report.fanout_error = f"{type(error).__name__}: {str(error)[:300]}"
                    _log(options, f"[fan-out] FAILED: {report.fanout_error}")
    return report


def _bot_token() -> str:
    return f"{7_200_000_000 + secrets.randbelow(99_999_999)}:bench-{secrets.token_hex(8)}"


async def _full_phase(
    options: BenchOptions,
    people: People,
    database_url: str,
    redis_url: str,
    emulator_url: str,
    emulator: Child,
    log_dir: Path,
    instances: int = 0,
) -> PhaseResult:
    """The bot under the journeys: one long-polling process (``UKBOT_WORKERS`` from the
    options), or ``instances`` webhook instances behind nginx."""
    token = _bot_token()
    connector = aiohttp.TCPConnector(limit=0)
    proxy: Nginx | None = None
    async with aiohttp.ClientSession(connector=connector) as http:
        emu = EmulatorClient(emulator_url, token, session=http)
        staff: GroupChat = await emu.create_group("UK staff", bot_status="administrator")
        storage: GroupChat = await emu.create_channel("UK storage")
        lanes = await loadgen.make_lanes(emu, people, bare=False)
        pool = await loadgen.make_pool(emu, people)
        env = child_env(
            {
                "UKBOT_BOT_TOKEN": token,
                "UKBOT_TELEGRAM_API_URL": emulator_url,
                "UKBOT_DATABASE_URL": database_url,
                "UKBOT_REDIS_URL": redis_url,
                "UKBOT_LOG_LEVEL": "WARNING",
                "UKBOT_DATA_DIR": str(log_dir / "data"),
                "UKBOT_STAFF_CHAT_ID": str(staff.id),
                "UKBOT_STORAGE_CHANNEL_ID": str(storage.id),
                "UKBOT_DEFAULT_LANGUAGE": "en",
                "UKBOT_WEBHOOK_URL": "",
                # Real users do not tap 20 times a second: keep flood control out of the way.
                "UKBOT_THROTTLE_RATE_PER_SECOND": "50",
                "UKBOT_THROTTLE_BURST": "100",
                # The emulator's flood limits are off for the journeys (the fan-out benchmark
                # measures the outbox under them): let the outbox send as fast as it can.
                "UKBOT_OUTBOX_GLOBAL_RATE": f"{options.outbox_rate:g}",
                "UKBOT_OUTBOX_PRIVATE_CHAT_INTERVAL": "0",
                "UKBOT_OUTBOX_GROUP_PER_MINUTE": "1000000",
                "UKBOT_WORKERS": str(options.workers),
            }
        )

        label, proxied = "ukbot (full stack)", None
        if instances:
            ports = [free_port() for _ in range(instances)]
            proxy = Nginx([f"127.0.0.1:{port}" for port in ports], free_port())
            await proxy.start()
            label, proxied = f"ukbot ×{instances} behind nginx", Proxied(ports)
            env.update(
                UKBOT_WEBHOOK_URL=f"{proxy.url}/telegram/webhook",
                UKBOT_WEBHOOK_SECRET=secrets.token_urlsafe(16),
                UKBOT_HTTP_HOST="127.0.0.1",
                UKBOT_WORKERS="1",
                # two phases' instances on the machine's server beside other clients
                UKBOT_DATABASE_POOL_SIZE="10",
            )

        def factory(ctx: loadgen.Context, lane: int) -> Callable[[], object]:
            return lambda: loadgen.full_journey(ctx, lanes[lane], pool)

        try:
            return await run_phase(
                label,
                options,
                emu=emu,
                emulator=emulator,
                argv=[sys.executable, "-m", "bot.cli", "run"],
                env=env,
                journey_factory=factory,
                log_dir=log_dir,
                proxied=proxied,
                database_url=database_url,
            )
        finally:
            if proxy is not None:
                await proxy.stop()
                proxy.cleanup()
            if redis_url:
                await _forget_redis_keys(redis_url, emu.bot_id)


async def _bare_phase(
    options: BenchOptions, people: People, emulator_url: str, emulator: Child, log_dir: Path
) -> PhaseResult:
    token = _bot_token()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        emu = EmulatorClient(emulator_url, token, session=http)
        lanes = await loadgen.make_lanes(emu, people, bare=True)
        env = child_env(
            {
                "UKBOT_BOT_TOKEN": token,
                "UKBOT_TELEGRAM_API_URL": emulator_url,
                "UKBOT_LOG_LEVEL": "WARNING",
            }
        )

        def factory(ctx: loadgen.Context, lane: int) -> Callable[[], object]:
            return lambda: loadgen.bare_journey(ctx, lanes[lane])

        return await run_phase(
            "bare aiogram",
            options,
            emu=emu,
            emulator=emulator,
            argv=[sys.executable, "-m", "bench.bare_bot"],
            env=env,
            journey_factory=factory,
            log_dir=log_dir,
        )


async def _forget_redis_keys(redis_url: str, bot_id: int) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"fsm:{bot_id}:*", count=1000)]
        for index in range(0, len(keys), 500):
            await redis.delete(*keys[index : index + 500])
    finally:
        await redis.aclose()


# --------------------------------------------------------------------------- command line


def run_cli(args: argparse.Namespace) -> int:
    from bench.report import render_markdown, render_text, write_markdown

    options = options_from_args(args)
    if options.outage_storm is not None:
        from bench import outage_storm

        storm = asyncio.run(outage_storm.run_storm(options))
        text = outage_storm.render_markdown(storm)
        print(text)
        if options.write is not None:
            write_markdown(options.write, "Outage storm", text)
            print(f"written to {options.write}")
        return 0 if storm.ok else 1
    report = asyncio.run(run_bench(options))
    print(render_text(report))
    if options.write is not None:
        write_markdown(options.write, report.options.mode, render_markdown(report))
        print(f"written to {options.write}")
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.journeys", description=__doc__)
    add_arguments(parser)
    return run_cli(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
