"""The outage storm keeps working (not timed): `ukbot bench --outage-storm` at a tiny size
— the emulator and the bot as separate processes, a throwaway database — answers every
resident, turns each into a request or a follower, and its resolution reaches them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.options import BenchOptions
from bench.outage_storm import render_markdown, run_storm


@pytest.mark.timeout(240)
async def test_a_tiny_outage_storm_answers_everyone(pg_server_url: str, tmp_path: Path) -> None:
    options = BenchOptions(
        outage_storm=5,
        storm_seconds=3.0,
        database_server_url=pg_server_url,
        redis_url=os.environ.get("UKBOT_TEST_REDIS_URL") or "",
        log_dir=tmp_path,
        quiet=True,
    )
    result = await run_storm(options)
    details = render_markdown(result)
    assert result.failed_steps == 0, details
    assert result.unanswered_presses == 0, details
    assert result.answered == 5, details
    assert result.requests >= 3, details  # the suggestion needs three
    assert result.linked == result.requests, details  # every request is the outage's
    assert result.reached == 5, details
    assert "| resolution reached | 5 of 5 residents |" in details
    assert "manager: possible outage" in details
