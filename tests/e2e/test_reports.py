"""Reports end to end: the export of a period's requests (XLSX read back with openpyxl,
CSV through Python's csv), the manager's scope, and the weekly digest with its chart,
sent once by two sweeping processes."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Unpack
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from openpyxl import load_workbook

from bot.digests import DigestSender
from domain.enums import Action, Category, Language, MediaPurpose, Role, Specialization
from domain.services.requests import ActionFields
from fsm.reports import ReportsCb
from sandbox.client import Message, UserClient
from storage.models import Building
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff, save_desk_setting
from tests.e2e.tracking_helpers import (
    Cast,
    Home,
    add_media,
    drive,
    insert_request,
    make_cast,
    make_resident,
)

TZ = ZoneInfo("Asia/Tashkent")
OTHER_ADDRESS = "Tashkent, Chilonzor 9"


async def _other_home(desk: Desk, cast: Cast) -> Home:
    """A second building of the same company, not the manager's."""
    async with desk.runtime.services.session_factory() as session, session.begin():
        home_building = await session.get(Building, cast.home.building_id)
        assert home_building is not None
        building = Building(organisation_id=home_building.organisation_id, address=OTHER_ADDRESS)
        session.add(building)
        await session.flush()
    return Home(building.id, {})


async def _close(
    desk: Desk, cast: Cast, request_id: int, resident: UserClient, stars: int, text: str
) -> None:
    await drive(desk, request_id, cast.manager, Action.ASSIGN, assignee_id=cast.executor.id)
    await drive(desk, request_id, cast.executor, Action.ACCEPT)
    await drive(desk, request_id, cast.executor, Action.START)
    await add_media(desk, request_id, cast.executor, MediaPurpose.COMPLETION)
    await drive(desk, request_id, cast.executor, Action.COMPLETE, comment="Готово", media_count=1)
    await drive(desk, request_id, resident, Action.ACCEPT_WORK, rating=stars, comment=text)


async def _document(user: UserClient) -> Message:
    return await user.expect(lambda m: m.document is not None, timeout=20)


async def _export(user: UserClient, fmt: str, *, scope: str, lang_texts: dict[str, str]) -> bytes:
    await user.send_text(lang_texts["menu"])
    await user.expect(lang_texts["title"])
    await user.press(lang_texts["export"])
    await user.press(lang_texts["period"])
    await user.press(scope)
    await user.press(fmt)
    await user.expect(lang_texts["preparing"])
    document = await _document(user)
    assert document.file_id is not None
    return await user.emu.download(document.file_id)


EN = {
    "menu": "📊 Reports",
    "title": "Reports",
    "export": "📤 Export requests",
    "period": "this week",
    "preparing": "Preparing the file",
}
RU = {
    "menu": "📊 Отчёты",
    "title": "Отчёты",
    "export": "📤 Выгрузить заявки",
    "period": "эта неделя",
    "preparing": "Готовлю файл",
}


@dataclass
class World:
    cast: Cast
    resident: UserClient
    numbers: list[str]
    other_number: str
    other: Home


async def _world(desk: Desk, language: Language = Language.EN) -> World:
    """Three requests in the manager's building (one closed with a Cyrillic rating
    comment), one in another building."""
    cast = await make_cast(desk, language)
    resident = await make_resident(desk, cast.home, "Дилноза")
    numbers = []
    closed, number = await insert_request(desk, resident, cast.home, description="Течёт кран")
    numbers.append(number)
    await _close(desk, cast, closed, resident, 5, "Спасибо, всё отлично")
    for description in ("Нет света в подъезде", "Сломан лифт"):
        _, number = await insert_request(
            desk, resident, cast.home, category=Category.ELECTRICITY, description=description
        )
        numbers.append(number)
    other = await _other_home(desk, cast)
    _, other_number = await insert_request(desk, await _admin(desk), other, apartment=None)
    return World(cast, resident, numbers, other_number, other)


