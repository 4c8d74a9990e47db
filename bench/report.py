"""The benchmark's report: console text and a markdown section (with the machine's
details) kept per mode in a file such as ``docs/benchmarks.md``."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import re
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from bench.journeys import BenchReport, PhaseResult
    from bench.world import ServerChoice


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


async def machine_details(
    database_url: str, redis_url: str | None, server: ServerChoice
) -> dict[str, str]:
    details = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "load average before the run": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "aiogram": _version("aiogram"),
        "sqlalchemy / asyncpg": f"{_version('sqlalchemy')} / {_version('asyncpg')}",
    }
    with contextlib.suppress(Exception):
        dsn = make_url(database_url).set(drivername="postgresql")
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            version = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
        details["postgres"] = f"{version} ({server.description}, same machine)"
    if redis_url:
        with contextlib.suppress(Exception):
            from redis.asyncio import Redis

            redis = Redis.from_url(redis_url)
            info: dict[str, Any] = await redis.info("server")
            await redis.aclose()
            details["redis"] = f"{info.get('redis_version')} (FSM storage, same machine)"
    else:
        details["redis"] = "none (FSM state in memory)"
    return details


# --------------------------------------------------------------------------- formatting


def _f(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def _mark(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "PASS" if ok else "FAIL"


def targets(report: BenchReport) -> list[tuple[str, str, bool | None]]:
    """(target, measured, pass?) rows; pass is None where this run cannot tell."""
    full, bare = report.full, report.bare
    rows: list[tuple[str, str, bool | None]] = []
    if full is None:
        return rows
    closed = report.options.rate is None
    if report.options.instances and bare is not None and bare.updates_per_s:
        ratio = full.updates_per_s / bare.updates_per_s
        rows.append(
            (
                f"{report.options.instances} instances ÷ one instance behind nginx, updates/s",
                f"{ratio:.2f} × (CPU per update {_f(full.cpu_ms_per_update, 2)} vs "
                f"{_f(bare.cpu_ms_per_update, 2)} ms)",
                None,  # what the machine allows, not a target
            )
        )
    elif bare is not None and bare.updates_per_s:
        ratio = full.updates_per_s / bare.updates_per_s
        rows.append(
            (
                "full-stack updates/s ≥ 0.6 × bare",
                f"{ratio:.2f} ×" + ("" if closed else " (paced run: not a capacity ratio)"),
                ratio >= 0.6 if closed else None,
            )
        )
    else:
        rows.append(("full-stack updates/s ≥ 0.6 × bare", "bare not run", None))
    rows.append(
        (
            "bot CPU ≤ 2 ms per update (journey incl. filing)",
            f"{_f(full.cpu_ms_per_update, 2)} ms",
            full.cpu_ms_per_update <= 2.0,
        )
    )
    if report.options.rate:
        offered = full.updates_per_s
        rows.append(
            (
                "p95 per step < 50 ms at 100 updates/s offered",
                f"worst step p95 {_f(full.worst_action_p95_ms)} ms at {offered:.0f} updates/s "
                f"offered (target {report.options.rate:g})",
                (full.worst_action_p95_ms < 50.0) if report.options.rate >= 100 else None,
            )
        )
    else:
        rows.append(
            (
                "p95 per step < 50 ms at 100 updates/s offered",
                f"closed loop (saturated): worst step p95 {_f(full.worst_action_p95_ms)} ms",
                None,
            )
        )
    enough = full.journeys_total >= 10_000
    rows.append(
        (
            "peak RSS < 250 MB after 10,000 journeys",
            f"{_f(full.peak_rss_mb)} MB after {full.journeys_total} journeys",
            (full.peak_rss_mb < 250.0) if enough else (None if full.peak_rss_mb < 250 else False),
        )
    )
    rows.append(
        (
            "RSS grows < 10 % over the second half",
            f"{full.rss_growth * 100:+.1f} % ({_f(full.rss_mid_mb)} → {_f(full.rss_end_mb)} MB)",
            full.rss_growth < 0.10,
        )
    )
    rows.append(
        (
            "process start → first getUpdates < 5 s",
            f"{full.startup_s:.2f} s",
            full.startup_s < 5.0,
        )
    )
    rows.append(
        (
            "failed steps = 0 and unanswered presses = 0",
            f"{full.failed_steps} / {full.unanswered_presses}",
            full.failed_steps == 0 and full.unanswered_presses == 0,
        )
    )
    if report.fanout is not None:
        fan: Any = report.fanout
        rows.append(("fan-out: 0 answers 429", str(fan.throttled_429), fan.throttled_429 == 0))
    return rows


def _phase_rows(full: PhaseResult | None, bare: PhaseResult | None) -> list[tuple[str, ...]]:
    phases = [p for p in (full, bare) if p is not None]

    def row(name: str, fn: Any) -> tuple[str, ...]:
        return (name, *(fn(p) for p in phases))

    rows = [
        row("start → first getUpdates, s", lambda p: f"{p.startup_s:.2f}"),
        row("measurement window, s", lambda p: f"{p.window_s:.1f}"),
        row("completed journeys (window)", lambda p: str(p.journeys)),
        row("completed journeys/s", lambda p: f"{p.journeys_per_s:.2f}"),
        row("updates/s", lambda p: f"{p.updates_per_s:.1f}"),
        row("updates per journey", lambda p: _f(p.updates_per_journey)),
        row("journey duration p50, s", lambda p: _f(p.journey_p50_s, 2)),
        row(
            "step latency p50 / p95 / p99, ms (all user actions)",
            lambda p: f"{_f(p.action_p50_ms)} / {_f(p.action_p95_ms)} / {_f(p.action_p99_ms)}",
        ),
        row("bot CPU per update, ms", lambda p: _f(p.cpu_ms_per_update, 2)),
        row("bot CPU utilisation, cores", lambda p: _f(p.bot_cpu_s / p.window_s, 2)),
        row(
            "Bot API calls per update",
            lambda p: _f(p.api_calls / p.updates if p.updates else math.nan, 2),
        ),
        row(
            "emulator CPU per update, ms",
            lambda p: _f(p.emulator_cpu_s / p.updates * 1000 if p.updates else math.nan, 2),
        ),
        row(
            "load generator CPU per update, ms",
            lambda p: _f(p.loadgen_cpu_s / p.updates * 1000 if p.updates else math.nan, 2),
        ),
        row(
            "Postgres transactions per update (a statement outside one counts)",
            lambda p: (
                _f(p.postgres.transactions / p.updates, 2) if p.postgres and p.updates else "—"
            ),
        ),
        row(
            "Postgres rows written per update",
            lambda p: (
                _f(p.postgres.rows_written / p.updates, 2) if p.postgres and p.updates else "—"
            ),
        ),
        row(
            "Postgres server CPU per update, ms (its processes serving the bot)",
            lambda p: (
                _f(p.postgres.backend_cpu_s / p.updates * 1000, 2)
                if p.postgres and p.updates
                else "—"
            ),
        ),
        row("bot processes", lambda p: str(p.processes)),
        row("bot peak RSS (VmHWM), MB, all its processes", lambda p: _f(p.peak_rss_mb)),
        row(
            "bot RSS mid → end of window, MB", lambda p: f"{_f(p.rss_mid_mb)} → {_f(p.rss_end_mb)}"
        ),
        row("journeys run by this process (incl. warm-up, drain)", lambda p: str(p.journeys_total)),
        row("failed steps", lambda p: str(p.failed_steps)),
        row("unanswered button presses", lambda p: str(p.unanswered_presses)),
    ]
    if full is not None and bare is not None and bare.updates_per_s:
        name = "updates/s ratio full ÷ bare"
        if full.label.startswith("ukbot ×"):  # --instances: N instances vs one
            name = "updates/s ratio N instances ÷ one"
            rows[0] = ("start → all instances ready (webhook set), s", *rows[0][1:])
        rows.insert(5, (name, f"{full.updates_per_s / bare.updates_per_s:.2f}", ""))
    return rows


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _steps_table(phase: PhaseResult) -> str:
    rows = [
        (
            s.name,
            "user action" if s.kind == "action" else "bot → other person (outbox)",
            str(s.count),
            _f(s.p50_ms),
            _f(s.p95_ms),
            _f(s.p99_ms),
        )
        for s in phase.steps
    ]
    return _table(("step", "kind", "n", "p50 ms", "p95 ms", "p99 ms"), rows)


def _calls_line(phase: PhaseResult) -> str:
    """Bot API calls per journey by method, most frequent first (the window's updates
    counted in journeys: calls of journeys still running are in the window too)."""
    if not phase.updates or not phase.updates_per_journey:
        return ""
    journeys = phase.updates / phase.updates_per_journey
    calls = phase.api_calls_by_method.items()
    return ", ".join(f"{method} {count / journeys:.1f}" for method, count in calls)


def _fanout_line(report: BenchReport) -> str | None:
    if report.fanout_error is not None:
        return f"FAILED: {report.fanout_error}"
    if report.fanout is None:
        return None
    fan: Any = report.fanout
    return (
        f"{fan.sent} of {fan.notifications} notifications to {report.options.fanout_users} "
        f"distinct users ({report.options.fanout_per_user} each) in {fan.seconds:.1f} s = "
        f"**{fan.rate:.1f} msg/s** against the configured global limit of "
        f"{fan.configured_rate:g}/s ({fan.rate / fan.configured_rate:.0%}); "
        f"429 answers: **{fan.throttled_429}**; failed: {fan.failed}. The emulator's limits "
        f"were on with a per-chat burst of 1, so any second message to a chat within a second "
        f"would have been a 429: zero 429s means the per-chat limit was respected."
    )


def _options_line(report: BenchReport) -> str:
    o = report.options
    size = f"{o.journeys} journeys" if o.journeys is not None else f"{o.seconds:g} s window"
    return (
        f"mode: {o.mode}; {size}; warm-up {o.warmup:g} s; concurrency {o.concurrency} lanes "
        f"(one resident + one manager each), {o.executors or o.concurrency + 2} executors"
    )


def render_text(report: BenchReport) -> str:
    out = ["", "=" * 78, f"ukbot bench — {_options_line(report)}", "=" * 78]
    phases = tuple(p.label for p in (report.full, report.bare) if p is not None)
    if phases:
        rows = _phase_rows(report.full, report.bare)
        width = max(len(r[0]) for r in rows) + 2
        col = max(len(c) for r in rows for c in (*r[1:], *phases)) + 3
        out.append("".ljust(width) + "".join(p.ljust(col) for p in phases))
        for r in rows:
            out.append(r[0].ljust(width) + "".join(c.ljust(col) for c in r[1:]))
    for phase in (report.full, report.bare):
        if phase is None:
            continue
        out.append("")
        out.append(f"per step ({phase.label}), ms:")
        for s in phase.steps:
            out.append(
                f"  {s.name:<34} n={s.count:<6} p50 {_f(s.p50_ms):>7}  p95 {_f(s.p95_ms):>7}  "
                f"p99 {_f(s.p99_ms):>7}"
            )
        calls = _calls_line(phase)
        if calls:
            out.append(f"  Bot API calls per journey: {calls}")
        for failure in phase.failures[:10]:
            out.append(f"  FAILED {failure}")
    line = _fanout_line(report)
    if line:
        out += ["", "outbox fan-out: " + line.replace("**", "")]
    rows_t = targets(report)
    if rows_t:
        out += ["", "targets:"]
        out += [f"  [{_mark(ok):>4}] {name}: {value}" for name, value, ok in rows_t]
    out.append("")
    out.append(
        "RESULT: "
        + (
            "all journeys completed, no failed steps, no unanswered presses"
            if report.ok
            else "FAILURES (see above)"
        )
    )
    return "\n".join(out)


def render_markdown(report: BenchReport) -> str:
    lines = [f"## {report.options.mode[0].upper()}{report.options.mode[1:]}", ""]
    lines.append(f"_{_options_line(report)}._")
    lines.append("")
    lines.append(_table(("machine", ""), [(k, v) for k, v in report.machine.items()]))
    lines.append("")
    phases = tuple(p.label for p in (report.full, report.bare) if p is not None)
    if phases:
        lines.append(_table(("measure", *phases), _phase_rows(report.full, report.bare)))
        lines.append("")
    rows_t = targets(report)
    if rows_t:
        lines.append(_table(("target", "measured", ""), [(n, v, _mark(ok)) for n, v, ok in rows_t]))
        lines.append("")
    line = _fanout_line(report)
    if line:
        lines += ["**Outbox fan-out:** " + line, ""]
    for phase in (report.full, report.bare):
        if phase is None:
            continue
        lines.append(f"<details><summary>Latency per step — {phase.label}</summary>")
        lines.append("")
        lines.append(_steps_table(phase))
        lines.append("")
        calls = _calls_line(phase)
        if calls:
            lines += [f"Bot API calls per journey: {calls}.", ""]
        lines.append("</details>")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


HEADER = """# Benchmarks

