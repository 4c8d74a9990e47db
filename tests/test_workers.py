"""Spreading updates over worker processes: one person's updates always reach the same
worker (they are handled in order), whatever kind of update it is."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.workers import user_key, worker_of


def test_a_persons_messages_and_presses_go_to_one_worker() -> None:
    message = {"update_id": 1, "message": {"from": {"id": 701}, "chat": {"id": 701}}}
    press = {"update_id": 2, "callback_query": {"from": {"id": 701}, "data": "x"}}
    inline = {"update_id": 3, "inline_query": {"from": {"id": 701}, "query": ""}}
    assert len({worker_of(u, 3) for u in (message, press, inline)}) == 1


def test_updates_without_a_user_fall_back_to_the_chat_then_the_update() -> None:
    post = {"update_id": 9, "channel_post": {"chat": {"id": -100500}}}
    answer = {"update_id": 10, "poll_answer": {"user": {"id": 42}}}
    odd = {"update_id": 11, "unknown": {"nothing": True}}
    assert user_key(post) == -100500
    assert user_key(answer) == 42
    assert user_key(odd) == 11


@pytest.mark.parametrize("step", [1, 2, 10], ids=["consecutive", "even", "steps-of-ten"])
def test_different_people_spread_evenly_over_all_workers(step: int) -> None:
    updates = [{"update_id": n, "message": {"from": {"id": 10**9 + n * step}}} for n in range(600)]
    per_worker = [0, 0, 0]
    for update in updates:
        per_worker[worker_of(update, 3)] += 1
    assert min(per_worker) > 150, per_worker  # 200 each when even; never one worker for all
    halves = [0, 0]
    for update in updates:
        halves[worker_of(update, 2)] += 1
    assert min(halves) > 240, halves


@pytest.mark.parametrize(
    ("redis_url", "webhook_url", "reason"),
    [
        ("", "", "UKBOT_REDIS_URL"),
        ("redis://127.0.0.1:1/0", "https://example.invalid/telegram/webhook", "long polling"),
    ],
    ids=["without-redis", "with-a-webhook"],
)
def test_workers_are_refused_with_a_reason(
    redis_url: str,
    webhook_url: str,
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UKBOT_BOT_TOKEN", "123:token")
    monkeypatch.setenv("UKBOT_WORKERS", "2")
    monkeypatch.setenv("UKBOT_REDIS_URL", redis_url)
    monkeypatch.setenv("UKBOT_WEBHOOK_URL", webhook_url)
    monkeypatch.setenv("UKBOT_WEBHOOK_SECRET", "s")
    assert main(["run"]) == 2
    assert reason in capsys.readouterr().err
