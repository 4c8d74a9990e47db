"""The update journal: each update is handled once, also when its process dies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from storage.models import InboxUpdate
from storage.repositories.inbox import (
    KEEP,
    MAX_ATTEMPTS,
    Claim,
    SqlUpdateInbox,
    UpdateTakenOver,
    current_claim,
    detached_context,
)
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.asyncio(loop_scope="session")

BOT = 42


def _updates(*ids: int) -> list[dict[str, Any]]:
    return [{"update_id": update_id, "message": {"text": f"#{update_id}"}} for update_id in ids]


async def _expire_leases(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            update(InboxUpdate)
            .where(InboxUpdate.handled_at.is_(None))
            .values(lease_until=func.now() - timedelta(seconds=1))
        )


async def test_a_batch_is_journaled_in_one_statement_and_repeats_are_not_claimed(
    engine: AsyncEngine, clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        claims = await inbox.receive(BOT, _updates(5, 6, 5, 7))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert [claim.update_id for claim in claims] == [5, 6, 7]
    assert len({claim.attempt for claim in claims}) == 3
    assert len([s for s in statements if "INSERT INTO inbox_updates" in s]) == 1
    # a redelivery while the first attempt runs, or after it finished: not claimed
    assert await inbox.receive(BOT, _updates(5)) == []
    assert await inbox.finish(claims[0])
    assert await inbox.receive(BOT, _updates(5)) == []
    assert await inbox.receive(BOT + 1, _updates(5))  # another bot's update 5
    async with engine.connect() as conn:
        payload = await conn.scalar(
            select(InboxUpdate.payload).where(InboxUpdate.bot_id == BOT, InboxUpdate.update_id == 6)
        )
    assert payload == _updates(6)[0]


async def test_an_update_whose_attempt_died_is_claimed_again_then_given_up(
    engine: AsyncEngine, clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    [first] = await inbox.receive(BOT, _updates(10))
    assert await inbox.claim_stale(BOT) == []  # its lease runs
    await _expire_leases(engine)
    [(second, payload)] = await inbox.claim_stale(BOT)
    assert (second.update_id, second.attempts, payload) == (10, 2, _updates(10)[0])
    assert second.attempt != first.attempt
    assert not await inbox.finish(first)  # the dead attempt cannot finish it any more
    await _expire_leases(engine)
    [third] = await inbox.receive(BOT, _updates(10))  # Telegram's redelivery takes it over
    assert third.attempts == MAX_ATTEMPTS
    await _expire_leases(engine)
    assert await inbox.claim_stale(BOT) == []  # tried often enough: given up
    async with engine.connect() as conn:
        outcome = await conn.scalar(select(InboxUpdate.outcome))
    assert outcome == "given up"


async def test_renewed_leases_keep_an_update_with_its_attempt(
    engine: AsyncEngine, clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine, lease=timedelta(milliseconds=200))
    [claim] = await inbox.receive(BOT, _updates(20))
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_sleep(0.3)"))
    await inbox.renew([claim.attempt])
    assert await inbox.claim_stale(BOT) == []
    assert await inbox.finish(claim)


async def test_the_change_and_the_handled_mark_are_one_commit(
    engine: AsyncEngine, session_factory: async_sessionmaker[Any], clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    [claim] = await inbox.receive(BOT, _updates(30))

    async def change(by: Claim, name: str) -> None:
        token = current_claim.set(by)
        try:
            async with SqlUnitOfWork(session_factory) as uow:
                await uow.session.execute(
                    text("INSERT INTO settings (key, value) VALUES (:key, '1')"), {"key": name}
                )
                await uow.commit()
        finally:
            current_claim.reset(token)

    # a slow attempt that another one took over commits nothing
    await _expire_leases(engine)
    [(taker, _)] = await inbox.claim_stale(BOT)
    with pytest.raises(UpdateTakenOver):
        await change(claim, "slow")
    await change(taker, "taker")
    await change(taker, "taker-again")  # a second unit of work of the same attempt
    async with engine.connect() as conn:
        keys = set((await conn.scalars(text("SELECT key FROM settings"))).all())
        handled = (await conn.execute(select(InboxUpdate.handled_at, InboxUpdate.outcome))).one()
    assert keys == {"taker", "taker-again"}
    assert handled.handled_at is not None and handled.outcome == "done"
    assert await inbox.receive(BOT, _updates(30)) == []
    await _expire_leases(engine)
    assert await inbox.claim_stale(BOT) == []


async def test_background_work_started_by_an_update_does_not_mark_it_handled(
    engine: AsyncEngine, session_factory: async_sessionmaker[Any], clean_db: None
) -> None:
    inbox = SqlUpdateInbox(engine)
    [claim] = await inbox.receive(BOT, _updates(35))

    async def background() -> None:
        async with SqlUnitOfWork(session_factory) as uow:
            await uow.session.execute(text("INSERT INTO settings (key, value) VALUES ('bg', '1')"))
            await uow.commit()

    token = current_claim.set(claim)
    try:
        await asyncio.create_task(background(), context=detached_context())
    finally:
        current_claim.reset(token)
    async with engine.connect() as conn:
        handled = await conn.scalar(select(InboxUpdate.handled_at))
        stored = await conn.scalar(text("SELECT count(*) FROM settings WHERE key = 'bg'"))
    assert stored == 1
    assert handled is None  # the update's own change has not been committed yet


async def test_old_updates_are_pruned(engine: AsyncEngine, clean_db: None) -> None:
    inbox = SqlUpdateInbox(engine)
    for claim in await inbox.receive(BOT, _updates(40, 41)):
        await inbox.finish(claim)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == 40)
            .values(received_at=now - KEEP - timedelta(minutes=1))
        )
    assert await inbox.prune(now) == 1
    assert await inbox.prune(now) == 0
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(InboxUpdate)) == 1


class _Recorder:
    """A dispatcher that only records which updates it was given."""

    def __init__(self) -> None:
        self.fed: list[int] = []

    async def feed_raw_update(self, bot: object, update: dict[str, Any]) -> None:
        self.fed.append(int(update["update_id"]))


class _Bot:
    id = BOT


async def test_a_redelivery_waits_for_the_other_instance_or_takes_over_from_a_dead_one(
    engine: AsyncEngine, clean_db: None
) -> None:
    """The webhook's answer releases the person's next update: a redelivery of an update
    another instance holds is answered only once that update is done."""
    from bot.updates import UpdateRunner

    lease = timedelta(seconds=1)
    other = SqlUpdateInbox(engine, lease=lease)  # the other instance
    dispatcher = _Recorder()
    here = UpdateRunner(dispatcher, _Bot(), SqlUpdateInbox(engine, lease=lease))  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()

    # the other instance finishes it meanwhile: answered then, not handled here
    (claim,) = await other.receive(BOT, _updates(21))
    began = loop.time()
    finishing = asyncio.create_task(asyncio.sleep(0.5))
    finishing.add_done_callback(lambda _: asyncio.ensure_future(other.finish(claim)))
    assert await here.receive_in_order(_updates(21)[0], timeout=5)
    assert 0.4 < loop.time() - began < 2.0
    assert dispatcher.fed == []

    # the other instance died: taken over here when its lease ran out, then answered
    await other.receive(BOT, _updates(22))
    began = loop.time()
    assert await here.receive_in_order(_updates(22)[0], timeout=5)
    assert loop.time() - began >= 0.8, loop.time() - began
    assert dispatcher.fed == [22]

    # still running after the wait: not answered as done (Telegram asks again later)
    await other.receive(BOT, _updates(23))
    assert not await here.receive_in_order(_updates(23)[0], timeout=0.3)
    assert dispatcher.fed == [22]