Produced by `uv run ukbot bench` (see `bench/journeys.py`); each section is rewritten by
the run of its mode (`--write docs/benchmarks.md`).

What is measured: the emulator (`python -m sandbox.emulator`) and the bot
(`python -m bot.cli run`, log level WARNING) run as separate processes; the load
generator acts as real users through the emulator's control API (`sandbox.client`).
One journey = a resident files a request through every wizard step with one photo →
the manager opens the card the bot sent them and assigns an executor in the picker →
the executor accepts, starts (ETA), completes with one "after" photo and a comment →
the resident accepts and rates 5 ⭐ with a comment. Step latency runs from the user's
action to the bot message that completes the step (a button press must also be
answered); "outbox" rows are messages the bot pushes to the next person, measured from
the action that caused them. Bot CPU is utime + stime of the bot process
(`/proc/<pid>/stat`) over the window, divided by the updates sent in the window; RSS
is sampled from `/proc/<pid>/status` every 0.5 s. The bare baseline
(`bench/bare_bot.py`) is aiogram with no database, no middlewares, answering the same
number and kinds of updates. The journeys run with the emulator's flood limits off and
the bot's outbox limits lifted (`--outbox-rate`); the fan-out benchmark measures the
outbox under the limits. Start time runs from spawning the process to the first
getUpdates the emulator receives (imports, schema check, getMe; the command menu is
registered beside polling), with Python's bytecode cache in place as in a deployment.
Everything (bot, emulator, load generator, PostgreSQL, Redis) shares the same machine;
its load average before the run is recorded with each section.
"""


def write_markdown(path: Path, mode: str, section: str) -> None:
    """Replace (or add) this mode's section, keeping the other modes' sections."""
    key = re.sub(r"[^a-z0-9]+", "-", mode.lower()).strip("-")
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{begin}\n{section}{end}\n"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
