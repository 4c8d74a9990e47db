"""Update-level guarantees: a repeated update does nothing; flooding is answered, albums pass."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.types import Chat, Message, MessageEntity, TelegramObject, Update, User

from bot.middlewares.throttling import ThrottlingMiddleware
from tests.e2e.conftest import Desk, new_user


def _start_update(update_id: int, user_id: int) -> Update:
    user = User(id=user_id, is_bot=False, first_name="Repeat", language_code="en")
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=user_id, type="private"),
        from_user=user,
        text="/start",
        entities=[MessageEntity(type="bot_command", offset=0, length=6)],
    )
    return Update(update_id=update_id, message=message)


async def test_a_repeated_update_is_handled_once(desk: Desk) -> None:
    user = await new_user(desk, "Repeat", started=True)
    runtime = desk.runtime
    raw = _start_update(900_000_001, user.id).model_dump(
        mode="json", exclude_none=True, by_alias=True
    )
    for handling in (await runtime.updates.receive([raw]), await runtime.updates.receive([raw])):
        for task in handling:  # the repeat (e.g. a webhook redelivery) starts nothing
            await task
    await user.expect("Choose your language")
    prompts = [
        m for m in await user.messages() if m.from_bot and "Choose your language" in (m.text or "")
    ]
    assert len(prompts) == 1


def _text_update(
    update_id: int, user_id: int, text: str, media_group_id: str | None = None
) -> Update:
    user = User(id=user_id, is_bot=False, first_name="Flood", language_code="en")
    message = Message(
        message_id=update_id,
        date=datetime.now(UTC),
        chat=Chat(id=user_id, type="private"),
        from_user=user,
        text=text,
        media_group_id=media_group_id,
    )
    return Update(update_id=update_id, message=message)


async def test_flooding_gets_one_polite_notice_and_albums_are_never_cut(desk: Desk) -> None:
    # The session bot is tuned loose for speed; this drives the production defaults.
    throttling = ThrottlingMiddleware(rate_per_second=3.0, burst=10)
    user = await new_user(desk, "Flood", started=True)
    handled: list[str] = []

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        assert isinstance(event, Update) and event.message is not None
        handled.append(event.message.text or "")

    async def feed(update: Update) -> None:
        update = Update.model_validate(
            update.model_dump(mode="json", exclude_none=True, by_alias=True),
            context={"bot": desk.runtime.bot},
        )
        assert update.message is not None
        data: dict[str, Any] = {
            "event_from_user": update.message.from_user,
            "t": desk.runtime.services.translator.bind("en"),
        }
        await throttling(handler, update, data)

    for n in range(25):
        await feed(_text_update(1000 + n, user.id, f"flood {n}"))
    assert len(handled) == 10  # the burst passes, the rest is answered, not processed
    notice = await user.expect("too fast")
    notices = [m for m in await user.messages() if m.from_bot and "too fast" in (m.text or "")]
    assert len(notices) == 1 and notice.text
    # an album arriving in the middle of the flood is never cut
    for n in range(10):
        await feed(_text_update(2000 + n, user.id, f"album part {n}", media_group_id="album-1"))
    assert sum(text.startswith("album part") for text in handled) == 10


async def test_conversation_isolation_is_really_on(desk: Desk) -> None:
    # aiogram silently disables isolation when given a falsy object; make sure ours is used.
    from fsm.storage import LocalEventIsolation, OrderedEventIsolation

    isolation = desk.runtime.dispatcher.fsm.events_isolation
    assert isinstance(isolation, LocalEventIsolation | OrderedEventIsolation)
