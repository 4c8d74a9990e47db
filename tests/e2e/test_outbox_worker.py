"""Outbox delivery semantics against the emulator: languages, failures, several workers;
announcements: a restart in the middle sends nobody one twice, and a personal
notification overtakes them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from pydantic import SecretStr
from sqlalchemy import event, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox as outbox_module
from bot.app import create_bot
from bot.i18n import get_translator
from bot.outbox import LEASE, OutboxWorker
from bot.settings import Settings
from domain.access import Actor
from domain.clock import SystemClock
from domain.enums import Language, OutboxState, ResidencyKind, Role, VerificationState
from domain.services.announcements import Draft, send_announcement
from domain.services.notifications import Button, MediaRef, Notification, Priority, tr
from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator.server import EmulatorServer
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import Apartment, Building, Organisation, Outbox, ResidentApartment, User
from storage.repositories.outbox import SENT_AGAIN, OutboxRepository, Outcome
from storage.uow import SqlUnitOfWork

TOKEN = "7000000003:outbox-semantics"


@dataclass
class OutboxEnv:
    emu: EmulatorClient
    factory: async_sessionmaker[AsyncSession]
    worker: Callable[..., OutboxWorker]

    async def user(self, user_id: int, language: Language) -> UserClient:
        client = await self.emu.create_user(f"U{user_id}", user_id=user_id, started=True)
        async with self.factory() as session, session.begin():
            await session.execute(
                insert(User)
                .values(id=user_id, first_name="U", language=language)
                .on_conflict_do_nothing()
            )
        return client

    async def enqueue(self, *notes: Notification) -> None:
        async with self.factory() as session, session.begin():
            await OutboxRepository(session).add_many(notes)

    async def rows(self) -> list[Outbox]:
        async with self.factory() as session:
            return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())

    async def make_due(self) -> None:
        """Moves retries' next attempt to now (the test does not wait out backoff)."""
        async with self.factory() as session, session.begin():
            await session.execute(
                update(Outbox)
                .where(Outbox.state == OutboxState.PENDING)
                .values(next_attempt_at=Outbox.next_attempt_at - timedelta(hours=1))
            )