async def _admin(desk: Desk, name: str = "Aziza") -> UserClient:
    admin = await new_user(desk, name, started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    return admin


async def test_xlsx_export_reads_back_with_dates_and_cyrillic_in_the_managers_scope(
    desk: Desk,
) -> None:
    world = await _world(desk)
    manager = world.cast.manager
    data = await _export(manager, "XLSX", scope="All my buildings", lang_texts=EN)

    book = load_workbook(io.BytesIO(data))
    requests, executors = book.worksheets
    assert requests.freeze_panes == "A2"
    rows = list(requests.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("Number", "Created", "Category", "Urgency", "Status")
    assert "Rating comment" in header
    body = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(body) == set(world.numbers)  # the other building's request is not there
    closed = body[world.numbers[0]]
    assert isinstance(closed["Created"], datetime)
    assert isinstance(closed["Closed at"], datetime)
    assert closed["Status"] == "Closed"
    assert closed["Resident"] == "Дилноза Karimova"
    assert closed["Executor"] == "Bobur"
    assert closed["Rating"] == 5
    assert closed["Rating comment"] == "Спасибо, всё отлично"
    assert closed["Deadlines"] == "met"
    assert closed["Building"] == "Tashkent, Navoi street 5"
    assert closed["Apartment"] == "12"
    assert closed["Entrance"] == "1"
    created_local = desk.runtime.services.clock.now().astimezone(TZ).replace(tzinfo=None)
    assert abs(closed["Created"] - created_local) < timedelta(minutes=5)  # local time
    assert requests.column_dimensions["A"].width > 10
    exec_rows = list(executors.iter_rows(values_only=True))
    assert exec_rows[0][:3] == ("Executor", "Requests", "Closed")
    assert exec_rows[1][:4] == ("Bobur", 1, 1, 0)


async def test_csv_export_round_trips_through_csv_with_a_bom_and_a_russian_header(
    desk: Desk,
) -> None:
    world = await _world(desk, Language.RU)
    manager = world.cast.manager
    data = await _export(manager, "CSV", scope="🏢 Все мои дома", lang_texts=RU)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Номер", "Создана", "Категория"]
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == set(world.numbers)
    closed = dict(zip(rows[0], body[world.numbers[0]], strict=True))
    assert closed["Комментарий к оценке"] == "Спасибо, всё отлично"
    assert closed["Житель"] == "Дилноза Karimova"
    assert closed["Статус"] == "Закрыта"
    datetime.strptime(closed["Создана"], "%Y-%m-%d %H:%M")


async def test_admin_exports_every_building_or_one_and_typed_dates(desk: Desk) -> None:
    world = await _world(desk)
    admin = await _admin(desk, "Kamola")
    data = await _export(admin, "CSV", scope="All buildings", lang_texts=EN)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {*world.numbers, world.other_number}

    # one building, over typed dates
    today = desk.runtime.services.clock.now().astimezone(TZ).date()
    await admin.send_command("export")
    await admin.expect("Which period")
    await admin.press("✏️ Type dates")
    await admin.expect("two dates")
    await admin.send_text("31.02.2026 - 01.03.2026")
    await admin.expect("not dates of a period")
    await admin.send_text(f"{today - timedelta(days=1):%d.%m.%Y} - {today:%d.%m.%Y}")
    await admin.expect("Which buildings")
    await admin.press(OTHER_ADDRESS)
    await admin.press("XLSX")
    document = await _document(admin)
    assert document.file_id is not None
    book = load_workbook(io.BytesIO(await admin.emu.download(document.file_id)))
    numbers = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert numbers == [world.other_number]


async def test_a_forged_building_is_not_available_to_a_manager(desk: Desk) -> None:
    world = await _world(desk)
    other = world.other
    manager = world.cast.manager
    forged = ReportsCb(action="scope", period="tw", building=other.building_id)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="forged", callback_data=forged.pack())]]
    )
    await desk.runtime.bot.send_message(manager.id, "buttons", reply_markup=keyboard)
    await manager.expect("buttons")
    answer = await manager.press("forged")
    assert answer.text == "This item is not available to you."


# --------------------------------------------------------------------------- digest


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


