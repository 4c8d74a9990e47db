"""A change re-plans with the follow-up it finds after taking the request's lock: one
opened by a change that held the lock first still gets its deadline."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.enums import Action, FollowUpReason, TimerKind
from domain.services.requests import perform_action
from storage.repositories.users import load_person
from storage.uow import SqlUnitOfWork
from tests.integration.test_sweep import EXECUTOR, NOON, H, insert_requests, seed_people, timers

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_a_follow_up_opened_while_a_change_waited_for_the_lock_keeps_its_deadline(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    building_id = await seed_people(session_factory)
    [request_id] = await insert_requests(session_factory, building_id, 1, created_at=NOON - H)
    async with session_factory() as session:
        person = await load_person(session, EXECUTOR)
    assert person is not None
    _, executor = person
    follow_up_due = NOON + 2 * H

    async with SqlUnitOfWork(session_factory) as first:
        assert await first.requests.lock_for_change(request_id) is not None
        await first.schedule.add_follow_up(request_id, FollowUpReason.RETURNED, NOON, follow_up_due)

        async def accept() -> None:
            async with SqlUnitOfWork(session_factory) as second:
                await perform_action(second, executor, request_id, Action.ACCEPT, NOON)

        waiting = asyncio.create_task(accept())
        await asyncio.sleep(0.5)  # the change's statement has started and waits for the lock
        assert not waiting.done()
        await first.commit()
    await waiting

    planned = await timers(session_factory, request_id)
    assert planned[TimerKind.FOLLOW_UP_OVERDUE.value][0] == follow_up_due
