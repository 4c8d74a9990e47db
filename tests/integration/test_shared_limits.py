"""Telegram's sending limits shared by several bot instances through Redis, and the
fallback to each process's own limits while Redis is unreachable.

Two ``SharedLimits`` with their own Redis connections stand for two instances: they
share nothing but Redis, as two processes on two machines would."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bench.outbox_fanout import run_fanout
from bot.ratelimit import REDIS_RETRY_AFTER, SharedLimits
from sandbox.emulator.server import EmulatorServer, run_emulator
from storage.migrate import upgrade_to_head
from tests.conftest import require_redis_url
from tests.faults.servers import RedisServer, free_port, redis_server_binary, scratch_directory

pytestmark = pytest.mark.asyncio(loop_scope="session")

RATE = 40.0  # messages per second, both instances together
BURST = 5  # global_burst(40)


@pytest_asyncio.fixture(loop_scope="session")
async def redis_clients() -> AsyncIterator[tuple[Redis, Redis]]:
    url = require_redis_url("the shared limits live in Redis")
    first, second = Redis.from_url(url), Redis.from_url(url)
    try:
        yield first, second
    finally:
        await first.aclose()
        await second.aclose()


def two_instances(clients: tuple[Redis, Redis]) -> tuple[SharedLimits, SharedLimits]:
    bot_id = 7_100_000_000 + secrets.randbelow(99_999_999)  # keys of this test only
    return tuple(  # type: ignore[return-value]
        SharedLimits(redis, bot_id, global_rate=RATE, private_interval=1.0, group_per_minute=20)
        for redis in clients
    )


async def test_two_instances_together_keep_the_global_rate(
    redis_clients: tuple[Redis, Redis],
) -> None:
    a, b = two_instances(redis_clients)
    sends: list[float] = []

    async def send(limits: SharedLimits, chat_id: int) -> None:
        grant = await limits.take(chat_id)
        assert grant.chat_wait == 0  # every chat is a new one
        await asyncio.sleep(grant.delay)
        sends.append(time.monotonic())

    count = 60  # 30 from each instance, at once, to 60 different chats
    await asyncio.gather(*(send(a if n % 2 else b, 1000 + n) for n in range(count)))
    sends.sort()
    # no one-second window holds more than the rate plus the burst (5 ms of timer slack)
    busiest = max(
        sum(1 for t in sends[i:] if t - start < 1.0 - 0.005) for i, start in enumerate(sends)
    )
    assert busiest <= RATE + BURST
    # and together they took as long as one instance keeping the rate would
    assert sends[-1] - sends[0] >= (count - BURST) / RATE - 0.05
    # (each on its own would have sent its 30 at once: 60 in well under a second)


async def test_a_chat_one_instance_sent_to_waits_on_every_instance(
    redis_clients: tuple[Redis, Redis],
) -> None:
    a, b = two_instances(redis_clients)
    assert (await a.take(7)).chat_wait == 0
    private = await b.take(7)  # the other instance, the same private chat
    assert 0.9 <= private.chat_wait <= 1.0
    assert 7 in b.busy()  # b does not claim the chat's rows again meanwhile
    assert (await b.take(-100)).chat_wait == 0  # a group: 20 per minute
    group = await a.take(-100)
    assert 2.9 <= group.chat_wait <= 3.0
    await a.defer(8, 4.0)  # Telegram's 429 "retry after 4" seen by one instance
    assert 3.9 <= (await b.take(8)).chat_wait <= 4.0


async def test_without_redis_each_process_keeps_the_limits_itself_until_redis_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_server_binary()
    directory = scratch_directory()
    port = free_port()
    now = [1000.0]
    redis = Redis.from_url(
        f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.5, socket_timeout=0.5
    )
    limits = SharedLimits(
        redis,
        7_000_000_001,
        global_rate=RATE,
        private_interval=1.0,
        group_per_minute=20,
        monotonic=lambda: now[0],
    )
    server = RedisServer(directory, port=port)
    try:
        with caplog.at_level(logging.INFO, logger="bot.ratelimit"):
            began = time.monotonic()
            assert (await limits.take(7)).chat_wait == 0  # nobody listens on the port
            assert (await limits.take(7)).chat_wait > 0  # paced by this process
            for chat_id in range(100, 110):  # the process's own global bucket
                await limits.take(chat_id)
            assert time.monotonic() - began < 1.0  # no waiting for Redis at every send
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1  # once per outage, not per message

            server.start()
            now[0] += REDIS_RETRY_AFTER  # the next send tries Redis again
            assert (await limits.take(200)).chat_wait == 0
            keys = {key.decode() async for key in redis.scan_iter("ukbot:limits:*")}
            assert keys == {
                "ukbot:limits:{7000000001}:global",
                "ukbot:limits:{7000000001}:chat:200",
            }
            assert any("working again" in r.getMessage() for r in caplog.records)
    finally:
        await redis.aclose()
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest_asyncio.fixture(loop_scope="session")
async def own_emulator() -> AsyncIterator[EmulatorServer]:
    async with run_emulator() as server:
        yield server


async def test_two_outbox_instances_send_within_telegrams_limits_of_one_bot(
    own_emulator: EmulatorServer, create_database: Callable[[], Awaitable[str]]
) -> None:
    """Two outbox workers, each with its own pool and Bot, drain 120 notifications to 40
    people (three each) through the emulator with Telegram's flood limits on (one
    message per second per chat, no burst): none refused."""
    redis_url = require_redis_url("the shared limits live in Redis")
    database_url = await create_database()
    await upgrade_to_head(database_url)
    result = await run_fanout(
        own_emulator.base_url,
        database_url,
        users=40,
        per_user=3,
        rate=25.0,
        instances=2,
        redis_url=redis_url,
        timeout=60,
    )
    print(result.summary())
    assert result.sent == 120
    assert result.failed == 0
    assert result.throttled_429 == 0