@pytest_asyncio.fixture(loop_scope="session")
async def env(
    emulator: EmulatorServer, create_database: Callable[[], Awaitable[str]]
) -> AsyncIterator[OutboxEnv]:
    url = await create_database()
    await upgrade_to_head(url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    settings = Settings(
        _env_file=None, bot_token=SecretStr(TOKEN), telegram_api_url=emulator.base_url
    )
    bot = create_bot(settings)
    emu = EmulatorClient(emulator.base_url, TOKEN)

    def make_worker(**limits: Any) -> OutboxWorker:
        limits.setdefault("private_interval", 0.0)
        return OutboxWorker(bot, engine, get_translator(), SystemClock(), **limits)

    try:
        yield OutboxEnv(emu, factory, make_worker)
    finally:
        await emu.clear_faults()
        await emu.close()
        await bot.session.close()
        await engine.dispose()


async def test_rendered_in_each_recipients_language_with_buttons(env: OutboxEnv) -> None:
    ru = await env.user(9_400_000_001, Language.RU)
    uz = await env.user(9_400_000_002, Language.UZ)
    for person in (ru, uz):
        await env.enqueue(
            Notification(
                chat_id=person.id,
                user_id=person.id,
                template="error-invalid-transition",
                params={"status": tr("status-in_progress")},
                buttons=((Button("menu-help", callback_data="noop"),),),
            )
        )
    assert await env.worker().deliver_batch() == 2
    ru_msg = await ru.expect("Это действие невозможно в текущем статусе \\(В работе\\)")
    uz_msg = await uz.expect("Joriy holatda \\(Bajarilmoqda\\)")
    assert ru_msg.inline_buttons == [[("❓ Помощь", "noop")]]
    assert uz_msg.inline_buttons == [[("❓ Yordam", "noop")]]


async def test_blocked_user_is_marked_unreachable_and_skipped(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_011, Language.EN)
    await person.block_bot()
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    await env.worker().deliver_batch()
    await env.enqueue(Notification.to_user(person.id, "help-text"))
    await env.worker().deliver_batch()
    rows = [r for r in await env.rows() if r.user_id == person.id]
    assert [r.state for r in rows] == [OutboxState.SKIPPED, OutboxState.SKIPPED]
    async with env.factory() as session:
        assert await session.scalar(select(User.unreachable).where(User.id == person.id)) is True


async def test_flood_wait_and_server_errors_are_retried_not_lost(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_021, Language.EN)
    await env.emu.inject_fault("sendMessage", count=1, error_code=429, retry_after=1)
    await env.emu.inject_fault("sendMessage", count=1, error_code=502, description="Bad Gateway")
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    worker = env.worker()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:  # the worker honours retry_after=1 s; we skip only the backoff
        await env.make_due()
        await worker.deliver_batch()
        (row,) = [r for r in await env.rows() if r.user_id == person.id]
        if row.state != OutboxState.PENDING:
            break
        await asyncio.sleep(0.1)
    assert row.state == OutboxState.SENT
    assert row.attempts == 2  # the flood wait is not counted as a failed attempt
    await person.expect("Main menu")


async def test_editing_to_the_same_content_counts_as_delivered(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_031, Language.EN)
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    await env.worker().deliver_batch()
    sent = next(r for r in await env.rows() if r.user_id == person.id)
    edit = Notification(
        chat_id=person.id,
        user_id=person.id,
        template="menu-title",
        edit_of_message_id=sent.sent_message_id,
    )
    await env.enqueue(edit)
    await env.worker().deliver_batch()
    rows = [r for r in await env.rows() if r.user_id == person.id]
    assert [r.state for r in rows] == [OutboxState.SENT, OutboxState.SENT]


async def test_two_workers_never_send_a_message_twice(env: OutboxEnv) -> None:
    people = [await env.user(9_400_000_100 + n, Language.EN) for n in range(40)]
    await env.enqueue(*(Notification.to_user(p.id, "help-text") for p in people))
    first, second = env.worker(), env.worker()
    for worker in (first, second):
        worker.batch_size = 10
    while True:
        handled = await asyncio.gather(first.deliver_batch(), second.deliver_batch())
        if sum(handled) == 0:
            break
    for person in people:
        received = [m for m in await person.messages() if m.from_bot]
        assert len(received) == 1


async def test_mixed_media_are_split_the_way_telegram_accepts(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_041, Language.EN)
    photos = [await person.send_photo() for _ in range(2)]
    voice = await person.send_voice()
    document = await person.send_document()
    media = tuple(
        MediaRef(kind, message.file_id or "")
        for kind, message in [
            ("photo", photos[0]),
            ("photo", photos[1]),
            ("voice", voice),
            ("document", document),
        ]
    )
    await env.enqueue(
        Notification(
            chat_id=person.id,
            user_id=person.id,
            template="onboarding-location-address",
            params={"address": "x" * 1500},
            media=media,
        )
    )
    await env.worker().deliver_batch()
    (row,) = [r for r in await env.rows() if r.user_id == person.id]
    assert row.state == OutboxState.SENT, row.last_error
    received = [m for m in await person.messages() if m.from_bot]
    assert [bool(m.photo) for m in received[:2]] == [True, True]
    assert received[0].media_group_id and received[0].media_group_id == received[1].media_group_id
    assert received[2].document and received[3].voice  # documents travel apart, voice alone
    assert received[4].text and received[4].text.endswith("x" * 100)


async def test_one_message_per_chat_is_claimed_and_the_next_waits_unwritten(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_051, Language.EN)
    templates = ("menu-title", "help-text", "menu-title")
    await env.enqueue(*(Notification.to_user(person.id, t) for t in templates))
    worker = env.worker(private_interval=0.3)
    assert await worker.deliver_batch() == 1
    assert await worker.deliver_batch() == 0  # the chat is pacing: nothing claimed
    rows = await env.rows()
    assert [r.state for r in rows] == [OutboxState.SENT, OutboxState.PENDING, OutboxState.PENDING]
    assert all(r.next_attempt_at == r.created_at for r in rows[1:])  # no deferral written
    while any(r.state == OutboxState.PENDING for r in await env.rows()):
        await asyncio.sleep(0.1)
        await worker.deliver_batch()
    sent = [r.sent_at for r in await env.rows() if r.sent_at is not None]
    assert len(sent) == 3
    assert all(b - a >= timedelta(seconds=0.3) for a, b in itertools.pairwise(sent))
    received = [m.text or "" for m in await person.messages() if m.from_bot]
    assert [t.startswith("Main menu") for t in received] == [True, False, True]


async def test_a_retried_message_holds_back_the_later_ones_of_its_chat(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_061, Language.EN)
    await env.emu.inject_fault("sendMessage", count=1, error_code=502, description="Bad Gateway")
    await env.enqueue(
        Notification.to_user(person.id, "menu-title"), Notification.to_user(person.id, "help-text")
    )
    worker = env.worker()
    assert await worker.deliver_batch() == 1  # the first failed and waits out its backoff
    assert await worker.deliver_batch() == 0  # the second waits behind it
    await env.make_due()
    assert await worker.deliver_batch() == 1
    assert await worker.deliver_batch() == 1
    received = [m.text or "" for m in await person.messages() if m.from_bot]
    assert [t.startswith("Main menu") for t in received] == [True, False]


async def test_an_unexpected_error_keeps_the_rest_of_the_batch_delivered(env: OutboxEnv) -> None:
    people = [await env.user(9_400_000_071 + n, Language.EN) for n in range(3)]
    await env.emu.inject_fault("sendMessage", count=1, error_code=404, description="Not Found")
    await env.enqueue(*(Notification.to_user(p.id, "menu-title") for p in people))
    worker = env.worker()
    assert await worker.deliver_batch() == 3
    states = sorted(r.state for r in await env.rows())
    assert states == [OutboxState.PENDING, OutboxState.SENT, OutboxState.SENT]
    await env.make_due()
    assert await worker.deliver_batch() == 1
    for person in people:  # the two sent in the first batch were not sent again
        assert len([m for m in await person.messages() if m.from_bot]) == 1


async def test_each_outcome_is_written_as_soon_as_telegram_answered(env: OutboxEnv) -> None:
    people = [await env.user(9_400_000_081 + n, Language.EN) for n in range(5)]
    await env.enqueue(*(Notification.to_user(p.id, "menu-title") for p in people))
    await env.enqueue(Notification.to_user(people[0].id, "help-text"))  # waits for the next batch
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = env.factory.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert await env.worker().deliver_batch() == 5
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # the claim (with the recipients' languages), then the outcomes as the answers come:
    # each one as soon as the one before is written (those that arrived meanwhile
    # together), never all at the end of the batch, so a crash in the middle repeats only
    # the messages whose answer was not written
    assert 1 + 1 <= len(statements) <= 1 + 5, statements
    assert all("UPDATE outbox SET" in statement for statement in statements[1:])
    assert [r.state for r in await env.rows()].count(OutboxState.SENT) == 5


async def test_no_transaction_stays_open_while_messages_are_sent(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_091, Language.EN)
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    await env.emu.inject_fault("sendMessage", delay=1.0)
    batch = asyncio.create_task(env.worker().deliver_batch())
    await asyncio.sleep(0.5)  # the message is on its way
    async with env.factory() as session:
        open_transactions = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
            )
        )
    assert await batch == 1
    assert open_transactions == 0
    assert [m.text for m in await person.messages() if m.from_bot] == [
        "Main menu. Choose what you need below."
    ]


