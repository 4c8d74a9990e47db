"""The user-side client: sending as users, buttons, inline mode, groups, waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)

from sandbox.client import EmulatorClient, EmulatorError, UserClient
from sandbox.emulator.files import sample_png


class Updates:
    """Reads a bot's updates with confirmed offsets (a tiny polling loop)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.offset = 0

    async def next(self, count: int = 1, poll_seconds: int = 5) -> list[Update]:
        out: list[Update] = []
        while len(out) < count:
            batch = await self.bot.get_updates(offset=self.offset, timeout=poll_seconds)
            if not batch:
                raise AssertionError(f"expected {count} updates, got {len(out)}")
            self.offset = batch[-1].update_id + 1
            out.extend(batch)
        return out


def markup(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows
        ]
    )


async def serve(
    updates: Updates, handle: Callable[[Update], Awaitable[None]], count: int = 1
) -> None:
    for update in await updates.next(count):
        await handle(update)


async def test_user_messages_reach_the_bot_with_telegram_shapes(
    bot: Bot, emu: EmulatorClient
) -> None:
    bob = await emu.create_user(first_name="Bob", last_name="B", username="bob", language_code="uz")
    updates = Updates(bot)
    await bob.send_command("start", "INV-abc_123")
    await bob.share_contact("+998901234567")
    await bob.send_contact("+998907654321", user_id=None, first_name="Plumber")
    await bob.send_location(41.3, 69.2)
    photo = await bob.send_photo(caption="leak")
    await bob.send_document(b"%PDF-1.4", file_name="act.pdf")
    await bob.send_video()
    await bob.send_voice(duration=4)
    got = [u.message for u in await updates.next(8)]
    messages = [m for m in got if m is not None]
    assert len(messages) == 8
    start, own, other, loc, pic, doc, video, voice = messages
    assert start.text == "/start INV-abc_123"
    assert start.entities and start.entities[0].type == "bot_command"
    assert start.from_user is not None
    assert start.from_user.language_code == "uz" and not start.from_user.is_bot
    assert own.contact is not None and other.contact is not None
    assert own.contact.user_id == bob.id and own.contact.phone_number == "+998901234567"
    assert other.contact.user_id is None and other.contact.first_name == "Plumber"
    assert loc.location is not None and loc.location.latitude == 41.3
    assert pic.photo and pic.caption == "leak" and photo.photo
    assert doc.document is not None and doc.document.file_name == "act.pdf"
    assert video.video is not None and voice.voice is not None and voice.voice.duration == 4
    file = await bot.get_file(pic.photo[-1].file_id)
    assert file.file_path is not None
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="deep-link payload"):
        await bob.send_command("start", "has space")


async def test_album_is_one_media_group(bot: Bot, alice: UserClient) -> None:
    messages = await alice.send_album(
        [sample_png(), sample_png(), {"kind": "video"}], caption="three"
    )
    updates = await Updates(bot).next(3)
    group_ids = {u.message.media_group_id for u in updates if u.message}
    assert len(group_ids) == 1 and None not in group_ids
    assert messages[0].caption == "three" and messages[2].video


async def test_press_waits_for_the_answer(bot: Bot, alice: UserClient) -> None:
    await bot.send_message(alice.id, "old", reply_markup=markup([("✅ Accept", "acc:1")]))
    latest = await bot.send_message(
        alice.id, "new", reply_markup=markup([("✅ Accept", "acc:2"), ("Skip", "skip")])
    )

    async def answer(update: Update) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        assert query.message.message_id == latest.message_id
        await bot.answer_callback_query(query.id, text=f"got {query.data}", show_alert=True)

    updates = Updates(bot)
    server = asyncio.create_task(serve(updates, answer))
    result = await alice.press("accept")  # case-insensitive substring, latest message first
    await server
    assert result.answered and result.text == "got acc:2" and result.show_alert
    assert result.message_id == latest.message_id

    server = asyncio.create_task(serve(updates, answer))
    by_data = await alice.press(data="skip")
    await server
    assert by_data.text == "got skip"
    with pytest.raises(EmulatorError, match="no inline button"):
        await alice.press("Nope")


async def test_unanswered_press_is_detected(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    await bot.send_message(alice.id, "menu", reply_markup=markup([("Go", "go")]))
    with pytest.raises(AssertionError, match="button press was never answered"):
        await alice.press("Go", timeout=0.2)
    pending = await emu.unanswered_callbacks()
    assert [p["data"] for p in pending] == ["go"]
    assert await emu.unanswered_callbacks(older_than=60) == []
    with pytest.raises(AssertionError, match="never answered with answerCallbackQuery"):
        await emu.assert_all_callbacks_answered(grace=0.1)

    async def late_answer() -> None:
        await asyncio.sleep(0.1)  # the bot is slow, but within the grace period
        await bot.answer_callback_query(pending[0]["id"])

    task = asyncio.create_task(late_answer())
    await emu.assert_all_callbacks_answered(grace=2)
    await task


async def test_reply_keyboard_buttons(bot: Bot, alice: UserClient) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📞 Share phone", request_contact=True)],
            [
                KeyboardButton(text="📍 Location", request_location=True),
                KeyboardButton(text="Help"),
            ],
        ]
    )
    await bot.send_message(alice.id, "choose", reply_markup=keyboard)
    contact = await alice.press_reply("📞 Share phone", phone_number="+998900000001")
    location = await alice.press_reply("📍 Location", latitude=40.1, longitude=70.2)
    text = await alice.press_reply("help")
    assert contact.contact and contact.contact["user_id"] == alice.id
    assert location.location == {"latitude": 40.1, "longitude": 70.2}
    assert text.text == "Help"
    kinds = [u.message.content_type for u in await Updates(bot).next(3) if u.message]
    assert kinds == ["contact", "location", "text"]
    with pytest.raises(EmulatorError, match="no reply keyboard button"):
        await alice.press_reply("Missing")


