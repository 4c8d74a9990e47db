"""Flood limits (429 with retry_after) and fault injection."""

from __future__ import annotations

import time
from unittest.mock import patch

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator.ratelimit import RateLimiter


async def test_rate_limits_are_off_by_default(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    for i in range(10):
        await bot.send_message(alice.id, f"burst {i}")
    # every message of the burst reaches the chat, in order, and none was refused
    assert [m.text for m in await alice.messages() if m.from_bot] == [
        f"burst {i}" for i in range(10)
    ]
    assert (await emu.rate_limit_stats())["total_429"] == 0


async def test_private_chat_limit(bot: Bot, alice: UserClient, emu: EmulatorClient) -> None:
    await emu.set_rate_limits(True)
    try:
        for i in range(3):  # the burst allowance
            await bot.send_message(alice.id, f"m{i}")
        with pytest.raises(TelegramRetryAfter) as exc:
            await bot.send_message(alice.id, "one too many")
        assert exc.value.retry_after >= 1
        assert "Too Many Requests: retry after " in exc.value.message
        # edits, answers and reads are not counted
        msg = (await alice.messages())[-1]
        await bot.edit_message_text("edited", chat_id=alice.id, message_id=msg.message_id)
        await bot.get_updates()
        stats = await emu.rate_limit_stats()
        assert stats["total_429"] == 1 and stats["by_scope"] == {"private": 1}
    finally:
        await emu.set_rate_limits(False)
    await bot.send_message(alice.id, "unlimited again")


async def test_group_limit(bot: Bot, alice: UserClient, emu: EmulatorClient) -> None:
    group = await emu.create_group("Busy", [alice])
    await emu.set_rate_limits(True)
    try:
        for i in range(20):
            await bot.send_message(group.id, f"g{i}")
        with pytest.raises(TelegramRetryAfter) as exc:
            await bot.send_message(group.id, "21st")
        assert exc.value.retry_after > 1  # 20 per minute refills slowly
        assert (await emu.rate_limit_stats())["by_scope"] == {"group": 1}
    finally:
        await emu.set_rate_limits(False)


async def test_global_limit(bot: Bot, emu: EmulatorClient) -> None:
    users = [await emu.create_user(first_name=f"U{i}", started=True) for i in range(15)]
    await emu.set_rate_limits(True)
    sent = 0
    refused: TelegramRetryAfter | None = None
    started = time.monotonic()
    try:
        for user in users:
            for _ in range(3):  # within each private chat's burst
                try:
                    await bot.send_message(user.id, "hi")
                except TelegramRetryAfter as exc:
                    refused = exc
                    break
                sent += 1
            if refused:
                break
        assert refused is not None
        # A burst of 30, plus what the bucket refilled (30/s) while we were sending:
        # a slow machine sends more before the first refusal, never fewer than 30.
        refilled = 30 * (time.monotonic() - started)
        assert 30 <= sent <= 31 + refilled
        assert (await emu.rate_limit_stats())["by_scope"] == {"global": 1}
    finally:
        await emu.set_rate_limits(False)


async def test_fault_injection_errors(bot: Bot, alice: UserClient, emu: EmulatorClient) -> None:
    await emu.inject_fault("sendMessage", count=2, error_code=429, retry_after=7)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as exc:
            await bot.send_message(alice.id, "x")
        assert exc.value.retry_after == 7
    await bot.send_message(alice.id, "third works")

    await emu.inject_fault("*", error_code=502)
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    await emu.inject_fault("getme", error_code=400, description="Bad Request: custom failure")
    with pytest.raises(TelegramBadRequest, match="custom failure"):
        await bot.get_me()
    assert (await bot.get_me()).is_bot


async def test_fault_injection_delay(bot: Bot, emu: EmulatorClient) -> None:
    await emu.inject_fault("getMe", delay=0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started < 0.3
    await emu.inject_fault("getMe", count=5, delay=1)
    await emu.clear_faults()
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started < 0.3


def test_bucket_accepts_first_message_and_exact_pacing() -> None:
    # A fresh bucket is full even with burst 1 (regression: the bucket must not
    # start "in the future" relative to the request that created it).
    limiter = RateLimiter()
    limiter.config.update({"private_burst": 1.0})
    start = time.monotonic()
    with patch("sandbox.emulator.ratelimit.time.monotonic", return_value=start):
        assert limiter.check(1, 5, "private") is None
        assert limiter.check(1, 5, "private") == 1
    with patch("sandbox.emulator.ratelimit.time.monotonic", return_value=start + 1.0):
        assert limiter.check(1, 5, "private") is None
    assert limiter.stats(1)["by_scope"] == {"private": 1}


async def test_paid_broadcast_lifts_the_global_limit(bot: Bot, emu: EmulatorClient) -> None:
    """``allow_paid_broadcast``: 1,000 messages/s instead of 30, each one counted (charged)."""
    users = [await emu.create_user(first_name=f"P{i}", started=True) for i in range(45)]
    await emu.set_rate_limits(True)
    try:
        for user in users:  # 45 at once: above the free burst of 30, refused without paying
            await bot.send_message(user.id, "paid", allow_paid_broadcast=True)
        stats = await emu.rate_limit_stats()
        assert stats["total_429"] == 0 and stats["paid_broadcast_messages"] == 45
        sent = 0
        for user in users:  # the free limit is untouched by the paid ones: 30, then 429
            try:
                await bot.send_message(user.id, "free")
            except TelegramRetryAfter:
                break
            sent += 1
        assert 30 <= sent < len(users)
        assert (await emu.rate_limit_stats())["by_scope"] == {"global": 1}
    finally:
        await emu.set_rate_limits(False)
