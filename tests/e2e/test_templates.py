"""Rejection reason templates end to end: the screen on the manager panel, adding and
removing reasons, the reject picker offering them, stale buttons and who may get there."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from domain.enums import Language, RequestStatus, Role
from fsm.desk import DeskSetCb
from fsm.templates import TemplatesCb
from sandbox.client import Message, UserClient
from storage.models import AuditLog, Setting
from tests.e2e.conftest import Desk, new_user
from tests.e2e.helpers import make_staff, save_desk_setting
from tests.e2e.tracking_helpers import insert_request, make_cast, make_resident, request_row

OWN = "Roof repairs are paid by the city council"


def _texts(message: Message) -> list[str]:
    return [text for row in message.inline_buttons for text, _ in row]


async def _templates_screen(manager: UserClient) -> Message:
    await manager.send_text("🗂 Panel")
    panel = await manager.expect("Manager panel")
    await manager.press("📝 Reject templates", message=panel)
    return await manager.expect("Reasons offered when a request is rejected")


async def _reject_picker(manager: UserClient, number: str) -> Message:
    await manager.send_command("find", number)
    found = await manager.expect("Found for")
    await manager.press(number, message=found)
    card = await manager.expect(f"📄 Request {number}")
    await manager.press("🚫 Reject", message=card)
    return await manager.expect("Reason to reject")


async def _stored(desk: Desk) -> object:
    async with desk.runtime.services.session_factory() as session:
        return await session.scalar(select(Setting.value).where(Setting.key == "reject_templates"))


async def test_defaults_are_offered_when_none_are_stored(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    _request_id, number = await insert_request(desk, resident, cast.home)

    screen = await _templates_screen(cast.manager)
    assert "1. Not the management company's responsibility" in screen.content
    assert "built-in reasons" in screen.content
    assert not any(text.startswith("🗑") for text in _texts(screen))  # defaults are replaced only
    assert "➕ Add" in _texts(screen)

    picker = await _reject_picker(cast.manager, number)
    assert _texts(picker) == [
        "Not the management company's responsibility",
        "Duplicate request",
        "Not enough information to act on",
        "The work is planned by the management company",
        "✖️ Cancel",
    ]
    assert await _stored(desk) is None

    # the built-in reasons are shown in the presser's language
    russian = await new_user(desk, "Rustam", language_code="ru", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        russian,
        [Role.MANAGER],
        buildings=[cast.home.building_id],
        language=Language.RU,
    )
    await russian.send_command("panel")
    panel = await russian.expect("Панель менеджера")
    await russian.press("📝 Шаблоны отказа", message=panel)
    screen = await russian.expect("Причины, предлагаемые при отклонении")
    assert "Не входит в обязанности управляющей компании" in screen.content


async def test_manager_adds_a_template_and_rejects_with_it(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)

    screen = await _templates_screen(cast.manager)
    await cast.manager.press("➕ Add", message=screen)
    await cast.manager.expect("Send the text of a new reason")
    await cast.manager.send_text("ok")  # too short: asked again, still waiting for the text
    await cast.manager.expect("The reason is too short: at least 3 characters.")
    await cast.manager.send_text(f"  {OWN}  ")
    await cast.manager.expect("Reason added.")
    screen = await cast.manager.expect("Reasons offered when a request is rejected")
    assert f"1. {OWN}" in screen.content
    assert "Not the management company" not in screen.content  # the own list replaces them
    assert _texts(screen)[0].startswith("🗑 1. Roof repairs")
    assert await _stored(desk) == [OWN]
    async with desk.runtime.services.session_factory() as session:
        audit = (await session.scalars(select(AuditLog).where(AuditLog.entity == "setting"))).all()
    assert [(row.actor_id, row.action, row.data) for row in audit] == [
        (cast.manager.id, "reject_template.added", {"text": OWN, "count": 1})
    ]

    # the same text again (other case) is refused
    await cast.manager.press("➕ Add", message=screen)
    await cast.manager.expect("Send the text of a new reason")
    await cast.manager.send_text(OWN.upper())
    await cast.manager.expect("This reason is already in the list.")
    await cast.manager.press("✖️ Cancel")
    await cast.manager.expect("Reasons offered when a request is rejected")
    assert await _stored(desk) == [OWN]

    # a Russian-speaking manager sees the stored reason as typed
    russian = await new_user(desk, "Rustam", language_code="ru", started=True)
    await make_staff(
        desk.runtime.services.session_factory,
        russian,
        [Role.MANAGER],
        buildings=[cast.home.building_id],
        language=Language.RU,
    )
    await russian.send_command("find", number)
    found = await russian.expect(number)
    await russian.press(number, message=found)
    card = await russian.expect(number)
    await russian.press("🚫 Отклонить", message=card)
    picker = await russian.expect("Причина отклонения")
    assert _texts(picker)[0] == OWN

    picker = await _reject_picker(cast.manager, number)
    assert _texts(picker) == [OWN, "✖️ Cancel"]
    data = picker.inline_buttons[0][0][1]
    assert data is not None and len(data.encode()) <= 64
    await cast.manager.press(OWN, message=picker)
    await resident.expect(f"Request {number} was rejected: {OWN}", timeout=10)
    assert (await request_row(desk, request_id)).status is RequestStatus.REJECTED


async def test_manager_removes_templates_and_the_defaults_come_back(desk: Desk) -> None:
    cast = await make_cast(desk)
    await save_desk_setting(desk, "reject_templates", ["Not our roof", "Ask the neighbours"])

    screen = await _templates_screen(cast.manager)
    assert "1. Not our roof" in screen.content and "2. Ask the neighbours" in screen.content
    result = await cast.manager.press("🗑 1. Not our roof", message=screen)
    assert result.text == "Reason removed."
    screen = await cast.manager.expect(lambda m: "Not our roof" not in m.content)
    assert "1. Ask the neighbours" in screen.content
    assert await _stored(desk) == ["Ask the neighbours"]

    result = await cast.manager.press("🗑 1. Ask the neighbours", message=screen)
    assert result.text == "Reason removed."
    screen = await cast.manager.expect("built-in reasons")
    assert "1. Not the management company's responsibility" in screen.content
    assert await _stored(desk) == []
    async with desk.runtime.services.session_factory() as session:
        actions = (
            await session.scalars(select(AuditLog.action).where(AuditLog.entity == "setting"))
        ).all()
    assert list(actions) == ["reject_template.removed", "reject_template.removed"]


async def test_stale_buttons_are_outdated(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, number = await insert_request(desk, resident, cast.home)
    await save_desk_setting(desk, "reject_templates", ["Not our roof", "Ask the neighbours"])
    screen = await _templates_screen(cast.manager)
    picker = await _reject_picker(cast.manager, number)

    # another manager changes the list meanwhile
    await save_desk_setting(desk, "reject_templates", ["Ask the neighbours"])

    result = await cast.manager.press("Not our roof", message=picker)
    assert result.show_alert
    assert result.text == "The list of reasons has changed. Please open it again."
    assert (await request_row(desk, request_id)).status is RequestStatus.NEW

    result = await cast.manager.press("🗑 2. Ask the neighbours", message=screen)
    assert result.show_alert
    assert result.text == "The list of reasons has changed. Please open it again."
    assert await _stored(desk) == ["Ask the neighbours"]
    await resident.expect_no_message(0.3)


async def test_residents_and_executors_cannot_reach_the_screen(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    await save_desk_setting(desk, "reject_templates", ["Not our roof"])
    forged = [
        TemplatesCb(action="show"),
        TemplatesCb(action="add"),
        TemplatesCb(action="del", index=0),
    ]
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"forged {i}", callback_data=cb.pack())]
            for i, cb in enumerate(forged)
        ]
    )
    for user in (resident, cast.executor):
        await desk.runtime.bot.send_message(user.id, "buttons", reply_markup=keyboard)
        await user.expect("buttons")
        for index in range(len(forged)):
            result = await user.press(f"forged {index}")
            assert result.text == "This button is outdated. Please open the menu again.", (
                user.first_name,
                index,
            )
        await user.send_text("A reason that must not be stored")
        reply = await user.expect()
        assert "Reason added" not in reply.content
        await user.send_command("panel")
        reply = await user.expect()
        assert "Manager panel" not in reply.content
        assert "📝 Reject templates" not in _texts(reply)
    assert await _stored(desk) == ["Not our roof"]


async def test_an_old_picker_button_without_a_version_is_outdated(desk: Desk) -> None:
    cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    request_id, _number = await insert_request(desk, resident, cast.home)
    old = DeskSetCb(request_id=request_id, field="rej", value="1")  # numbered 1..4 before
    await desk.runtime.bot.send_message(
        cast.manager.id,
        "old picker",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="old", callback_data=old.pack())]]
        ),
    )
    await cast.manager.expect("old picker")
    result = await cast.manager.press("old")
    assert result.show_alert
    assert result.text == "The list of reasons has changed. Please open it again."
    assert (await request_row(desk, request_id)).status is RequestStatus.NEW
