"""The heap helpers: the collector paused during start and settled after; trimming runs."""

from __future__ import annotations

import asyncio
import gc
import sys

import pytest

from bot import heap


def test_collections_paused_during_start_then_settled() -> None:
    frozen_before = gc.get_freeze_count()
    try:
        heap.pause_during_start()
        assert not gc.isenabled()
        built = [[n] for n in range(1000)]  # long-lived objects of the start-up
        heap.settle()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(built)
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
async def test_keep_trimmed_calls_malloc_trim_until_cancelled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: calls.append)
    task = asyncio.create_task(heap.keep_trimmed(interval=0.01))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(calls) >= 3 and set(calls) == {0}
    assert heap._malloc_trim() is not None  # glibc has it
