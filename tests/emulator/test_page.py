"""The web page's side of the emulator: static files, the live event stream, page info."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiogram import Bot

from sandbox.client import EmulatorClient, UserClient
from sandbox.emulator import EmulatorServer, run_emulator


async def _sse(response: aiohttp.ClientResponse) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(event name, fields) per Server-Sent Event; comments and `retry:` skipped."""
    fields: dict[str, Any] = {}
    while True:
        raw = await asyncio.wait_for(response.content.readline(), timeout=5)
        assert raw, "the stream ended"
        line = raw.decode().rstrip("\n")
        if not line:
            if "data" in fields:
                yield fields.pop("event", "message"), fields
            fields = {}
            continue
        name, _, value = line.partition(": ")
        if name == "data":
            fields["data"] = json.loads(value)
        elif name in ("id", "event"):
            fields[name] = value


async def test_page_and_its_files_are_served(emulator: EmulatorServer) -> None:
    async with aiohttp.ClientSession(emulator.base_url) as http:
        async with http.get("/") as response:
            assert response.status == 200
            html = await response.text()
        assert '<script src="/web/app.js">' in html
        for path, kind in (("/web/app.js", "javascript"), ("/web/style.css", "css")):
            async with http.get(path) as response:
                assert response.status == 200
                assert kind in response.headers["Content-Type"]
                assert response.headers["Cache-Control"] == "no-cache"


async def test_event_stream_follows_chats_live(
    emulator: EmulatorServer, bot: Bot, emu: EmulatorClient, alice: UserClient
) -> None:
    await bot.send_message(alice.id, "before")  # history: the stream starts after it
    chat = await emu.call("GET", f"/chats/{alice.id}", params={"bot_id": bot.id})
    bob = await emu.create_user("Bob", started=True)
    url = f"/sandbox/api/events?bot_id={bot.id}&chats={alice.id}:{chat['seq']},{bob.id}:0"
    async with (
        aiohttp.ClientSession(emulator.base_url) as http,
        http.get(url) as response,
    ):
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = _sse(response)
        sent = await bot.send_message(alice.id, "<b>hello</b>", parse_mode="HTML")
        _, first = await anext(events)
        assert first["data"]["chat_id"] == alice.id
        assert first["data"]["event"]["kind"] == "new" and first["data"]["event"]["from_bot"]
        assert first["data"]["event"]["message"]["text"] == "hello"
        # the id is the whole cursor: a reconnecting EventSource resumes every chat
        assert first["id"] == f"{alice.id}:{chat['seq'] + 1},{bob.id}:0"
        await bot.send_message(bob.id, "for bob")  # one stream, another chat
        _, other = await anext(events)
        assert other["data"]["chat_id"] == bob.id
        assert other["data"]["event"]["message"]["text"] == "for bob"
        assert other["id"] == f"{alice.id}:{chat['seq'] + 1},{bob.id}:1"
        await bot.edit_message_text("edited", chat_id=alice.id, message_id=sent.message_id)
        _, edit = await anext(events)
        edited = edit["data"]["event"]
        assert edited["kind"] == "edit" and edited["message"]["text"] == "edited"
        await alice.send_text("from alice")
        _, mine = await anext(events)
        assert mine["data"]["event"]["kind"] == "new" and not mine["data"]["event"]["from_bot"]
        await bot.delete_message(alice.id, sent.message_id)
        _, gone = await anext(events)
        assert gone["data"]["event"] == {
            "seq": chat["seq"] + 4,
            "kind": "delete",
            "message_id": sent.message_id,
            "from_bot": True,
        }
    # resuming from a cursor sends only what came after it
    resume = {"Last-Event-ID": f"{alice.id}:{chat['seq'] + 3},{bob.id}:1"}
    async with (
        aiohttp.ClientSession(emulator.base_url) as http,
        http.get(f"/sandbox/api/events?bot_id={bot.id}", headers=resume) as response,
    ):
        _, again = await anext(_sse(response))
        assert again["data"]["event"]["kind"] == "delete"


async def test_page_info_and_reset_end_the_streams() -> None:
    async with run_emulator() as server:
        server.page_info = {"people": [{"id": 1, "name": "Dilnoza"}]}
        emu = EmulatorClient(server.base_url, "5550001:page-test")
        try:
            dilnoza = await emu.create_user("Dilnoza", user_id=1, started=True)
            await dilnoza.send_text("hi")
            async with aiohttp.ClientSession(server.base_url) as http:
                async with http.get("/sandbox/api/page") as response:
                    info = (await response.json())["result"]
                assert info["people"] == [{"id": 1, "name": "Dilnoza"}]
                assert info["bot"]["id"] == 5550001
                async with http.get("/sandbox/api/events?chats=1:1") as stream:
                    events = _sse(stream)
                    async with http.post("/sandbox/api/page/reset") as response:
                        assert (await response.json())["result"] is True
                    name, _ = await anext(events)
                    assert name == "reset"
                chat = await emu.call("GET", "/chats/1")
                assert chat["messages"] == [] and chat["seq"] == 0
                assert (await emu.user(1)).first_name == "Dilnoza"  # people stay

                called: list[bool] = []

                async def hook() -> None:
                    called.append(True)

                server.on_page_reset = hook
                async with http.post("/sandbox/api/page/reset") as response:
                    assert response.status == 200
                assert called == [True]
        finally:
            await emu.close()


async def test_a_stream_ahead_of_the_chat_is_told_to_reset(
    emulator: EmulatorServer, bot: Bot, alice: UserClient
) -> None:
    """A page still open from before the emulator restarted reloads the chat."""
    await bot.send_message(alice.id, "one")
    url = f"/sandbox/api/events?bot_id={bot.id}"
    async with (
        aiohttp.ClientSession(emulator.base_url) as http,
        http.get(url, headers={"Last-Event-ID": f"{alice.id}:500"}) as response,
    ):
        name, _ = await anext(_sse(response))
        assert name == "reset"


async def test_an_open_stream_does_not_hold_up_stopping() -> None:
    server = EmulatorServer(port=0)
    await server.start()
    try:
        emu = EmulatorClient(server.base_url, "5550002:page-test")
        await emu.create_user("Dilnoza", user_id=2, started=True)
        await emu.close()
        http = aiohttp.ClientSession(server.base_url)
        stream = await http.get("/sandbox/api/events?bot_id=5550002&chats=2:0")
        assert stream.status == 200
    finally:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await server.stop()
        assert loop.time() - started < 1.5
    stream.close()
    await http.close()