async def test_a_dead_workers_claim_is_sent_again_when_its_lease_ends(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_092, Language.EN)
    await env.enqueue(
        Notification.to_user(person.id, "menu-title"), Notification.to_user(person.id, "help-text")
    )
    now = datetime.now(UTC)
    async with env.factory() as session, session.begin():  # a worker claims, then dies
        claimed = await OutboxRepository(session).claim_due(now, 10, lease_until=now + LEASE)
    assert len(claimed) == 1  # the chat's first message; the second waits behind it
    # while the lease lasts nobody sends it, nor the chat's next message
    assert await env.worker().deliver_batch() == 0
    await env.make_due()  # the lease has ended
    worker = env.worker()
    assert await worker.deliver_batch() == 1
    assert await worker.deliver_batch() == 1
    texts = [m.content for m in await person.messages() if m.from_bot]
    assert len(texts) == 2 and texts[0].startswith("Main menu")  # once each, in order


async def test_a_late_outcome_does_not_overwrite_the_next_workers(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_093, Language.EN)
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    now = datetime.now(UTC)
    async with env.factory() as session, session.begin():  # a worker claims, then stalls
        [row] = await OutboxRepository(session).claim_due(now, 10, lease_until=now + LEASE)
    await env.make_due()  # its lease ended: another worker sends the message
    assert await env.worker().deliver_batch() == 1
    async with env.factory() as session, session.begin():  # the stalled worker wakes up
        late = Outcome(row.id, OutboxState.PENDING, 1, "timeout", next_attempt_at=now)
        await OutboxRepository(session).record([late], lease_until=now + LEASE)
    [stored] = await env.rows()
    # the second worker cannot know whether the stalled one had sent it: it says so
    assert stored.state is OutboxState.SENT and stored.last_error == SENT_AGAIN
    assert len([m for m in await person.messages() if m.from_bot]) == 1


