"""Prometheus metrics, served at ``/metrics`` by the bot's HTTP server (``bot.web``).

Counted where things happen: updates and handler time (a dispatcher middleware), Bot
API calls (a middleware of the bot's HTTP session), outbox deliveries and blocked
users (the outbox worker), sweeps and the timers they fire (the sweeper), API calls.
Read at scrape time, with one statement each and cached for a few seconds: requests by
status, the outbox queue's depth and the age of its oldest due row.

Several processes (``UKBOT_WORKERS``): prometheus-client's multiprocess mode. ``ukbot
run`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before anything is
imported; every process writes its counters there and the polling process, the one
serving HTTP, adds them up at each scrape. CPU and memory are reported per process
(``process`` label) from ``/proc``. Webhook instances are separate installations of
this: each serves its own ``/metrics`` and is scraped as its own target.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

UPDATES = Counter(
    "ukbot_updates_total", "Telegram updates handled, by type and outcome", ["type", "outcome"]
)
HANDLER_SECONDS = Histogram(
    "ukbot_handler_seconds",
    "Time to handle one update, by type",
    ["type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BOT_API_CALLS = Counter(
    "ukbot_bot_api_calls_total",
    "Bot API calls, by method and outcome (ok, 429, 403, 400, error)",
    ["method", "outcome"],
)
DELIVERIES = Counter(
    "ukbot_outbox_deliveries_total",
    "Outbox delivery attempts, by outcome (sent, retry, blocked, failed)",
    ["outcome"],
)
BLOCKED_USERS = Counter("ukbot_blocked_users_total", "Recipients found to have blocked the bot")
SWEEP_SECONDS = Histogram(
    "ukbot_sweep_seconds",
    "Duration of one deadline sweep",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TIMERS_FIRED = Counter(
    "ukbot_timers_fired_total",
    "Deadline timers fired by sweeps: announced (reminders, escalations), postponed "
    "(quiet hours), auto_accepted",
    ["kind"],
)
DB_POOL_IN_USE = Gauge(
    "ukbot_db_pool_in_use",
    "Database connections checked out of the pool",
    multiprocess_mode="livesum",
)
API_CALLS = Counter(
    "ukbot_api_calls_total",
    "REST API calls, by route, method and status",
    ["route", "method", "status"],
)
API_LATENCY = Histogram(
    "ukbot_api_seconds",
    "REST API call duration, by route",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def watch_pool(engine: Any) -> None:
    """Counts connections in use from the pool's own events (cheap, and correct per
    process in multiprocess mode, where a gauge cannot be read by callback)."""
    from sqlalchemy import event

    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkout")
    def _out(*_: Any) -> None:
        DB_POOL_IN_USE.inc()

    @event.listens_for(pool, "checkin")
    def _in(*_: Any) -> None:
        DB_POOL_IN_USE.dec()


# --------------------------------------------------------------------------- scrape time


class Cached:
    """A value read at most every ``ttl`` seconds (a scrape every second costs nothing)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.value: Any = None
        self.at = -1e9

    def fresh(self) -> bool:
        return time.monotonic() - self.at < self.ttl

    def put(self, value: Any) -> None:
        self.value, self.at = value, time.monotonic()


class StateCollector(Collector):
    """Requests by status, the outbox queue and open incidents: filled by ``refresh`` (async, before each
    scrape) and reported from the cache."""

    def __init__(self) -> None:
        self.snapshot: dict[str, Any] = {}

    def collect(self) -> Iterator[Any]:
        snap = self.snapshot
        if not snap:
            return
        requests = GaugeMetricFamily(
            "ukbot_requests", "Requests by status (read at scrape time)", labels=["status"]
        )
        for status, count in sorted(snap["requests"].items()):
            requests.add_metric([status], count)
        yield requests
        yield GaugeMetricFamily(
            "ukbot_outbox_queue_depth", "Outbox rows waiting to be sent", value=snap["depth"]
        )
        yield GaugeMetricFamily(
            "ukbot_outbox_oldest_due_age_seconds",
            "How long the oldest due outbox row has waited (0: none due)",
            value=snap["oldest_due_age"],
        )
        yield GaugeMetricFamily(
            "ukbot_open_incidents",
            "Outage incidents not resolved yet",
            value=snap["open_incidents"],
        )


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proc_stat(pid: int) -> tuple[float, int] | None:
    """CPU seconds and resident bytes of a process, from ``/proc`` (None: gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is the state (field 3): utime, stime are fields 14, 15; rss is field 24
    cpu = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    return cpu, int(fields[21]) * _PAGE


class ProcessesCollector(Collector):
    """CPU and RSS of the bot's processes (this one and its workers), by ``process``."""

    def __init__(self, processes: Callable[[], Iterable[tuple[str, int]]]) -> None:
        self.processes = processes

    def collect(self) -> Iterator[Any]:
        cpu = CounterMetricFamily(
            "ukbot_process_cpu_seconds", "CPU time of a bot process", labels=["process"]
        )
        rss = GaugeMetricFamily(
            "ukbot_process_resident_memory_bytes",
            "Resident memory of a bot process",
            labels=["process"],
        )
        for name, pid in self.processes():
            found = _proc_stat(pid)
            if found is not None:
                cpu.add_metric([name], found[0])
                rss.add_metric([name], found[1])
        yield cpu
        yield rss


class Exposition:
    """Builds the text of one scrape."""

    def __init__(self, processes: Callable[[], Iterable[tuple[str, int]]]) -> None:
        self.state = StateCollector()
        self.registry = CollectorRegistry()
        if multiprocess():
            MultiProcessCollector(self.registry)  # type: ignore[no-untyped-call]
        else:
            self.registry.register(_Forward(REGISTRY))
        self.registry.register(self.state)
        self.registry.register(ProcessesCollector(processes))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Forward(Collector):
    """The default registry's metrics (this process's counters, Python's GC, process_*)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Any]:
        return iter(self.registry.collect())
