"""Telegram's error behaviour, mapped onto aiogram's exception classes."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
)
from aiogram.methods import TelegramMethod
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator.errors import MESSAGE_NOT_MODIFIED, QUERY_TOO_OLD
from sandbox.emulator.files import sample_png


def kb(data: str, count: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"b{i}", callback_data=data)] for i in range(count)
        ]
    )


async def test_message_not_modified(bot: Bot, alice: UserClient) -> None:
    msg = await bot.send_message(alice.id, "same", reply_markup=kb("x"))
    with pytest.raises(TelegramBadRequest) as exc:
        await bot.edit_message_text(
            "same", chat_id=alice.id, message_id=msg.message_id, reply_markup=kb("x")
        )
    assert exc.value.message == "Bad Request: " + MESSAGE_NOT_MODIFIED
    # omitting reply_markup removes the keyboard, so this edit is a real change
    await bot.edit_message_text("same", chat_id=alice.id, message_id=msg.message_id)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=alice.id, message_id=msg.message_id)


async def test_validation_errors(bot: Bot, alice: UserClient) -> None:
    cases: list[tuple[str, Awaitable[object]]] = [
        ("BUTTON_DATA_INVALID", bot.send_message(alice.id, "x", reply_markup=kb("d" * 65))),
        ("reply markup is too long", bot.send_message(alice.id, "x", reply_markup=kb("d", 101))),
        ("message is too long", bot.send_message(alice.id, "я" * 4097)),
        ("message text is empty", bot.send_message(alice.id, "")),
        ("message text is empty", bot.send_message(alice.id, "<b> </b>", parse_mode="HTML")),
        (
            "message caption is too long",
            bot.send_photo(alice.id, BufferedInputFile(sample_png(), "p.png"), caption="c" * 1025),
        ),
        ("chat not found", bot.send_message(123, "x")),
        (
            "can't parse entities: Unsupported start tag",
            bot.send_message(alice.id, "a <x> b", parse_mode="HTML"),
        ),
        ("Can't find end tag", bot.send_message(alice.id, "<b>bold", parse_mode="HTML")),
        ("Character '.' is reserved", bot.send_message(alice.id, "Done.", parse_mode="MarkdownV2")),
        (
            "message to edit not found",
            bot.edit_message_text("x", chat_id=alice.id, message_id=99_999),
        ),
        ("message to delete not found", bot.delete_message(alice.id, 99_999)),
        (
            "message to be replied not found",
            bot.send_message(alice.id, "x", reply_to_message_id=99_999),
        ),
        ("wrong file identifier", bot.send_photo(alice.id, "no-such-file-id")),
        ("invalid file_id", bot.get_file("nope")),
        (QUERY_TOO_OLD, bot.answer_callback_query("12345")),
    ]
    for expected, call in cases:
        with pytest.raises(TelegramBadRequest) as exc:
            await call
        assert expected in exc.value.message, (expected, exc.value.message)
    # A valid 64-byte callback_data and exactly 100 buttons are fine.
    await bot.send_message(alice.id, "ok", reply_markup=kb("d" * 64, 100))


async def test_blocked_and_never_started(bot: Bot, alice: UserClient, emu: EmulatorClient) -> None:
    await alice.block_bot()
    with pytest.raises(TelegramForbiddenError) as exc:
        await bot.send_message(alice.id, "hello?")
    assert exc.value.message == "Forbidden: bot was blocked by the user"
    await alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    stranger = await emu.create_user(first_name="Stranger")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")


async def test_group_and_channel_permissions(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    outside = await emu.create_group("No bot", [alice], bot_status=None)
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the group chat"):
        await bot.send_message(outside.id, "x")
    channel = await emu.create_channel("News", alice, bot_status="member")
    with pytest.raises(TelegramBadRequest, match="need administrator rights in the channel chat"):
        await bot.send_message(channel.id, "x")
    await emu.set_member(channel, None, "administrator", by=alice)
    post = await bot.send_message(channel.id, "posted")
    assert post.sender_chat is not None and post.sender_chat.id == channel.id
    group = await emu.create_group("Staff", [alice])
    await emu.set_member(group, None, "kicked", by=alice)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "x")
    old = await emu.create_group("Old", [alice])
    new = await emu.migrate_group(old)
    with pytest.raises(TelegramMigrateToChat) as migrated:
        await bot.send_message(old.id, "x")
    assert migrated.value.migrate_to_chat_id == new.id


async def test_second_callback_answer_fails(bot: Bot, alice: UserClient) -> None:
    await bot.send_message(alice.id, "pick", reply_markup=kb("p"))
    press = await alice.press("b0", wait_answer=False)
    assert press.callback_query_id
    assert await bot.answer_callback_query(press.callback_query_id, text="ok") is True
    with pytest.raises(TelegramBadRequest) as exc:
        await bot.answer_callback_query(press.callback_query_id)
    assert exc.value.message == "Bad Request: " + QUERY_TOO_OLD


async def test_not_found_for_unknown_method(bot: Bot) -> None:
    class Bogus(TelegramMethod[bool]):
        __returning__ = bool
        __api_method__ = "definitelyNotAMethod"

    with pytest.raises(TelegramNotFound):
        await bot(Bogus())