async def test_weekly_digest_numbers_sent_once_by_two_sweepers_with_a_chart(desk: Desk) -> None:
    services = desk.runtime.services
    real_today = datetime.now(TZ).date()
    monday = real_today - timedelta(days=real_today.weekday() + 14)  # a whole past week
    tuesday, wednesday, friday = (monday + timedelta(days=n) for n in (1, 2, 4))
    clock = desk.clock

    clock.set(_at(monday, 8))
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    electrician = await new_user(desk, "Sardor", started=True)
    await make_staff(
        services.session_factory,
        electrician,
        [Role.EXECUTOR],
        specializations=[Specialization.ELECTRICIAN],
        on_duty=True,
    )
    admin = await _admin(desk)
    other = await _other_home(desk, cast)

    async def step(
        at: datetime, request_id: int, user: UserClient, action: Action, **kw: Unpack[ActionFields]
    ) -> None:
        clock.set(at)
        await drive(desk, request_id, user, action, **kw)

    async def complete(at: datetime, request_id: int, executor: UserClient) -> None:
        clock.set(at)
        await add_media(desk, request_id, executor, MediaPurpose.COMPLETION)
        await drive(desk, request_id, executor, Action.COMPLETE, comment="ok", media_count=1)

    created = _at(tuesday, 10)
    ids = []
    for index in range(4):
        request_id, _ = await insert_request(
            desk, resident, cast.home, created_at=created, description=f"Leak {index}"
        )
        ids.append(request_id)
    r1, r2, r3, _r4 = ids
    r5, _ = await insert_request(
        desk, resident, cast.home, category=Category.ELECTRICITY, created_at=created
    )
    r6, _ = await insert_request(desk, resident, cast.home, created_at=created)
    await insert_request(desk, admin, other, apartment=None, created_at=_at(wednesday, 11))

    assign: ActionFields = {"assignee_id": cast.executor.id}
    # r1: accepted in 30 min, done in 2 h, 5 stars
    await step(_at(tuesday, 10, 5), r1, cast.manager, Action.ASSIGN, **assign)
    await step(_at(tuesday, 10, 30), r1, cast.executor, Action.ACCEPT)
    await step(_at(tuesday, 10, 40), r1, cast.executor, Action.START)
    await complete(_at(tuesday, 12), r1, cast.executor)
    await step(_at(tuesday, 13), r1, resident, Action.ACCEPT_WORK, rating=5)
    # r2: accepted in 1 h, completed after its deadline (Friday 12:00), 2 stars
    await step(_at(tuesday, 10, 10), r2, cast.manager, Action.ASSIGN, **assign)
    await step(_at(tuesday, 11), r2, cast.executor, Action.ACCEPT)
    await step(_at(tuesday, 11, 10), r2, cast.executor, Action.START)
    await complete(_at(friday, 17), r2, cast.executor)
    await step(_at(friday, 17, 30), r2, resident, Action.ACCEPT_WORK, rating=2, comment="Долго")
    # r3: accepted late (due 14:00), still open; r4: never assigned
    await step(_at(tuesday, 10, 15), r3, cast.manager, Action.ASSIGN, **assign)
    await step(_at(tuesday, 15), r3, cast.executor, Action.ACCEPT)
    # r5: the electrician, accepted in 15 min, done the next day, 4 stars
    await step(_at(tuesday, 10, 1), r5, cast.manager, Action.ASSIGN, assignee_id=electrician.id)
    await step(_at(tuesday, 10, 15), r5, electrician, Action.ACCEPT)
    await step(_at(tuesday, 10, 20), r5, electrician, Action.START)
    await complete(_at(wednesday, 10), r5, electrician)
    await step(_at(wednesday, 12), r5, resident, Action.ACCEPT_WORK, rating=4)
    # r6: cancelled
    await step(_at(tuesday, 11), r6, cast.manager, Action.CANCEL, reason="Дубликат")

    await save_desk_setting(desk, "digest_daily", False)
    clock.set(_at(monday + timedelta(days=7), 10))  # the next Monday, after 09:00
    await cast.manager.mark()
    await admin.mark()
    senders = [DigestSender(services, desk.runtime.bot) for _ in range(2)]
    sent = await asyncio.gather(*(sender.run_once() for sender in senders))
    assert sorted(sent) == [0, 1]
    assert await senders[0].run_once() == 0  # the period is done

    text = (await cast.manager.expect("Digest for")).content
    assert f"{monday:%d.%m.%Y} – {monday + timedelta(days=6):%d.%m.%Y}" in text
    assert "Created: 6 · closed: 3 · cancelled: 1" in text
    assert "Open now: 2 · overdue now: 2" in text
    assert "Normal: 60% (3/5) / 40% (2/5)" in text
    assert "Median time to accept: 45 min; to complete: 1 d" in text
    assert "Average rating: 3.67 (3 ratings), 1–2 stars: 1" in text
    assert "Bobur: 2 · 1 · 3.5 · 1" in text
    assert "Sardor: 1 · 0 · 4.0 · 0" in text
    assert "Top categories: Plumbing 5, Electricity 1" in text
    photo = await cast.manager.expect(lambda m: m.photo is not None)
    assert photo.photo is not None
    png = await desk.emu.download(photo.photo[-1]["file_id"])
    assert png.startswith(b"\x89PNG")
    admin_text = (await admin.expect("Digest for")).content
    assert "Created: 7 · closed: 3 · cancelled: 1" in admin_text  # every building
    await admin.expect(lambda m: m.photo is not None)
    await asyncio.sleep(0.3)
    digests = [m for m in await cast.manager.messages() if "Digest for" in m.content]
    assert len(digests) == 1


