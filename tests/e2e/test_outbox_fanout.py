"""The outbox worker sends 500 notifications through the emulator with Telegram's
flood limits on: every one delivered, no 429, per-chat pacing respected."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.outbox_fanout import run_fanout
from sandbox.emulator.server import EmulatorServer
from storage.migrate import upgrade_to_head


async def test_500_notifications_without_a_single_429(
    emulator: EmulatorServer, create_database: Callable[[], Awaitable[str]]
) -> None:
    database_url = await create_database()  # its own database: no other worker competes
    await upgrade_to_head(database_url)
    result = await run_fanout(emulator.base_url, database_url, users=250, per_user=2, rate=25.0)
    print(result.summary())  # the achieved rate is reported, not asserted
    assert result.sent == 500
    assert result.failed == 0
    assert result.throttled_429 == 0
