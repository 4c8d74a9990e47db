"""Outage incidents end to end: three "no water" requests suggest an outage to the
manager, who declares it; a fourth resident is told at once and follows it instead of
filing; resolving it closes the linked requests (their history says so) and tells
everyone; a second manager resolving too is told it is already done."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import func, select

from domain.enums import Action, Category, RequestStatus, Role
from domain.errors import ValidationFailed
from domain.services import incidents as uc
from domain.services.desk_settings import DeskSettings
from fsm.incidents import DeclareCb
from storage.models import (
    Incident,
    IncidentFollower,
    IncidentSuggestion,
    Request,
    RequestHistory,
)
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import file_request, make_staff
from tests.e2e.tracking_helpers import (
    ADDRESS,
    insert_request,
    make_cast,
    make_resident,
    to_completed,
)


async def test_outage_suggested_declared_followed_and_resolved(desk: Desk) -> None:
    cast = await make_cast(desk)
    manager = cast.manager
    factory = desk.runtime.services.session_factory
    second = await new_user(desk, "Sardor", started=True)
    await make_staff(factory, second, [Role.MANAGER], buildings=[cast.home.building_id])
    filers = [
        await make_resident(desk, cast.home, name, apartment=apartment)
        for name, apartment in (("Aziz", "12"), ("Nodira", "13"), ("Javlon", "14"))
    ]
    newcomer = await make_resident(desk, cast.home, "Lola", apartment="15")

    # Two requests are no outage; the third within 30 minutes is.
    numbers = []
    for resident in filers:
        numbers.append(await file_request(desk, resident, description="No water at all", photos=0))
    suggestion = await manager.expect("Possible outage", timeout=10)
    assert f"Possible outage at {ADDRESS}: 3 requests about no water" in suggestion.content
    assert [text for row in suggestion.inline_buttons for text, _ in row] == [
        "🚨 Declare incident",
        "Not related",
    ]

    # Declaring: a target, then the text (too long first: refused, nothing declared).
    await manager.press("🚨 Declare incident", message=suggestion)
    await manager.expect("By when do you expect to fix it")
    await manager.press("4 h")
    await manager.expect("Describe the outage")
    await manager.send_text("x" * (uc.MAX_TEXT + 1))
    await manager.expect("The text is too long")
    await manager.send_text("Water main burst on the street, the crew is on site.")
    await manager.expect("Incident declared. Linked requests: 3.")
    card = await manager.expect("🚨 Outage: no water")
    assert "Linked requests: 3; followers: 0" in card.content
    for resident in filers:
        note = await resident.expect("part of a known outage")
        assert "Water main burst" in note.content

    async with factory() as session:
        incident = await session.scalar(select(Incident))
        assert incident is not None
        rows = (await session.scalars(select(Request).where(Request.number.in_(numbers)))).all()
        # SLA clocks of linked requests follow the incident's target
        assert {row.complete_due_at for row in rows} == {incident.due_at}
        assert incident.due_at - incident.declared_at == timedelta(hours=4)

    # A second declaration of the same outage is refused with an answer.
    actor = await desk.runtime.services.actor(manager.id)
    assert actor is not None
    with pytest.raises(ValidationFailed) as refused:
        async with desk.runtime.services.uow() as uow:
            await uc.declare(
                uow,
                actor,
                building_id=cast.home.building_id,
                category=Category.PLUMBING,
                text="again",
                hours=2,
                now=desk.clock.now(),
                tz=desk.runtime.services.tz,
            )
    assert refused.value.key == "incident-error-already-open"

    # A forged button for a building the manager does not run changes nothing.
    foreign = DeclareCb(building=cast.home.building_id + 1000, category="plumbing", hours=2)
    keyboard = [[InlineKeyboardButton(text="forged", callback_data=foreign.pack())]]
    await desk.runtime.bot.send_message(
        manager.id, "buttons", reply_markup=InlineKeyboardMarkup(inline_keyboard=keyboard)
    )
    await manager.expect("buttons")
    forged = await manager.press("forged")
    assert forged.text == "This item is not available to you."

    # A new resident starting a "no water" request is told at once and follows instead.
    await newcomer.send_command("new")
    await newcomer.expect("What is the problem about")
    await newcomer.press("Plumbing")
    known = await newcomer.expect("Known outage: no water at " + ADDRESS)
    assert "We are working on it" in known.content
    assert "🔔 Follow the incident" in [t for row in known.inline_buttons for t, _ in row]
    await newcomer.press("🔔 Follow the incident")
    await newcomer.expect("You follow the outage at")

    # The manager's update reaches the linked residents and the follower.
    await manager.press("📣 Send an update", message=card)
    await manager.expect("Send the update for residents")
    await manager.send_text("The pipe is replaced, pressure is coming back.")
    await manager.expect("Update sent to 4 people.")
    for person in (*filers, newcomer):
        await person.expect("pressure is coming back")

    # From the desk: the queue of open outages, the card, resolve and close.
    await manager.send_command("panel")
    panel = await manager.expect("Manager panel")
    await manager.press("🚨 Outages: 1", message=panel)
    queue = await manager.expect("Open outages: 1")
    await manager.press(f"no water · {ADDRESS} · 3 req. · 1 foll.", message=queue)
    await manager.expect("🚨 Outage: no water")
    # the second manager opens the same card and starts resolving too
    await second.send_command("panel")
    await second.press("🚨 Outages: 1", message=await second.expect("Manager panel"))
    await second.press(
        f"no water · {ADDRESS} · 3 req. · 1 foll.", message=await second.expect("Open outages")
    )
    await second.press("✅ Resolve and close requests", message=await second.expect("🚨 Outage"))
    await second.expect("linked requests still open will be closed")

    await manager.press("✅ Resolve and close requests")
    await manager.expect("The 3 linked requests still open will be closed")
    await manager.send_text("Water is back in the whole building.")
    report = await manager.expect("Outage resolved")
    assert "Requests closed: 3, returned to the desk: 0; people notified: 4" in report.content

    await second.send_text("Water is back.")
    await second.expect("already resolved")

    for resident, number in zip(filers, numbers, strict=True):
        closed = await resident.expect(f"Request {number} is closed: the outage was resolved")
        assert "Water is back in the whole building." in closed.content
    over = await newcomer.expect("is over: Water is back in the whole building.")
    assert ADDRESS in over.content

    async with factory() as session:
        rows = (await session.scalars(select(Request).where(Request.number.in_(numbers)))).all()
        assert {row.status for row in rows} == {RequestStatus.CLOSED}
        for row in rows:
            actions = list(
                await session.scalars(
                    select(RequestHistory.action)
                    .where(RequestHistory.request_id == row.id)
                    .order_by(RequestHistory.id)
                )
            )
            assert actions[0] == Action.CREATE
            assert Action.LINK_INCIDENT in actions
            assert actions[-1] == Action.CLOSE_BY_INCIDENT
        followers = (await session.scalars(select(IncidentFollower.user_id))).all()
        assert list(followers) == [newcomer.id]
        # nobody filed for the newcomer
        assert (
            await session.scalar(select(Request.id).where(Request.author_id == newcomer.id)) is None
        )


async def test_two_managers_resolving_at_once_one_wins(desk: Desk) -> None:
    """Two resolutions racing in two transactions: one resolves, the other is refused."""
    cast = await make_cast(desk)
    services = desk.runtime.services
    actor = await services.actor(cast.manager.id)
    assert actor is not None
    async with services.uow() as uow:
        incident = await uc.declare(
            uow,
            actor,
            building_id=cast.home.building_id,
            category=Category.ELEVATOR,
            text="The elevator is stuck",
            hours=8,
            now=services.clock.now(),
            tz=services.tz,
        )

    async def resolve(text: str) -> str:
        try:
            async with services.uow() as uow:
                await uc.resolve(
                    uow,
                    actor,
                    incident.id,
                    uc.Resolution.CLOSE,
                    text,
                    services.clock.now(),
                    services.tz,
                )
        except Exception as error:
            return str(getattr(error, "key", error))
        return "resolved"

    outcomes = await asyncio.gather(resolve("first"), resolve("second"))
    assert sorted(outcomes) == ["incident-error-resolved", "resolved"]
    async with services.session_factory() as session:
        row = await session.get(Incident, incident.id)
        assert row is not None and row.status == "resolved"
        assert row.resolution_text in {"first", "second"}


async def test_admin_sets_the_outage_rule_and_returning_keeps_requests_open(desk: Desk) -> None:
    """The rule's two numbers are desk rules an admin edits (bad input answered, nothing
    saved); resolving by "return" leaves the requests open with their own deadlines and
    a history entry."""
    admin = await new_user(desk, "Aziz", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    await admin.send_text("⚙️ Settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🏢 Desk rules and digests")
    rules = await admin.expect("🏢 Desk rules and digests\n")
    assert "Possible outage: 3 requests of one kind in one building within 30 min" in (
        rules.content
    )
    await admin.press("🚨 Outage after 3 requests", message=rules)
    await admin.expect("suggest an outage")
    await admin.send_text("1")
    await admin.expect("Send a whole number from 2 to 50")
    await admin.send_text("4")
    await admin.expect("Saved")
    rules = await admin.expect("Possible outage: 4 requests")
    await admin.press("⏱ Outage window: 30 min", message=rules)
    await admin.send_text("2")
    await admin.expect("Send a whole number of minutes from 5 to 1,440")
    await admin.send_text("45")
    await admin.expect("Possible outage: 4 requests of one kind in one building within 45 min")

    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Aziza")
    services = desk.runtime.services
    ids = [(await insert_request(desk, resident, cast.home))[0] for _ in range(2)]
    actor = await services.actor(cast.manager.id)
    assert actor is not None
    async with services.uow() as uow:
        incident = await uc.declare(
            uow,
            actor,
            building_id=cast.home.building_id,
            category=Category.PLUMBING,
            text="No water",
            hours=2,
            now=services.clock.now(),
            tz=services.tz,
        )
    done = (await insert_request(desk, resident, cast.home))[0]
    async with services.uow() as uow:
        linked = await uc.link_matching(uow, actor, incident.id, services.clock.now(), services.tz)
    assert linked == 3
    await to_completed(desk, cast, done)  # finished while the outage was open
    async with services.uow() as uow:
        result = await uc.resolve(
            uow, actor, incident.id, uc.Resolution.RETURN, "Back", services.clock.now(), services.tz
        )
    assert (result.closed, result.returned) == (0, 2)
    async with services.session_factory() as session:
        finished = await session.get(Request, done)
        assert finished is not None
        assert finished.status is RequestStatus.COMPLETED  # waits for its resident as before
        assert finished.incident_due_at is None
    await resident.expect("Your request stays open")
    async with services.session_factory() as session:
        for request_id in ids:
            row = await session.get(Request, request_id)
            assert row is not None
            assert row.status is RequestStatus.NEW
            assert row.incident_due_at is None
            assert row.complete_due_at != incident.due_at  # its own deadline again
            last = await session.scalar(
                select(RequestHistory.action)
                .where(RequestHistory.request_id == request_id)
                .order_by(RequestHistory.id.desc())
                .limit(1)
            )
            assert last == Action.RETURN_FROM_INCIDENT


async def test_the_suggestion_is_sent_once_however_many_processes_check(desk: Desk) -> None:
    """Four requests checked at the same moment in four transactions (as four bot
    processes would): one suggestion, one message per manager."""
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Aziza")
    services = desk.runtime.services
    ids = [(await insert_request(desk, resident, cast.home))[0] for _ in range(4)]
    settings = DeskSettings()

    async def check(request_id: int) -> str | None:
        async with services.uow() as uow:
            return await uc.after_filing(
                uow, request_id, services.clock.now(), settings, services.tz
            )

    outcomes = await asyncio.gather(*(check(request_id) for request_id in ids))
    assert outcomes.count("suggested") == 1, outcomes
    async with services.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(IncidentSuggestion)) == 1
    first = await cast.manager.expect("Possible outage")
    await cast.manager.expect_no_message(1.0)
    # Unanswered for longer than the window, it gives way to the next outage's suggestion.
    desk.clock.advance(timedelta(minutes=31))
    later = [
        (await insert_request(desk, resident, cast.home, created_at=desk.clock.now()))[0]
        for _ in range(3)
    ]
    assert await check(later[-1]) == "suggested"
    async with services.session_factory() as session:
        states = sorted((await session.scalars(select(IncidentSuggestion.state))).all())
    assert states == ["expired", "pending"]
    await cast.manager.expect("Possible outage")
    # The first one, pressed late, says it expired and where to declare instead.
    late = await cast.manager.press("🚨 Declare incident", message=first)
    assert late.text is not None and late.text.startswith("This suggestion has expired"), late
