"""The outbox's per-chat pacer: which chats must still wait, and nothing more remembered."""

from __future__ import annotations

import pytest

from bot.ratelimit import ChatPacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


def test_a_chat_is_busy_for_its_interval_then_forgotten(clock: FakeTime) -> None:
    pacer = ChatPacer(1.0, 20, clock.monotonic)
    pacer.sent(7)
    pacer.sent(-100)  # a group: 3 s
    assert sorted(pacer.busy()) == [-100, 7]
    clock.now += 1.0
    assert pacer.busy() == [-100]
    assert pacer.wait_for(7) == 0.0
    clock.now += 2.0
    assert pacer.busy() == []
    assert not pacer._next and not pacer._releases  # nothing kept for idle chats


def test_a_later_hold_outlives_the_earlier_release(clock: FakeTime) -> None:
    pacer = ChatPacer(1.0, 20, clock.monotonic)
    pacer.sent(7)
    pacer.defer(7, 5.0)  # a flood wait
    clock.now += 1.0
    assert pacer.busy() == [7]
    assert pacer.wait_for(7) == pytest.approx(4.0)
    clock.now += 4.0
    assert pacer.busy() == []


def test_a_zero_interval_never_holds_a_chat(clock: FakeTime) -> None:
    pacer = ChatPacer(0.0, 20, clock.monotonic)
    pacer.sent(7)
    assert pacer.busy() == []