async def test_a_message_claimed_and_sent_once_carries_no_doubt(env: OutboxEnv) -> None:
    person = await env.user(9_400_000_099, Language.EN)
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    assert await env.worker().deliver_batch() == 1
    [stored] = await env.rows()
    assert stored.state is OutboxState.SENT and stored.last_error is None


async def test_rows_the_lease_would_not_cover_are_left_for_the_next_claim(
    env: OutboxEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "LEASE", timedelta(seconds=4))
    monkeypatch.setattr(outbox_module, "SEND_TIMEOUT", timedelta(seconds=2.5))
    people = [await env.user(9_400_000_094 + n, Language.EN) for n in range(3)]
    await env.enqueue(*(Notification.to_user(p.id, "menu-title") for p in people))
    worker = env.worker(global_rate=1.0)  # a message a second: the lease covers two
    assert await worker.deliver_batch() == 3
    rows = await env.rows()
    assert [r.state for r in rows] == [OutboxState.SENT, OutboxState.SENT, OutboxState.PENDING]
    assert rows[2].attempts == 0  # not an attempt: it was never started
    assert await worker.deliver_batch() == 1
    assert [r.state for r in await env.rows()] == [OutboxState.SENT] * 3
    for person in people:
        assert len([m for m in await person.messages() if m.from_bot]) == 1


