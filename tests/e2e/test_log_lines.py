"""What an operator reads in the logs: every line of an update says which update, who and
which handler (and the request, where there is one); no phone number or token, even in
the SQL a debugging operator switches on."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.logging_setup import log_handler
from domain.enums import Role
from storage.models import User
from tests.e2e.conftest import BOT_TOKEN, Desk, new_user
from tests.e2e.helpers import (
    NAVOI,
    building_id,
    file_request,
    make_staff,
    onboard,
    seed_directory,
)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The product's JSON log of everything, SQL statements with their parameters too."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = root.level, engine.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        engine.setLevel(levels[1])


async def test_update_lines_say_who_what_and_hide_phones(desk: Desk, json_log: io.StringIO) -> None:
    factory = desk.runtime.services.session_factory
    await seed_directory(factory)
    manager = await new_user(desk, "Malika", started=True)
    await make_staff(
        factory, manager, [Role.MANAGER], buildings=[await building_id(factory, NAVOI)]
    )
    resident = await new_user(desk, "Dilnoza")
    await onboard(desk.emu, resident)  # shares the phone of the Telegram account
    card = await manager.expect("Verification request", timeout=10)
    await manager.press("Approve", message=card)
    await resident.expect("Your address is verified", timeout=10)
    number = await file_request(desk, resident, photos=0)
    async with factory() as session:
        phone = await session.scalar(select(User.phone).where(User.id == resident.id))
    assert phone

    output = json_log.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    digits = "".join(char for char in phone if char.isdigit())
    assert digits not in "".join(char for char in output if char.isdigit() or char == "\n")
    assert BOT_TOKEN not in output
    assert "[phone]" in output  # the phone was in a statement's parameters: it was redacted

    in_updates = [line for line in lines if line.get("update_id") is not None]
    assert in_updates and all("user_id" in line for line in in_updates)
    handlers = {(line.get("user_id"), line.get("handler")) for line in in_updates}
    assert (manager.id, "handlers.manager.verification.on_approve") in handlers, handlers
    requests = {(line.get("request"), line.get("user_id")) for line in in_updates}
    assert any(
        line.get("request") == number and line.get("user_id") == resident.id for line in in_updates
    ), (number, requests)
