"""The benchmark keeps working (not timed): `ukbot bench` at a tiny size — the emulator
and the bot as separate processes, a throwaway database on the test server, three
full journeys by two concurrent lanes — completes every journey with no failed step
and no unanswered button press."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.journeys import PhaseResult, run_bench
from bench.options import BenchOptions
from bench.report import render_text
from tests.conftest import require_redis_url


def _tiny(pg_server_url: str, tmp_path: Path, workers: int = 1) -> BenchOptions:
    return BenchOptions(
        journeys=3,
        seconds=None,
        concurrency=2,
        warmup=0.0,
        skip_bare=True,
        skip_fanout=True,
        database_server_url=pg_server_url,
        redis_url=os.environ.get("UKBOT_TEST_REDIS_URL") or "",
        log_dir=tmp_path,
        quiet=True,
        workers=workers,
    )


@pytest.mark.timeout(240)
async def test_bench_tiny_run_completes_every_journey(pg_server_url: str, tmp_path: Path) -> None:
    await _completes_every_journey(_tiny(pg_server_url, tmp_path))


@pytest.mark.timeout(240)
async def test_bench_with_two_worker_processes_completes_every_journey(
    pg_server_url: str, tmp_path: Path
) -> None:
    # the journeys cross processes: a resident, their manager and the executor are
    # handled by different workers, and notifications leave from the polling process
    require_redis_url("several processes share conversation state only through Redis")
    options = _tiny(pg_server_url, tmp_path, workers=2)
    full = await _completes_every_journey(options)
    assert full.processes == 3  # the polling process and two workers


async def _completes_every_journey(options: BenchOptions) -> PhaseResult:
    report = await run_bench(options)
    full = report.full
    assert full is not None
    details = render_text(report)
    assert full.failed_steps == 0, details
    assert full.unanswered_presses == 0, details
    assert full.journeys_failed == 0, details
    assert full.journeys >= 3, details
    assert full.journeys_total >= 3, details
    assert full.updates_per_journey >= 23, details  # every step of the journey was taken
    return full