async def test_outcomes_lost_to_an_outage_are_recorded_when_the_database_returns(
    env: OutboxEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Postgres goes away between the send and the recording of its outcome: the worker
    records it at its next batch instead of leaving the row leased for minutes and
    sending it again when the lease ends."""
    person = await env.user(9_400_000_101, Language.EN)
    await env.enqueue(Notification.to_user(person.id, "menu-title"))
    worker = env.worker()
    record = OutboxRepository.record
    failures = iter([ConnectionRefusedError(111, "Connect call failed")])

    async def record_unless_down(self: OutboxRepository, *args: Any, **kwargs: Any) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        await record(self, *args, **kwargs)

    monkeypatch.setattr(OutboxRepository, "record", record_unless_down)
    with pytest.raises(ConnectionRefusedError):
        await worker.deliver_batch()
    [row] = [r for r in await env.rows() if r.user_id == person.id]
    assert row.state == OutboxState.PENDING  # leased, its outcome known only to the worker
    assert await worker.deliver_batch() == 0
    [row] = [r for r in await env.rows() if r.user_id == person.id]
    assert row.state == OutboxState.SENT
    menu = get_translator()("en", "menu-title")
    assert [m.content for m in await person.messages() if m.from_bot].count(menu) == 1


# --------------------------------------------------------------------------- announcements

ADMIN = 9_450_000_000


async def _building_with_residents(env: OutboxEnv, first_id: int, count: int) -> list[int]:
    """A building whose ``count`` apartments each have a verified resident; the ids."""
    people = [await env.user(first_id + n, Language.EN) for n in range(count)]
    async with env.factory() as session, session.begin():
        organisation = Organisation(name=f"UK {first_id}")
        session.add(organisation)
        await session.flush()
        building = Building(organisation_id=organisation.id, address=f"Street {first_id}")
        session.add(building)
        await session.flush()
        for n, person in enumerate(people):
            apartment = Apartment(building_id=building.id, number=str(n + 1))
            session.add(apartment)
            await session.flush()
            session.add(
                ResidentApartment(
                    user_id=person.id,
                    apartment_id=apartment.id,
                    kind=ResidencyKind.OWNER,
                    verification=VerificationState.APPROVED,
                )
            )
        if await session.get(User, ADMIN) is None:
            session.add(User(id=ADMIN, first_name="Admin"))
    return [building.id, *(p.id for p in people)]


async def _announce(env: OutboxEnv, building_id: int, token: str) -> int:
    admin = Actor(user_id=ADMIN, roles=frozenset({Role.ADMIN}))
    async with SqlUnitOfWork(env.factory) as uow:
        result = await send_announcement(
            uow,
            admin,
            Draft(token=token, building_ids=(building_id,), text="Water is off at 10:00"),
            datetime.now(UTC),
            ZoneInfo("Asia/Tashkent"),
        )
    return result.announcement_id


async def _states(env: OutboxEnv, announcement_id: int) -> dict[str, int]:
    async with env.factory() as session:
        rows = await session.execute(
            select(Outbox.state, func.count())
            .where(Outbox.announcement_id == announcement_id)
            .group_by(Outbox.state)
        )
        return {str(state): count for state, count in rows.all()}


async def test_a_restart_mid_delivery_continues_without_sending_anyone_twice(
    env: OutboxEnv,
) -> None:
    building_id, *people = await _building_with_residents(env, 9_451_000_000, 60)
    announcement_id = await _announce(env, building_id, "restart1")

    first = env.worker(global_rate=60.0)
    running = asyncio.create_task(first.run())
    for _ in range(500):
        if (await _states(env, announcement_id)).get(OutboxState.SENT.value, 0) >= 15:
            break
        await asyncio.sleep(0.02)
    first.stop()  # what a restart does: the messages being sent finish, no new one starts
    await asyncio.wait_for(running, 25)
    halfway = await _states(env, announcement_id)
    assert 15 <= halfway[OutboxState.SENT.value] < 60
    assert halfway[OutboxState.PENDING.value] == 60 - halfway[OutboxState.SENT.value]

    second = env.worker(global_rate=60.0)  # the next process
    while await second.deliver_batch():
        pass
    assert await _states(env, announcement_id) == {OutboxState.SENT.value: 60}
    for person in people:
        client = await env.emu.user(person)
        received = [m.content for m in await client.messages() if m.from_bot]
        assert len(received) == 1 and received[0].endswith("Water is off at 10:00"), received
    async with env.factory() as session:  # nobody's message is in doubt (sent twice)
        doubts = await session.scalar(
            select(func.count())
            .select_from(Outbox)
            .where(Outbox.announcement_id == announcement_id, Outbox.last_error.is_not(None))
        )
    assert doubts == 0


async def test_a_personal_notification_overtakes_a_large_announcement(env: OutboxEnv) -> None:
    people = [await env.user(9_452_000_000 + n, Language.EN) for n in range(100)]
    await env.enqueue(
        *(
            Notification(
                chat_id=p.id,
                user_id=p.id,
                template="help-text",
                priority=Priority.BULK,
                dedupe_key=f"bulk:{p.id}",
            )
            for p in people
        )
    )
    worker = env.worker(global_rate=50.0)  # 100 bulk rows: two seconds of sending
    running = asyncio.create_task(worker.run())
    try:
        await asyncio.sleep(0.3)
        tenant = await env.user(9_452_999_999, Language.EN)
        await env.enqueue(Notification.to_user(tenant.id, "menu-title"))
        worker.wake()
        await tenant.expect(timeout=5.0)
        async with env.factory() as session:
            bulk_left = await session.scalar(
                select(func.count())
                .select_from(Outbox)
                .where(Outbox.priority == Priority.BULK, Outbox.state == OutboxState.PENDING)
            )
    finally:
        worker.stop()
        await asyncio.wait_for(running, 25)
    # How fast is the benchmark's to measure (``ukbot bench outbox --priority``).
    assert bulk_left is not None and bulk_left > 30  # it did not wait for the announcement