async def test_inline_query_choose_and_edit(bot: Bot, alice: UserClient) -> None:
    updates = Updates(bot)

    async def answer() -> str:
        (update,) = await updates.next()
        assert update.inline_query is not None and update.inline_query.query == "250101"
        await bot.answer_inline_query(
            update.inline_query.id,
            [
                InlineQueryResultArticle(
                    id="r1",
                    title="Request 250101-001",
                    input_message_content=InputTextMessageContent(
                        message_text="<b>250101-001</b>", parse_mode="HTML"
                    ),
                    reply_markup=markup([("Open", "open:1")]),
                )
            ],
            cache_time=0,
        )
        return update.inline_query.id

    task = asyncio.create_task(answer())
    results = await alice.inline_query("250101")
    await task
    assert results.titles == ["Request 250101-001"]
    posted = await alice.choose_inline_result(results, "r1")
    assert posted.via_bot and posted.via_bot["id"] == bot.id and posted.text == "250101-001"
    chosen, message = await updates.next(2)
    assert chosen.chosen_inline_result is not None and chosen.chosen_inline_result.result_id == "r1"
    inline_id = chosen.chosen_inline_result.inline_message_id
    assert inline_id and message.message is not None and message.message.via_bot is not None
    # (like Telegram, an edit without reply_markup would drop the keyboard)
    edited = await bot.edit_message_text(
        "updated", inline_message_id=inline_id, reply_markup=markup([("Open", "open:1")])
    )
    assert edited is True
    assert (await alice.expect("updated")).edited

    async def answer_press() -> None:
        (update,) = await updates.next()
        assert update.callback_query is not None
        assert update.callback_query.inline_message_id == inline_id
        await update.callback_query.answer()

    pressed = asyncio.create_task(answer_press())
    await alice.press("Open")
    await pressed
    assert await bot.edit_message_reply_markup(inline_message_id=inline_id) is True
    assert (await alice.messages())[-1].inline_buttons == []


async def test_block_unblock_my_chat_member(bot: Bot, alice: UserClient) -> None:
    await alice.block_bot()
    with pytest.raises(EmulatorError, match="blocked the bot"):
        await alice.send_text("hi")
    await alice.unblock_bot()
    blocked, unblocked = await Updates(bot).next(2)
    assert blocked.my_chat_member is not None
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert blocked.my_chat_member.old_chat_member.status == "member"
    assert (
        unblocked.my_chat_member is not None
        and unblocked.my_chat_member.new_chat_member.status == "member"
    )


async def test_groups_privacy_and_membership(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    bob = await emu.create_user(first_name="Bob")
    updates = Updates(bot)
    group = await emu.create_group("Staff", [alice, bob])
    added, service = await updates.next(2)
    assert (
        added.my_chat_member is not None and added.my_chat_member.new_chat_member.status == "member"
    )
    assert service.message is not None and service.message.new_chat_members
    await bob.send_text("chit-chat", chat=group)  # privacy mode: not delivered
    await bob.send_text("/report@ukbot_sandbox_bot now", chat=group)
    (command,) = await updates.next()
    assert command.message is not None and command.message.text == "/report@ukbot_sandbox_bot now"
    assert command.message.chat.type == "group"
    reply = await bot.send_message(group.id, "noted")
    await bob.send_text("thanks", chat=group, reply_to=reply.message_id)
    (answer,) = await updates.next()
    assert answer.message is not None and answer.message.reply_to_message is not None
    seen = await alice.expect("noted", chat=group)
    assert seen.chat_id == group.id
    stranger = await emu.create_user(first_name="Eve")
    with pytest.raises(EmulatorError, match="not a member"):
        await stranger.send_text("hi", chat=group)


async def test_chat_view_and_expect_semantics(bot: Bot, alice: UserClient) -> None:
    await alice.send_text("hello")
    one = await bot.send_message(alice.id, "one")
    two = await bot.send_message(alice.id, "two", reply_markup=markup([("X", "x")]))
    await bot.edit_message_text("one (edited)", chat_id=alice.id, message_id=one.message_id)
    await bot.delete_message(alice.id, two.message_id)
    first = await alice.expect()
    assert first.text == "one"
    edit = await alice.expect(lambda m: m.edited)
    assert edit.text == "one (edited)" and edit.message_id == one.message_id
    view = await alice.chat()
    assert [m.text for m in view.messages] == ["hello", "one (edited)"]
    assert view.last_bot_message is not None and view.last_bot_message.edited
    await alice.expect_no_message(within=0.1)
    with pytest.raises(AssertionError, match="no bot message matching 'never'"):
        await alice.expect("never", timeout=0.1)

    async def reply_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(alice.id, "late reply")

    task = asyncio.create_task(reply_later())
    await alice.send_text("ping")
    assert (await alice.expect(r"late \w+", timeout=2)).text == "late reply"
    await task
