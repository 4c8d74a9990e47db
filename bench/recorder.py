"""What the load generator observes: per-step latencies, updates sent, journeys
completed, failed steps and unanswered button presses, split into warm-up, the
measurement window and the drain after it."""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class StepSummary:
    name: str
    kind: str  # "action" (a user's update) or "notify" (a message the bot pushes later)
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class Failure:
    step: str
    error: str


@dataclass
class Recorder:
    """Shared by all lanes of one phase (full stack or bare)."""

    window_start: float = math.inf
    window_end: float = math.inf
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    step_kinds: dict[str, str] = field(default_factory=dict)
    step_order: list[str] = field(default_factory=list)
    updates_in_window: int = 0
    journeys_total: int = 0
    journeys_in_window: int = 0
    journeys_failed: int = 0
    failed_steps: int = 0
    unanswered_presses: int = 0
    failures: list[Failure] = field(default_factory=list)
    journey_seconds: list[float] = field(default_factory=list)
    updates_per_journey: list[int] = field(default_factory=list)
    completions: list[float] = field(default_factory=list)  # monotonic times
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def in_window(self, t: float) -> bool:
        return self.window_start <= t < self.window_end

    def open_window(self, start: float, end: float = math.inf) -> None:
        self.window_start, self.window_end = start, end

    def close_window(self, end: float) -> None:
        self.window_end = end

    def update_sent(self, t: float) -> None:
        if self.in_window(t):
            self.updates_in_window += 1

    def step_done(self, name: str, kind: str, started: float, seconds: float) -> None:
        if name not in self.step_kinds:
            self.step_kinds[name] = kind
            self.step_order.append(name)
        if self.in_window(started):
            self.latencies[name].append(seconds)

    def step_failed(self, name: str, error: BaseException, *, unanswered: bool = False) -> None:
        self.failed_steps += 1
        if unanswered:
            self.unanswered_presses += 1
        if len(self.failures) < 20:
            text = " ".join(str(error).split())[:300]
            self.failures.append(Failure(name, f"{type(error).__name__}: {text}"))

    def journey_done(self, started: float, updates: int) -> None:
        now = time.monotonic()
        self.journeys_total += 1
        self.completions.append(now)
        if self.in_window(now):
            self.journeys_in_window += 1
            self.journey_seconds.append(now - started)
            self.updates_per_journey.append(updates)
        self.changed.set()

    def journey_failed(self) -> None:
        self.journeys_failed += 1
        self.changed.set()

    def summaries(self) -> list[StepSummary]:
        out = []
        for name in self.step_order:
            values = self.latencies.get(name) or []
            out.append(
                StepSummary(
                    name=name,
                    kind=self.step_kinds[name],
                    count=len(values),
                    p50_ms=percentile(values, 50) * 1000,
                    p95_ms=percentile(values, 95) * 1000,
                    p99_ms=percentile(values, 99) * 1000,
                    max_ms=max(values) * 1000 if values else math.nan,
                )
            )
        return out

    def all_action_latencies(self) -> list[float]:
        return [
            v
            for name, values in self.latencies.items()
            if self.step_kinds.get(name) == "action"
            for v in values
        ]


class Pacer:
    """Spaces user actions evenly at ``rate`` per second over all lanes (no bursts: a
    slot nobody was ready for is lost, so the offered rate never exceeds the target)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def acquire(self) -> None:
        now = time.monotonic()
        slot = max(self._next, now)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
