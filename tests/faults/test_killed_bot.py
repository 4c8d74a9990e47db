"""A bot process killed (SIGKILL) while it handles a person's update holds that person's
conversation lock in Redis; after a restart the person is answered within seconds, not
when a minute-long lock runs out.

The handler is made slow from outside: the person shares a location while onboarding
and the bot asks a geocoder that hangs (``sandbox.nominatim.FakeNominatim``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from sandbox.nominatim import FakeNominatim, Place, serve
from tests.faults.conftest import World

pytestmark = [pytest.mark.faults, pytest.mark.asyncio(loop_scope="session")]

POINT = (41.3205, 69.2505)
FREED_WITHIN = 5.0


@pytest_asyncio.fixture(loop_scope="session")
async def geocoder() -> AsyncIterator[FakeNominatim]:
    fake = FakeNominatim([Place(*POINT, "Navoiy ko'chasi 5, Tashkent")])
    async with serve(fake):
        yield fake


@pytest.fixture
def bot_env(geocoder: FakeNominatim) -> dict[str, str]:
    assert geocoder.url is not None
    return {"UKBOT_GEOCODER_URL": geocoder.url, "UKBOT_GEOCODER_MIN_INTERVAL": "0"}


async def test_a_killed_process_frees_its_users_within_seconds(
    world: World, geocoder: FakeNominatim
) -> None:
    newcomer = await world.emu.create_user("Newcomer", language_code="en", user_id=9_390_000_001)
    other = world.residents[0]  # never locked: shows how long the restart itself takes
    redis = Redis.from_url(world.redis.url)
    try:
        await newcomer.send_command("start")
        await newcomer.expect("Choose your language", timeout=10)
        await newcomer.press("English")
        await newcomer.expect("share your phone", timeout=10)
        await newcomer.press_reply("📱 Share my phone number")
        await newcomer.expect("How should", timeout=10)
        await newcomer.send_text("Nodira Yusupova")
        await newcomer.expect("Find your building", timeout=10)

        geocoder.delay = 60.0
        asked = geocoder.count("reverse")
        await newcomer.send_location(*POINT)
        deadline = time.monotonic() + 10
        while geocoder.count("reverse") == asked:  # the handler waits for the geocoder,
            assert time.monotonic() < deadline, "the bot never asked the geocoder"
            await asyncio.sleep(0.02)  # holding the person's lock
        await asyncio.sleep(0.5)
        locks = [key async for key in redis.scan_iter(f"fsm:*:{newcomer.id}:*lock")]
        assert locks, "the person's lock should be held while the handler waits"
        await world.bot.kill()
        killed_at = time.monotonic()
        geocoder.delay = 0.0
        geocoder.release()

        await world.bot.start()
        restarted_at = time.monotonic()
        while await redis.exists(*locks):
            assert time.monotonic() - killed_at < 30, "the dead process's lock is still held"
            await asyncio.sleep(0.05)
        freed_at = time.monotonic()
        await newcomer.send_text("navoi")
        await other.send_command("new")
        other_answer = asyncio.create_task(other.expect("What is the problem about", timeout=60))
        await newcomer.expect("matching your search|Nothing matches", timeout=60)
        answered_at = time.monotonic()
        await other_answer
        other_at = time.monotonic()
        print(
            f"\nFAULTS killed bot: the person's lock was freed {freed_at - killed_at:.2f} s after "
            f"SIGKILL; their next update was answered "
            f"{answered_at - killed_at:.2f} s after SIGKILL, {answered_at - restarted_at:.2f} s "
            f"after the restart (another person's: {other_at - restarted_at:.2f} s after it)"
        )
        assert freed_at - killed_at <= FREED_WITHIN
        # Answered as soon as the restarted bot answers anyone (its start-up is the wait).
        assert answered_at <= max(other_at, freed_at) + 1.0
    except BaseException:
        print(f"--- bot log (tail) ---\n{world.bot.tail(150)}")
        raise
    finally:
        await redis.aclose()
