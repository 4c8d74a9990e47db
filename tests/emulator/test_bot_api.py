"""aiogram's own Bot round-trips the Bot API methods through the emulator."""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator import EmulatorServer
from sandbox.emulator.files import sample_png


def kb(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


async def test_get_me(bot: Bot, token: str) -> None:
    me = await bot.get_me()
    assert me.id == int(token.split(":")[0])
    assert me.is_bot is True
    assert me.username == "ukbot_sandbox_bot"
    assert me.can_join_groups is True
    assert me.supports_inline_queries is True


async def test_send_message_html_and_ids(bot: Bot, alice: UserClient) -> None:
    first = await bot.send_message(
        alice.id, "<b>Hello</b>, <i>Алиса</i> &amp; co", parse_mode="HTML"
    )
    second = await bot.send_message(alice.id, "plain")
    assert first.text == "Hello, Алиса & co"
    assert [(e.type, e.offset, e.length) for e in first.entities or []] == [
        ("bold", 0, 5),
        ("italic", 7, 5),
    ]
    assert second.message_id == first.message_id + 1
    assert first.chat.id == alice.id and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.is_bot
    assert isinstance(first.date.timestamp(), float)
    shown = await alice.messages()
    assert shown[0].raw_text == "<b>Hello</b>, <i>Алиса</i> &amp; co"
    assert shown[0].parse_mode == "HTML"


async def test_keyboards_and_reply_parameters(bot: Bot, alice: UserClient) -> None:
    inline = await bot.send_message(alice.id, "menu", reply_markup=kb(("A", "a"), ("B", "b")))
    assert inline.reply_markup is not None
    assert inline.reply_markup.inline_keyboard[1][0].callback_data == "b"

    reply_kb = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📞 Phone", request_contact=True)],
            [KeyboardButton(text="Help")],
        ],
        resize_keyboard=True,
    )
    await bot.send_message(alice.id, "share", reply_markup=reply_kb)
    assert await alice.reply_keyboard() == [["📞 Phone"], ["Help"]]
    answer = await bot.send_message(
        alice.id, "reply", reply_parameters=ReplyParameters(message_id=inline.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.message_id == inline.message_id
    await bot.send_message(alice.id, "forced", reply_markup=ForceReply(input_field_placeholder="?"))
    await bot.send_message(alice.id, "bye", reply_markup=ReplyKeyboardRemove())
    view = await alice.chat()
    assert view.reply_keyboard is None
    assert view.messages[-2].force_reply


async def test_media_upload_file_id_and_download(
    bot: Bot, alice: UserClient, emulator: EmulatorServer
) -> None:
    png = sample_png(400, 300)
    photo = await bot.send_photo(
        alice.id, BufferedInputFile(png, "p.png"), caption="<b>c</b>", parse_mode="HTML"
    )
    assert photo.photo and photo.photo[-1].width == 400 and photo.photo[-1].height == 300
    assert photo.caption == "c" and photo.caption_entities
    again = await bot.send_photo(alice.id, photo.photo[-1].file_id)
    assert again.photo and again.photo[-1].file_unique_id == photo.photo[-1].file_unique_id
    by_url = await bot.send_photo(alice.id, "https://example.com/cat.jpg")
    assert by_url.photo

    doc = await bot.send_document(alice.id, BufferedInputFile(b"%PDF-1.4 hi", "report.pdf"))
    assert doc.document and doc.document.file_name == "report.pdf"
    assert doc.document.mime_type == "application/pdf"
    video = await bot.send_video(alice.id, BufferedInputFile(b"vid", "v.mp4"), duration=7)
    assert video.video and video.video.duration == 7
    voice = await bot.send_voice(alice.id, BufferedInputFile(b"OggS", "v.ogg"), duration=3)
    assert voice.voice and voice.voice.duration == 3

    file = await bot.get_file(doc.document.file_id)
    assert file.file_path
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"%PDF-1.4 hi"
    async with aiohttp.ClientSession() as http:
        url = f"{emulator.base_url}/file/bot{bot.token}/{file.file_path}"
        async with http.get(url) as resp:
            assert resp.status == 200 and await resp.read() == b"%PDF-1.4 hi"


async def test_send_media_group(bot: Bot, alice: UserClient) -> None:
    album = await bot.send_media_group(
        alice.id,
        [
            InputMediaPhoto(media=BufferedInputFile(sample_png(), "a.png"), caption="first"),
            InputMediaPhoto(media=BufferedInputFile(sample_png(), "b.png")),
        ],
    )
    assert len(album) == 2
    assert album[0].media_group_id and album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "first"
    docs = await bot.send_media_group(
        alice.id,
        [
            InputMediaDocument(media=BufferedInputFile(b"1", "1.txt")),
            InputMediaDocument(media=BufferedInputFile(b"2", "2.txt")),
        ],
    )
    assert all(m.document for m in docs)


async def test_copy_and_forward(bot: Bot, alice: UserClient, emu: EmulatorClient) -> None:
    bob = await emu.create_user(first_name="Bob", started=True)
    sent = await alice.send_text("original words")
    copied = await bot.copy_message(bob.id, alice.id, sent.message_id)
    forwarded = await bot.forward_message(bob.id, alice.id, sent.message_id)
    assert forwarded.text == "original words"
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.type == "user"
    bob_view = await bob.messages()
    by_id = {m.message_id: m for m in bob_view}
    assert by_id[copied.message_id].text == "original words"
    assert by_id[copied.message_id].forward_origin is None


async def test_edit_and_delete(bot: Bot, alice: UserClient) -> None:
    msg = await bot.send_message(alice.id, "v1", reply_markup=kb(("Go", "go")))
    edited = await bot.edit_message_text(
        "v2", chat_id=alice.id, message_id=msg.message_id, reply_markup=kb(("Go", "go"))
    )
    assert isinstance(edited, object) and getattr(edited, "text", None) == "v2"
    await bot.edit_message_reply_markup(
        chat_id=alice.id, message_id=msg.message_id, reply_markup=kb(("Stop", "stop"))
    )
    view = (await alice.messages())[-1]
    assert view.text == "v2" and view.inline_buttons == [[("Stop", "stop")]] and view.edited
    photo = await bot.send_photo(alice.id, BufferedInputFile(sample_png(), "x.png"), caption="old")
    await bot.edit_message_caption(chat_id=alice.id, message_id=photo.message_id, caption="new")
    assert (await alice.messages())[-1].caption == "new"
    assert await bot.delete_message(alice.id, msg.message_id) is True
    assert msg.message_id not in [m.message_id for m in await alice.messages()]


async def test_location_venue_contact_action(bot: Bot, alice: UserClient) -> None:
    loc = await bot.send_location(alice.id, 41.3, 69.2)
    assert loc.location and loc.location.latitude == 41.3
    venue = await bot.send_venue(alice.id, 41.3, 69.2, "Office", "Main st. 1")
    assert venue.venue and venue.venue.title == "Office"
    contact = await bot.send_contact(alice.id, "+998901112233", "Dispatcher")
    assert contact.contact and contact.contact.phone_number == "+998901112233"
    assert await bot.send_chat_action(alice.id, "typing") is True
    last_action = (await alice.chat()).last_action
    assert last_action is not None and last_action["action"] == "typing"


async def test_commands_per_scope_and_language(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [
            BotCommand(command="start", description="Начать"),
            BotCommand(command="help", description="Помощь"),
        ],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="ru",
    )
    await bot.set_my_commands(
        [BotCommand(command="admin", description="Admin")],
        scope=BotCommandScopeChat(chat_id=alice.id),
    )
    default = await bot.get_my_commands()
    assert [c.command for c in default] == ["start"]
    ru = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [c.description for c in ru] == ["Начать", "Помощь"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == []
    assert [c["command"] for c in await alice.visible_commands()] == ["admin"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=alice.id))
    assert [c["command"] for c in await alice.visible_commands()] == ["start", "help"]
    assert len(await emu.commands()) == 2


async def test_chat_info_members_and_noops(
    bot: Bot, alice: UserClient, emu: EmulatorClient
) -> None:
    chat = await bot.get_chat(alice.id)
    assert chat.id == alice.id and chat.type == "private" and chat.first_name == "Alice"
    member = await bot.get_chat_member(alice.id, alice.id)
    assert member.status == "member"
    group = await emu.create_group("Staff", [alice], bot_status="administrator")
    info = await bot.get_chat(group.id)
    assert info.title == "Staff" and info.type == "group"
    assert (await bot.get_chat_member(group.id, alice.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, bot.id)).status == "administrator"
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands()) is True
    assert await bot.set_my_description("desc") is True
    assert await bot.set_my_short_description("short") is True
    assert (await bot.get_my_description()).description == "desc"


async def test_unknown_method_is_404(emulator: EmulatorServer, token: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.base_url}/bot{token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        # method names are case-insensitive, JSON bodies work too
        async with http.post(f"{emulator.base_url}/bot{token}/GETME", json={}) as resp:
            body = await resp.json()
            assert body["ok"] and body["result"]["is_bot"]
        async with http.get(f"{emulator.base_url}/botnot-a-token/getMe") as resp:
            assert resp.status == 401
        # the control API answers JSON everywhere, with CORS for a browser page
        async with http.get(f"{emulator.base_url}/sandbox/api/nope") as resp:
            assert resp.status == 404 and (await resp.json())["ok"] is False
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