async def test_digest_on_demand_from_the_reports_screen(desk: Desk) -> None:
    world = await _world(desk)
    manager = world.cast.manager
    await manager.send_text("📊 Reports")
    await manager.expect("Reports")
    answer = await manager.press("📈 Digest: this week")
    assert answer.text == "The digest is below."
    text = (await manager.expect("Digest for")).content
    assert "Created: 3 · closed: 1 · cancelled: 0" in text
    assert "Bobur: 1 · 0 · 5.0 · 0" in text
    photo = await manager.expect(lambda m: m.photo is not None)
    assert photo.caption


async def test_other_users_are_answered_while_a_large_export_is_prepared(desk: Desk) -> None:
    """5,000 requests exported to XLSX through the buttons; meanwhile another user's
    presses are answered (the 50,000-request run, with its timings, is ``bench.export``)."""
    from bench.export import seed

    services = desk.runtime.services
    now = services.clock.now()
    first = (now - timedelta(days=8)).astimezone(TZ).date()
    async with services.session_factory() as session, session.begin():
        await seed(session, 5000, _at(first + timedelta(days=1), 0), 7)
    admin = await _admin(desk, "Aziz")
    other = await _admin(desk, "Nodira")
    await other.send_command("reports")
    await other.expect("Reports")
    await admin.send_command("export")
    await admin.expect("Which period")
    await admin.press("✏️ Type dates")
    await admin.expect("two dates")
    await admin.send_text(f"{first:%d.%m.%Y} - {now.astimezone(TZ):%d.%m.%Y}")
    await admin.expect("Which buildings")
    await admin.press("🏢 All buildings")
    await admin.expect("Which format")
    await admin.press("📗 Excel (XLSX)")
    await admin.expect("Preparing the file")
    waiting = asyncio.create_task(admin.expect(lambda m: m.document is not None, timeout=120))
    latencies: list[float] = []
    labels = ("📤 Export requests", "◀️ Back")
    loop = asyncio.get_running_loop()
    while not waiting.done():
        started = loop.time()
        await other.press(labels[len(latencies) % 2])
        latencies.append(loop.time() - started)
        await asyncio.sleep(0.05)
    document = await waiting
    assert document.file_id is not None
    book = load_workbook(io.BytesIO(await admin.emu.download(document.file_id)), read_only=True)
    assert sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) == 5001
    ordered = sorted(latencies)
    print(
        f"presses during the export: {len(ordered)}, median {ordered[len(ordered) // 2]:.3f} s, "
        f"worst {ordered[-1]:.3f} s"
    )
    # every press was answered (``press`` fails otherwise) while the file was made; how
    # fast is measured by ``bench.export`` (docs/benchmarks.md), not asserted here
    assert len(latencies) >= 5


async def test_the_buildings_of_an_export_are_listed_a_page_at_a_time(desk: Desk) -> None:
    from tests.e2e.helpers import NAVOI, seed_directory

    await seed_directory(desk.runtime.services.session_factory)  # 12 buildings
    admin = await _admin(desk)
    await admin.send_command("export")
    await admin.expect("Which period")
    await admin.press("this month")
    first = await admin.expect("Which buildings")
    assert len(first.buttons) == 1 + 10 + 2  # all, ten buildings, next, back
    assert not first.has_button(NAVOI)
    await admin.press("Next ▶️")
    second = await admin.expect(lambda m: m.has_button(NAVOI))
    assert second.has_button("◀️ Back") and not second.has_button("Next ▶️")
    await admin.press(NAVOI)
    chosen = await admin.expect("Which format")
    assert NAVOI in chosen.content
