"""Fault tests: real processes killed and restarted. CI runs them; skip them locally with
``uv run pytest -m "not faults"``."""

from __future__ import annotations

import os

import pytest


async def redis_for_faults() -> str:
    """The tests' Redis: conversation state must outlive the bot process. Without one
    the test is skipped on a developer's machine and fails in CI."""
    url = os.environ.get("UKBOT_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("UKBOT_TEST_REDIS_URL is not set: CI must run the fault tests")
        pytest.skip("UKBOT_TEST_REDIS_URL is not set")
    return url
