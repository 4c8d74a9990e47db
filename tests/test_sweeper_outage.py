"""While Postgres is down the deadline sweep is retried within a second or two, with one
warning for the whole outage; a bug waits for the next tick."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest

from bot import sweeper as sweeper_module
from bot.sweeper import DeadlineSweeper
from domain.services.deadlines import SweepReport

pytestmark = pytest.mark.asyncio(loop_scope="session")


class _ScriptedSweeper(DeadlineSweeper):
    """A sweeper whose runs fail or succeed as scripted (the services are never used)."""

    def __init__(self, outcomes: list[BaseException | None]) -> None:
        super().__init__(cast(Any, object()), interval=15)
        self.outcomes = outcomes
        self.calls = 0

    async def run_once(self) -> SweepReport:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return SweepReport(0, 0, 0, 0)


async def test_an_outage_is_retried_soon_and_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sweeper_module, "OUTAGE_RETRY", 0.01)
    down = ConnectionRefusedError(111, "Connect call failed")
    sweeper = _ScriptedSweeper([down, down, down, None])
    with caplog.at_level(logging.INFO, logger="bot.sweeper"):
        await sweeper._tick()
    assert sweeper.calls == 4
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in messages] == ["WARNING", "INFO"]
    assert "working again" in messages[1][1]
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_bug_waits_for_the_next_tick(caplog: pytest.LogCaptureFixture) -> None:
    sweeper = _ScriptedSweeper([ValueError("a bug"), None])
    await sweeper._tick()
    assert sweeper.calls == 1
    assert [r.levelname for r in caplog.records if r.name == "bot.sweeper"] == ["ERROR"]
