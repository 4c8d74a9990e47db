"""What the screens every user sees cost the database: the request card is one
statement, and a change reads the facts its notifications need together with its lock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from domain.enums import Action, FollowUpReason, MediaPurpose
from domain.services.requests import add_comment, open_card
from storage.models import Outbox, StaffPost
from tests.e2e.conftest import Desk
from tests.e2e.tracking_helpers import (
    ADDRESS,
    add_media,
    drive,
    insert_request,
    make_cast,
    make_resident,
    to_completed,
    to_in_progress,
    watch,
)


@contextmanager
def statements_of(desk: Desk) -> Iterator[list[str]]:
    """The SQL statements this task sends while the block runs (whitespace folded);
    the outbox worker's, running beside it, are not counted."""
    sent: list[str] = []
    task = asyncio.current_task()

    def record(*args: Any) -> None:
        if asyncio.current_task() is task:
            sent.append(" ".join(str(args[2]).split()))

    engine = desk.runtime.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_card_is_one_statement_with_history_comments_watchers_and_follow_up(
    desk: Desk,
) -> None:
    services = desk.runtime.services
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    neighbour = await make_resident(desk, cast.home, "Kamola", apartment="13")
    request_id, _number = await insert_request(desk, resident, cast.home)
    await watch(desk, request_id, neighbour)
    manager = await services.actor(cast.manager.id)
    assert manager is not None
    async with services.uow() as uow:
        await add_comment(uow, manager, request_id, services.clock.now(), text="On our way")
        await uow.commit()

    with statements_of(desk) as sent:
        async with services.reader() as uow:
            card = await open_card(uow, manager, request_id, services.clock.now())
    assert len(sent) == 1, sent
    assert card.details.watcher_ids == (neighbour.id,)
    assert [item.action for item in card.details.history] == [Action.CREATE]
    assert [(c.author_name, c.text) for c in card.details.comments] == [("Malika", "On our way")]
    assert card.details.follow_up is None

    await to_completed(desk, cast, request_id)
    await drive(desk, request_id, resident, Action.ACCEPT_WORK, rating=1)
    with statements_of(desk) as sent:
        async with services.reader() as uow:
            card = await open_card(uow, manager, request_id, services.clock.now())
    assert len(sent) == 1, sent
    assert [item.action for item in card.details.history][-2:] == [
        Action.COMPLETE,
        Action.ACCEPT_WORK,
    ]
    assert card.details.follow_up is not None
    assert card.details.follow_up.reason is FollowUpReason.LOW_RATING


async def test_a_change_reads_managers_executor_and_staff_post_with_its_lock(desk: Desk) -> None:
    services = desk.runtime.services
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await to_in_progress(desk, cast, request_id)
    await add_media(desk, request_id, cast.executor, MediaPurpose.COMPLETION)
    async with services.session_factory() as session, session.begin():  # the staff chat post
        session.add(StaffPost(request_id=request_id, chat_id=desk.staff_chat.id, message_id=77))
    for user in (cast.executor, resident):
        await services.actor(user.id)  # who acts is known (cached) before the press

    with statements_of(desk) as completing:
        await drive(desk, request_id, cast.executor, Action.COMPLETE, comment="Done", media_count=1)
    with statements_of(desk) as closing:
        await drive(desk, request_id, resident, Action.ACCEPT_WORK, rating=1)
    sent = completing + closing
    # the re-plan of a change takes the clocks from the locked row and the open follow-up
    # from the change's write, or from opening one (the low rating)
    selects = [s for s in sent if s.startswith("SELECT") and "FOR UPDATE" not in s]
    for fact in ("FROM follow_ups", "requests.accept_clock_from,"):
        assert not any(fact in s for s in selects), (fact, sent)
    assert any(s.startswith("INSERT INTO follow_ups") for s in closing), closing

    reads = [s for s in sent if s.startswith("SELECT")]
    locked = [s for s in reads if "FOR UPDATE" in s]
    assert len(locked) == 2 and all("manager_buildings" in s and "staff_posts" in s for s in locked)
    for fact in ("FROM manager_buildings", "FROM staff_posts", "SELECT users.first_name"):
        assert not any(fact in s for s in reads if s not in locked), (fact, sent)
    # what those facts are for: the resident hears the executor's name, the manager of the
    # low rating, and the staff chat post is edited to show each new state
    await cast.manager.expect(f"Low rating for request {number}: 1 ⭐", timeout=10)
    async with services.session_factory() as session:
        done = await session.scalar(
            select(Outbox).where(
                Outbox.chat_id == resident.id, Outbox.template == "notify-completed"
            )
        )
        edits = list(
            await session.scalars(
                select(Outbox)
                .where(Outbox.chat_id == desk.staff_chat.id, Outbox.template == "desk-staff-post")
                .order_by(Outbox.id)
            )
        )
    assert done is not None and done.params["executor"] == "Bobur"
    assert [edit.params["status"] for edit in edits] == [
        {"key": "status-completed"},
        {"key": "status-closed"},
    ]
    assert all(
        edit.params["executor"] == "Bobur" and edit.params["address"] == ADDRESS for edit in edits
    )
    assert [edit.edit_of for edit in edits] == [{"message_id": 77}] * 2
