"""Control API (``/sandbox/api/...``): act as users and inspect the world.

JSON in, ``{"ok": true, "result": ...}`` out (``{"ok": false, "error": ...}``
with a 4xx status on misuse), CORS-enabled so a web page served elsewhere can
drive the emulator. Waiting endpoints are long polls on asyncio events.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiohttp import web

from . import formatting
from .botapi import BotApi, Params, chat_member_updated
from .errors import ApiError
from .files import DEFAULT_NAMES, sample_bytes
from .state import (
    CHANNEL_ADMIN_RIGHTS,
    JSON,
    BotState,
    CallbackRecord,
    Chat,
    Conversation,
    EmulatorState,
    Event,
    InlineQueryRecord,
    Member,
    StoredMessage,
    User,
    dumps,
    now_unix,
)

log = logging.getLogger(__name__)
PREFIX = "/sandbox/api"
MAX_WAIT = 120.0
SSE_KEEPALIVE = 15.0  # seconds between comments on an idle event stream
DEFAULT_LOCATION = (41.311081, 69.240562)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _ok(result: Any) -> web.Response:
    return web.Response(
        body=dumps({"ok": True, "result": result}).encode(), content_type="application/json"
    )


def _num(value: Any, name: str, default: float | None = None) -> float:
    if value is None or value == "":
        if default is None:
            raise ControlError(400, f"{name} is required")
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be a number") from None


def _int(value: Any, name: str, default: int | None = None) -> int:
    if value is None or value == "":
        if default is None:
            raise ControlError(400, f"{name} is required")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _event_json(event: Event) -> JSON:
    seq, kind, sm, data, raw_text = event
    out: JSON = {"seq": seq, "kind": kind, "message_id": sm.message_id}
    if data is not None:
        out.update(sm.envelope(data, raw_text))
        out["edited"] = kind == "edit" or "edit_date" in data
    else:
        out["from_bot"] = sm.sender_bot != 0
    return out


def _buttons(markup: JSON | None) -> list[JSON]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b for row in markup["inline_keyboard"] for b in row]


class ControlApi:
    def __init__(self, state: EmulatorState, botapi: BotApi) -> None:
        self.state = state
        self.botapi = botapi

    def routes(self) -> list[web.RouteDef]:
        h = self._wrap
        return [
            web.get(PREFIX, h(self.info)),
            web.post(PREFIX + "/reset", h(self.reset)),
            web.get(PREFIX + "/bots", h(self.list_bots)),
            web.get(PREFIX + "/bots/{bot_id}", h(self.get_bot)),
            web.patch(PREFIX + "/bots/{bot_id}", h(self.patch_bot)),
            web.get(PREFIX + "/bots/{bot_id}/commands", h(self.bot_commands)),
            web.get(PREFIX + "/users", h(self.list_users)),
            web.post(PREFIX + "/users", h(self.create_user)),
            web.get(PREFIX + "/users/{user_id}", h(self.get_user)),
            web.post(PREFIX + "/users/{user_id}/send", h(self.user_send)),
            web.post(PREFIX + "/users/{user_id}/edit", h(self.user_edit)),
            web.post(PREFIX + "/users/{user_id}/press", h(self.user_press)),
            web.post(PREFIX + "/users/{user_id}/reply_button", h(self.user_reply_button)),
            web.post(PREFIX + "/users/{user_id}/inline_query", h(self.user_inline_query)),
            web.post(PREFIX + "/users/{user_id}/choose_inline_result", h(self.user_choose_result)),
            web.post(PREFIX + "/users/{user_id}/block", h(self.user_block)),
            web.post(PREFIX + "/users/{user_id}/unblock", h(self.user_unblock)),
            web.post(PREFIX + "/chats", h(self.create_chat)),
            web.get(PREFIX + "/chats", h(self.list_chats)),
            web.get(PREFIX + "/chats/{chat_id}", h(self.get_chat)),
            web.get(PREFIX + "/chats/{chat_id}/wait", h(self.wait_chat)),
            web.get(PREFIX + "/events", self.stream_chats),
            web.post(PREFIX + "/chats/{chat_id}/members", h(self.set_member)),
            web.post(PREFIX + "/chats/{chat_id}/migrate", h(self.migrate_chat)),
            web.get(PREFIX + "/callbacks", h(self.list_callbacks)),
            web.get(PREFIX + "/callbacks/wait_all", h(self.wait_all_callbacks)),
            web.get(PREFIX + "/callbacks/{query_id}", h(self.get_callback)),
            web.get(PREFIX + "/inline_queries/{query_id}", h(self.get_inline_query)),
            web.get(PREFIX + "/rate_limits", h(self.get_rate_limits)),
            web.put(PREFIX + "/rate_limits", h(self.put_rate_limits)),
            web.post(PREFIX + "/rate_limits", h(self.put_rate_limits)),
            web.post(PREFIX + "/rate_limits/reset", h(self.reset_rate_limits)),
            web.get(PREFIX + "/faults", h(self.list_faults)),
            web.post(PREFIX + "/faults", h(self.add_fault)),
            web.delete(PREFIX + "/faults", h(self.clear_faults)),
            web.delete(PREFIX + "/faults/{fault_id}", h(self.delete_fault)),
            web.get(PREFIX + "/files/{file_id}", self.get_file),
        ]

    def _wrap(
        self, fn: Callable[[web.Request, JSON], Awaitable[Any]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            body: JSON = {}
            if request.body_exists:
                try:
                    body = await request.json()
                except ValueError:
                    return _control_error(400, "body must be JSON")
                if not isinstance(body, dict):
                    return _control_error(400, "body must be a JSON object")
            try:
                return _ok(await fn(request, body))
            except ControlError as exc:
                return _control_error(exc.status, exc.message)
            except ApiError as exc:  # e.g. a Telegram-side validation reused here
                return _control_error(400, exc.description)
            except (KeyError, TypeError, ValueError) as exc:  # malformed body
                log.exception("control API %s %s failed", request.method, request.path)
                return _control_error(400, f"bad request: {type(exc).__name__}: {exc}")

        return handler

    # ----------------------------------------------------------------- lookups

    def _bot(self, request: web.Request, body: JSON | None = None) -> BotState:
        raw = (
            (body or {}).get("bot_id")
            or request.match_info.get("bot_id")
            or request.query.get("bot_id")
        )
        if raw in (None, ""):
            if self.state.default_bot_id is None:
                raise ControlError(400, "bot_id is required (no bot has called the Bot API yet)")
            return self.state.bot(self.state.default_bot_id)
        return self.state.bot(_int(raw, "bot_id"))

    def _user(self, request: web.Request) -> User:
        user = self.state.users.get(_int(request.match_info["user_id"], "user_id"))
        if user is None:
            raise ControlError(404, "user not found")
        return user

    def _chat(self, raw: Any) -> Chat:
        try:
            return self.state.resolve_chat(raw if isinstance(raw, int) else str(raw))
        except ApiError:
            raise ControlError(404, f"chat {raw} not found") from None

    def _user_conv(
        self, user: User, bot: BotState, body: JSON, *, posting: bool = True
    ) -> Conversation:
        """The conversation a user acts in: their private chat with the bot, or a given chat."""
        chat_id = body.get("chat_id")
        chat = self.state.chats[user.id] if chat_id in (None, "", user.id) else self._chat(chat_id)
        if chat.type == "private":
            if chat.id != user.id:
                raise ControlError(
                    403, "a user can only act in their own private chat with the bot"
                )
            return self.state.conversation(bot.id, chat)
        member = chat.members.get(user.id)
        if member is None or not member.present:
            raise ControlError(403, f"user {user.id} is not a member of chat {chat.id}")
        if posting and chat.type == "channel" and member.status not in ("creator", "administrator"):
            raise ControlError(
                403, f"user {user.id} can't post in channel {chat.id} (not an admin)"
            )
        return self.state.conversation(bot.id, chat)

    def _require_unblocked(self, user: User, bot: BotState, conv: Conversation) -> None:
        if conv.chat.type == "private" and user.id in bot.blocked_by:
            raise ControlError(409, "the user has blocked the bot; unblock it first")

    # ------------------------------------------------------------------- info

    async def info(self, request: web.Request, body: JSON) -> Any:
        return {
            "emulator": "telegram-bot-api-sandbox",
            "uptime": round(time.time() - self.state.started_at, 1),
            "bots": sorted(self.state.bots),
            "default_bot_id": self.state.default_bot_id,
            "users": len(self.state.users),
            "chats": len(self.state.chats),
            "rate_limits": self.state.rate_limits_enabled,
            "faults": len(self.state.faults),
        }

    async def reset(self, request: web.Request, body: JSON) -> Any:
        self.state.reset()
        return True

    def _bot_summary(self, bot: BotState) -> JSON:
        hook = bot.webhook
        return {
            "id": bot.id,
            "user": bot.me(),
            "privacy_mode": bot.privacy_mode,
            "pending_update_count": bot.pending,
            "next_update_id": bot.next_update_id,
            "allowed_updates": bot.allowed_list,
            "webhook": None
            if hook is None
            else {
                "url": hook.url,
                "secret_token_set": bool(hook.secret_token),
                "max_connections": hook.max_connections,
                "last_error_date": bot.last_error_date,
                "last_error_message": bot.last_error_message,
                "delivered": bot.webhook_delivered,
            },
            "rate_limits": self.state.rate_limited(bot),
            "rate_limit_stats": self.state.limiter.stats(bot.id),
            "unanswered_callbacks": len(bot.unanswered),
            "blocked_by": sorted(bot.blocked_by),
            "calls": dict(bot.calls),
            "first_calls": dict(bot.first_calls),
        }

    async def list_bots(self, request: web.Request, body: JSON) -> Any:
        return [self._bot_summary(bot) for bot in self.state.bots.values()]

    async def get_bot(self, request: web.Request, body: JSON) -> Any:
        return self._bot_summary(self._bot(request))

    async def patch_bot(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        if "username" in body:
            bot.username = str(body["username"])
        if "first_name" in body:
            bot.first_name = str(body["first_name"])
        bot.refresh()
        if "privacy_mode" in body:
            bot.privacy_mode = bool(body["privacy_mode"])
        if "rate_limits" in body:
            bot.rate_limits = None if body["rate_limits"] is None else bool(body["rate_limits"])
        return self._bot_summary(bot)

    async def bot_commands(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        out: JSON = {
            "all": [
                {"scope": list(scope), "language_code": lang, "commands": cmds}
                for (scope, lang), cmds in bot.commands.items()
            ]
        }
        if request.query.get("user_id"):
            user = self.state.users.get(_int(request.query["user_id"], "user_id"))
            if user is None:
                raise ControlError(404, "user not found")
            chat = self._chat(request.query.get("chat_id") or user.id)
            out["resolved"] = resolve_commands(self.state, bot, chat, user)
        return out

    # ------------------------------------------------------------------ users

    async def list_users(self, request: web.Request, body: JSON) -> Any:
        return [u.data for u in self.state.users.values()]

    async def get_user(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        return {**user.data, "phone_number": user.phone_number}

    async def create_user(self, request: web.Request, body: JSON) -> Any:
        bot = (
            self._bot(request, body) if body.get("bot_id") else None
        )  # known before ids are picked
        raw_id = body.get("id", body.get("user_id"))
        user = self.state.create_user(
            user_id=None if raw_id in (None, "") else _int(raw_id, "id"),
            first_name=str(body.get("first_name") or "User"),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "en"),
            is_premium=bool(body.get("is_premium")),
            phone_number=body.get("phone_number"),
        )
        if body.get("started"):
            (bot or self._bot(request, body)).started.add(user.id)
        return {**user.data, "phone_number": user.phone_number}

    def _post_user_message(
        self, user: User, bot: BotState, conv: Conversation, content: JSON, body: JSON
    ) -> StoredMessage:
        reply_id = body.get("reply_to_message_id")
        full: JSON = {}
        if reply_id:
            replied = conv.messages.get(_int(reply_id, "reply_to_message_id"))
            if replied is None:
                raise ControlError(404, "message to reply to not found")
            data = replied.data
            full["reply_to_message"] = (
                {k: v for k, v in data.items() if k != "reply_to_message"}
                if "reply_to_message" in data
                else data
            )
        full.update(content)
        sender = None if conv.chat.type == "channel" else user.data
        sm = self.state.new_message(conv, full, from_user=sender)
        if conv.chat.type == "private":
            bot.started.add(user.id)
        self.state.deliver_message(conv, sm)
        return sm

    def _media_content(self, kind: str, item: JSON) -> JSON:
        if kind not in DEFAULT_NAMES:
            raise ControlError(400, f"unknown media kind {kind!r}")
        raw = item.get("data_b64")
        if raw:
            try:
                data = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise ControlError(400, "data_b64 is not valid base64") from None
        else:
            data = sample_bytes(kind)
        name, mime = DEFAULT_NAMES[kind]
        if kind == "photo":
            stored = self.state.store_photo(data)
        else:
            stored = self.state.files.add(
                kind,
                data,
                file_name=item.get("file_name") or name,
                mime_type=item.get("mime_type") or mime,
            )
        content: JSON = {kind: self.botapi._media_object(kind, stored, Params(item))}
        if item.get("caption"):
            content["caption"] = str(item["caption"])
        return content

    async def user_send(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        conv = self._user_conv(user, bot, body)
        self._require_unblocked(user, bot, conv)
        kind = body.get("kind") or ("text" if "text" in body else None)
        if kind == "album":
            return self._send_album(user, bot, conv, body)
        if kind == "text":
            text = str(body.get("text") or "")
            if not text.strip():
                raise ControlError(400, "text is empty")
            content: JSON = {"text": text}
            entities = formatting.user_entities(text)
            if body.get("parse_mode"):  # text the user formatted (bold, links) in the client
                plain, entities = formatting.parse(text, str(body["parse_mode"]))
                content["text"] = plain
            if entities:
                content["entities"] = entities
        elif kind == "contact":
            content = {"contact": self._contact(user, body)}
        elif kind == "location":
            content = {"location": _location(body)}
        elif kind == "venue":
            location = _location(body)
            content = {
                "venue": {
                    "location": location,
                    "title": str(body.get("title") or "Venue"),
                    "address": str(body.get("address") or "Address"),
                },
                "location": location,
            }
        elif kind in DEFAULT_NAMES:
            content = self._media_content(kind, body)
        else:
            raise ControlError(400, f"unknown message kind {kind!r}")
        sm = self._post_user_message(user, bot, conv, content, body)
        return {"message": sm.envelope(), "seq": conv.seq, "chat_id": conv.chat.id}

    def _contact(self, user: User, body: JSON) -> JSON:
        owner_id = body.get("contact_user_id", user.id)
        if owner_id == user.id:
            phone = (
                body.get("phone_number") or user.phone_number or f"+99890{user.id % 10_000_000:07d}"
            )
            user.phone_number = phone
            contact: JSON = {
                "phone_number": phone,
                "first_name": body.get("first_name") or user.first_name,
            }
            last = body.get("last_name", user.last_name)
        else:
            phone = body.get("phone_number") or "+998901234567"
            contact = {"phone_number": phone, "first_name": body.get("first_name") or "Contact"}
            last = body.get("last_name")
        if last:
            contact["last_name"] = last
        if owner_id is not None:
            contact["user_id"] = int(owner_id)
        return contact

    def _send_album(self, user: User, bot: BotState, conv: Conversation, body: JSON) -> Any:
        items = body.get("items") or []
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            raise ControlError(400, "an album needs 2-10 items")
        group_id = str(next(conv.media_groups))
        messages = []
        for index, item in enumerate(items):
            item = dict(item)
            if index == 0 and body.get("caption") and not item.get("caption"):
                item["caption"] = body["caption"]
            content = {
                "media_group_id": group_id,
                **self._media_content(str(item.get("kind") or "photo"), item),
            }
            messages.append(self._post_user_message(user, bot, conv, content, body).envelope())
        return {
            "messages": messages,
            "seq": conv.seq,
            "chat_id": conv.chat.id,
            "media_group_id": group_id,
        }

    async def user_edit(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        conv = self._user_conv(user, bot, body)
        sm = conv.messages.get(_int(body.get("message_id"), "message_id"))
        if sm is None or sm.sender_bot or sm.data.get("from", {}).get("id") != user.id:
            raise ControlError(404, "no such message sent by this user")
        key = "text" if "text" in sm.data else "caption"
        new = {**sm.data, key: str(body.get("text") or ""), "edit_date": now_unix()}
        self.state.edit_message(conv, sm, new)
        self.state.deliver_message(conv, sm, "edited_message")
        return {"message": sm.envelope(), "seq": conv.seq}

    # ----------------------------------------------------------------- buttons

    def _find_button(
        self, conv: Conversation, bot: BotState, body: JSON
    ) -> tuple[StoredMessage, JSON]:
        text = body.get("text")
        data = body.get("data")
        if text is None and data is None:
            raise ControlError(400, "give the button text or its callback data")

        def matches(button: JSON, loose: bool) -> bool:
            if data is not None:
                return bool(button.get("callback_data") == data)
            label = str(button.get("text", ""))
            if not loose:
                return label == text
            want = str(text).strip().casefold()
            return want == label.strip().casefold() or (bool(want) and want in label.casefold())

        if body.get("message_id"):
            sm = conv.messages.get(_int(body["message_id"], "message_id"))
            if sm is None:
                raise ControlError(404, "message not found (deleted?)")
            pinned: list[StoredMessage] | None = [sm]
        else:
            pinned = None

        def candidates() -> Iterator[StoredMessage]:
            # Newest first, lazily: the button is nearly always on a recent message.
            if pinned is not None:
                yield from pinned
                return
            for sm in reversed(conv.messages.values()):
                if "reply_markup" in sm.data and (
                    sm.sender_bot == bot.id or sm.data.get("via_bot", {}).get("id") == bot.id
                ):
                    yield sm

        for loose in (False, True):
            for sm in candidates():
                hit = next(
                    (b for b in _buttons(sm.data.get("reply_markup")) if matches(b, loose)), None
                )
                if hit is not None:
                    return sm, hit
        seen = [
            [b.get("text") for b in _buttons(sm.data.get("reply_markup"))]
            for sm in itertools.islice(candidates(), 5)
        ]
        wanted = f"data={data!r}" if data is not None else f"text={text!r}"
        raise ControlError(
            404, f"no inline button with {wanted}; buttons of recent messages: {seen}"
        )

    async def user_press(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        conv = self._user_conv(user, bot, body, posting=False)
        self._require_unblocked(user, bot, conv)
        sm, button = self._find_button(conv, bot, body)
        if "callback_data" not in button:
            action = next((k for k in button if k != "text"), None)
            return {
                "button": button,
                "action": action,
                "value": button.get(action) if action else None,
            }
        target = self.state.bot(sm.sender_bot) if sm.sender_bot else bot
        record = CallbackRecord(
            id=self.state.next_query_id(),
            bot_id=target.id,
            user_id=user.id,
            data=button["callback_data"],
            chat_id=conv.chat.id,
            message_id=sm.message_id,
            inline_message_id=sm.inline_message_id,
            created=time.monotonic(),
            created_unix=now_unix(),
        )
        target.add_callback(record)
        payload: JSON = {"id": record.id, "from": user.data}
        if sm.inline_message_id:
            payload["inline_message_id"] = sm.inline_message_id
        else:
            payload["message"] = sm.data
        payload["chat_instance"] = target.chat_instance(conv.chat.id)
        payload["data"] = record.data
        target.enqueue("callback_query", payload, conv.chat.id)
        seq = conv.seq  # before waiting: the bot's reaction must stay after the cursor
        wait = _num(body.get("wait_answer"), "wait_answer", 0.0)
        if wait > 0 and not record.answered:
            record.event = record.event or asyncio.Event()
            try:
                async with asyncio.timeout(min(wait, MAX_WAIT)):
                    await record.event.wait()
            except TimeoutError:
                pass
        return {
            "callback_query_id": record.id,
            "button": button,
            "action": "callback_data",
            "message_id": sm.message_id,
            "answered": record.answered,
            "answer": record.answer,
            "seq": seq,
        }

    async def user_reply_button(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        conv = self._user_conv(user, bot, body)
        self._require_unblocked(user, bot, conv)
        keyboard = conv.reply_keyboard
        if keyboard is None:
            raise ControlError(409, "no reply keyboard is shown in this chat")
        text = str(body.get("text") or "")
        buttons = [b for row in keyboard["keyboard"] for b in row]
        button = next((b for b in buttons if b["text"] == text), None) or next(
            (b for b in buttons if b["text"].strip().casefold() == text.strip().casefold()), None
        )
        if button is None:
            raise ControlError(
                404, f"no reply keyboard button {text!r}; shown: {[b['text'] for b in buttons]}"
            )
        if button.get("request_contact"):
            content: JSON = {
                "contact": self._contact(user, {"phone_number": body.get("phone_number")})
            }
        elif button.get("request_location"):
            content = {"location": _location(body, default=True)}
        elif any(k in button for k in ("request_users", "request_chat", "request_poll", "web_app")):
            raise ControlError(
                400, "this kind of reply keyboard button is not supported by the emulator"
            )
        else:
            content = {"text": button["text"]}
            entities = formatting.user_entities(button["text"])
            if entities:
                content["entities"] = entities
        sm = self._post_user_message(user, bot, conv, content, {})
        return {"message": sm.envelope(), "seq": conv.seq, "chat_id": conv.chat.id}

    # ----------------------------------------------------------------- inline

    async def user_inline_query(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        record = InlineQueryRecord(
            id=self.state.next_query_id(),
            bot_id=bot.id,
            user_id=user.id,
            query=str(body.get("query") or ""),
            offset=str(body.get("offset") or ""),
            created=time.monotonic(),
        )
        bot.inline_queries[record.id] = record
        if len(bot.inline_queries) > 20_000:  # bound memory in long runs
            for old_id in list(itertools.islice(bot.inline_queries, 5_000)):
                del bot.inline_queries[old_id]
        payload: JSON = {
            "id": record.id,
            "from": user.data,
            "query": record.query,
            "offset": record.offset,
        }
        payload["chat_type"] = body.get("chat_type") or "sender"
        if body.get("latitude") is not None:
            payload["location"] = _location(body)
        bot.enqueue("inline_query", payload, user.id)
        await _wait_event(record.event, _num(body.get("wait"), "wait", 0.0))
        return _inline_json(record)

    async def get_inline_query(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        record = bot.inline_queries.get(request.match_info["query_id"])
        if record is None:
            raise ControlError(404, "inline query not found")
        await _wait_event(record.event, _num(request.query.get("wait"), "wait", 0.0))
        return _inline_json(record)

    async def user_choose_result(self, request: web.Request, body: JSON) -> Any:
        user = self._user(request)
        bot = self._bot(request, body)
        record = bot.inline_queries.get(str(body.get("inline_query_id") or ""))
        if record is None or record.user_id != user.id:
            raise ControlError(404, "inline query not found for this user")
        if not record.answered or record.answer is None:
            raise ControlError(409, "the bot has not answered this inline query")
        result_id = str(body.get("result_id") or "")
        result = next((r for r in record.answer["results"] if str(r.get("id")) == result_id), None)
        if result is None:
            ids = [r.get("id") for r in record.answer["results"]]
            raise ControlError(404, f"no result {result_id!r}; results: {ids}")
        conv = self._user_conv(user, bot, body)
        self._require_unblocked(user, bot, conv)
        content, raw = self._result_content(result)
        content["via_bot"] = bot.user
        inline_id = None
        if result.get("reply_markup"):
            content["reply_markup"] = result["reply_markup"]
            inline_id = self.state.next_inline_message_id()
        chosen: JSON = {"result_id": result_id, "from": user.data, "query": record.query}
        if inline_id:
            chosen["inline_message_id"] = inline_id
        bot.enqueue("chosen_inline_result", chosen, user.id)
        sm = self.state.new_message(
            conv,
            content,
            from_user=None if conv.chat.type == "channel" else user.data,
            raw_text=raw,
        )
        if inline_id:
            sm.inline_message_id = inline_id
            key = (conv.bot_id, conv.chat.id)
            bot.inline_messages[inline_id] = (key, sm.message_id)
        self.state.deliver_message(conv, sm)
        return {"message": sm.envelope(), "seq": conv.seq, "inline_message_id": inline_id}

    def _result_content(self, result: JSON) -> tuple[JSON, str | None]:
        imc = result.get("input_message_content")
        if isinstance(imc, dict):
            if "message_text" in imc:
                plain, entities = formatting.parse(imc["message_text"], imc.get("parse_mode"))
                out: JSON = {"text": plain}
                if entities:
                    out["entities"] = entities
                return out, imc["message_text"]
            if "phone_number" in imc:
                return {"contact": {k: v for k, v in imc.items() if v is not None}}, None
            if "latitude" in imc:
                loc = {"latitude": imc["latitude"], "longitude": imc["longitude"]}
                if "title" in imc:
                    venue = {
                        "location": loc,
                        "title": imc["title"],
                        "address": imc.get("address", ""),
                    }
                    return {"venue": venue, "location": loc}, None
                return {"location": loc}, None
            raise ControlError(400, "unsupported input_message_content")
        kind = str(result.get("type"))
        kind = {"gif": "animation", "mpeg4_gif": "animation"}.get(kind, kind)
        if kind in ("location", "venue"):
            loc = {"latitude": result["latitude"], "longitude": result["longitude"]}
            if kind == "venue":
                return {
                    "venue": {
                        "location": loc,
                        "title": result["title"],
                        "address": result["address"],
                    },
                    "location": loc,
                }, None
            return {"location": loc}, None
        if kind == "contact":
            return {
                "contact": {
                    "phone_number": result["phone_number"],
                    "first_name": result["first_name"],
                }
            }, None
        file_id = result.get(f"{result['type']}_file_id")
        url = result.get(f"{result['type']}_url")
        if kind not in DEFAULT_NAMES or not (file_id or url):
            raise ControlError(400, f"unsupported inline result type {result.get('type')!r}")
        value = file_id or url
        stored = self.botapi._resolve_file(value, {}, kind, kind)
        content: JSON = {kind: self.botapi._media_object(kind, stored, Params(result))}
        caption, raw = self.botapi._caption(Params({}), result)
        content.update(caption)
        return content, raw

    # ------------------------------------------------------------------- block

    async def user_block(self, request: web.Request, body: JSON) -> Any:
        return self._set_blocked(self._user(request), self._bot(request, body), True)

    async def user_unblock(self, request: web.Request, body: JSON) -> Any:
        return self._set_blocked(self._user(request), self._bot(request, body), False)

    def _set_blocked(self, user: User, bot: BotState, blocked: bool) -> JSON:
        if (user.id in bot.blocked_by) != blocked:
            old, new = (
                (Member("member"), Member("kicked"))
                if blocked
                else (Member("kicked"), Member("member"))
            )
            if blocked:
                bot.blocked_by.add(user.id)
            else:
                bot.blocked_by.discard(user.id)
                bot.started.add(user.id)
            chat = self.state.chats[user.id]
            bot.enqueue(
                "my_chat_member", chat_member_updated(chat, user.data, bot.user, old, new), user.id
            )
        return {"blocked": blocked, "user_id": user.id, "bot_id": bot.id}

    # ------------------------------------------------------------------- chats

    async def list_chats(self, request: web.Request, body: JSON) -> Any:
        return [
            {**chat.data, "members": len([m for m in chat.members.values() if m.present])}
            for chat in self.state.chats.values()
        ]

    async def create_chat(self, request: web.Request, body: JSON) -> Any:
        chat_type = str(body.get("type") or "group")
        if chat_type not in ("group", "supergroup", "channel"):
            raise ControlError(400, "type must be group, supergroup or channel")
        chat = self.state.create_chat(
            chat_type, str(body.get("title") or "Group"), body.get("username")
        )
        creator_id = body.get("creator")
        admins = {int(x) for x in body.get("admins") or []}
        members = [int(x) for x in body.get("members") or []]
        if creator_id is not None:
            chat.members[int(creator_id)] = Member("creator")
        for uid in members + sorted(admins):
            if uid not in self.state.users:
                raise ControlError(404, f"user {uid} not found")
            if uid not in chat.members:
                chat.members[uid] = Member("administrator" if uid in admins else "member")
        everyone = members + sorted(admins)
        actor_id = (
            int(creator_id) if creator_id is not None else (everyone[0] if everyone else None)
        )
        bots = body.get("bots") or {}
        if body.get("bot_id") is not None:
            bots = {**bots, str(body["bot_id"]): body.get("bot_status", "member")}
        for raw_id, status in bots.items():
            self._change_member(chat, int(raw_id), str(status), actor_id, body.get("bot_rights"))
        return self._chat_info(chat)

    def _chat_info(self, chat: Chat) -> JSON:
        return {
            **chat.data,
            "members": {str(uid): m.status for uid, m in chat.members.items()},
            "migrated_to": chat.migrated_to,
        }

    def _change_member(
        self,
        chat: Chat,
        member_id: int,
        status: str,
        actor_id: int | None,
        rights: JSON | None = None,
    ) -> None:
        """Set a member's status with the updates and service messages Telegram produces."""
        if status not in ("creator", "administrator", "member", "restricted", "left", "kicked"):
            raise ControlError(400, f"bad member status {status!r}")
        is_bot = member_id not in self.state.users
        subject = self.state.bot(member_id).user if is_bot else self.state.users[member_id].data
        actor = self.state.users[actor_id].data if actor_id in self.state.users else subject
        old = chat.members.get(member_id) or Member("left")
        if chat.type == "channel" and status == "administrator" and rights is None:
            rights = dict(CHANNEL_ADMIN_RIGHTS)
        new = Member(status, rights=rights)
        chat.members[member_id] = new
        channel = chat.type == "channel"
        if is_bot:
            self.state.bot(member_id).enqueue(
                "my_chat_member",
                chat_member_updated(chat, actor, subject, old, new, channel=channel),
                chat.id,
            )
        update = chat_member_updated(chat, actor, subject, old, new, channel=channel)
        for bot in self.state.bots_in(chat):
            if bot.id != member_id and self.state.is_admin(chat, bot.id):
                bot.enqueue("chat_member", update, chat.id)
        if channel or old.present == new.present:
            return
        conv = self.state.conversation(0, chat)
        service = {"new_chat_members": [subject]} if new.present else {"left_chat_member": subject}
        sm = self.state.new_message(conv, service, from_user=actor)
        self.state.deliver_message(conv, sm)

    async def set_member(self, request: web.Request, body: JSON) -> Any:
        chat = self._chat(request.match_info["chat_id"])
        if chat.type == "private":
            raise ControlError(400, "private chats have no member list")
        raw_id = body.get("user_id", body.get("bot_id"))
        member_id = _int(raw_id, "user_id")
        actor = body.get("by_user")
        self._change_member(
            chat,
            member_id,
            str(body.get("status") or "member"),
            int(actor) if actor else member_id,
            body.get("rights"),
        )
        return self._chat_info(chat)

    async def migrate_chat(self, request: web.Request, body: JSON) -> Any:
        old = self._chat(request.match_info["chat_id"])
        if old.type != "group" or old.migrated_to is not None:
            raise ControlError(400, "only a basic group can be migrated (once)")
        new = self.state.create_chat("supergroup", old.title or "Group")
        new.members = {uid: Member(m.status, m.rights) for uid, m in old.members.items()}
        new.migrated_from = old.id
        old.migrated_to = new.id
        actor = next((uid for uid, m in old.members.items() if m.status == "creator"), None)
        actor_json = self.state.users[actor].data if actor in self.state.users else None
        old_conv = self.state.conversation(0, old)
        sm = self.state.new_message(old_conv, {"migrate_to_chat_id": new.id}, from_user=actor_json)
        self.state.deliver_message(old_conv, sm)
        new_conv = self.state.conversation(0, new)
        sm = self.state.new_message(
            new_conv, {"migrate_from_chat_id": old.id}, from_user=actor_json
        )
        self.state.deliver_message(new_conv, sm)
        return self._chat_info(new)

    def _conv_for_view(self, request: web.Request, chat_id: str | None = None) -> Conversation:
        chat = self._chat(chat_id if chat_id is not None else request.match_info["chat_id"])
        if chat.type == "private":
            return self.state.conversation(self._bot(request).id, chat)
        return self.state.conversation(0, chat)

    async def get_chat(self, request: web.Request, body: JSON) -> Any:
        conv = self._conv_for_view(request)
        limit = _int(request.query.get("limit"), "limit", 0)
        messages = list(conv.messages.values())
        if limit > 0:
            messages = messages[-limit:]
        return {
            "chat": self._chat_info(conv.chat),
            "messages": [sm.envelope() for sm in messages],
            "reply_keyboard": conv.reply_keyboard,
            "last_action": conv.last_action,
            "seq": conv.seq,
        }

    async def wait_chat(self, request: web.Request, body: JSON) -> Any:
        conv = self._conv_for_view(request)
        after = _int(request.query.get("after"), "after", 0)
        timeout = min(_num(request.query.get("timeout"), "timeout", 0.0), MAX_WAIT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while conv.seq <= after and loop.time() < deadline and not self.state.closing:
            await conv.waiters.wait(deadline - loop.time())
        return {"events": [_event_json(e) for e in conv.events_after(after)], "seq": conv.seq}

    async def stream_chats(self, request: web.Request) -> web.StreamResponse:
        """Several chats' events as one Server-Sent Events stream (``text/event-stream``).

        One stream for the whole page: a browser keeps only six connections to a host,
        so a stream per chat pane would leave none for the page's own requests.
        ``?chats=<chat_id>:<seq>,...`` names the chats and the last event seen of each;
        every event is ``data: {"chat_id", "event"}`` (the event as in ``/wait``) with
        ``id:`` the cursor in that same form, so a reconnecting EventSource resumes
        from its ``Last-Event-ID``. When the histories are dropped (reset), or the
        client has seen more than a chat holds (the emulator restarted), an
        ``event: reset`` ends the stream.
        """
        try:
            cursor: dict[int, int] = {}
            convs: dict[int, Conversation] = {}
            raw = request.headers.get("Last-Event-ID") or request.query.get("chats", "")
            for part in filter(None, raw.split(",")):
                raw_id, _, after = part.partition(":")
                conv = self._conv_for_view(request, raw_id)
                convs[conv.chat.id] = conv
                cursor[conv.chat.id] = _int(after or "0", "chats", 0)
        except ControlError as exc:
            return _control_error(exc.status, exc.message)
        generation = self.state.generation
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        try:
            await response.prepare(request)
            await response.write(b"retry: 1000\n\n")
            await self._follow(response, convs, cursor, generation)
        except ConnectionResetError:  # the page went away (closed, reloaded, restreamed)
            pass
        return response

    async def _follow(
        self,
        response: web.StreamResponse,
        convs: dict[int, Conversation],
        cursor: dict[int, int],
        generation: int,
    ) -> None:
        """Writes the chats' events after ``cursor`` as they come, until a reset (or the
        histories' ``generation`` changed) or a stop."""
        while not self.state.closing:
            # A restarted emulator's history is shorter than what the client saw.
            if self.state.generation != generation or any(
                after > convs[chat_id].seq for chat_id, after in cursor.items()
            ):
                await response.write(b"event: reset\ndata: {}\n\n")
                break
            sent = False
            for chat_id, conv in convs.items():
                for event in conv.events_after(cursor[chat_id]):
                    cursor[chat_id] = event[0]
                    data = dumps({"chat_id": chat_id, "event": _event_json(event)})
                    mark = ",".join(f"{chat}:{seq}" for chat, seq in cursor.items())
                    await response.write(f"id: {mark}\ndata: {data}\n\n".encode())
                    sent = True
            if sent:
                continue
            # taken with no await since the check above: no change can slip between
            changes: list[asyncio.Future[Any]] = [
                asyncio.ensure_future(c.waiters.event().wait()) for c in convs.values()
            ]
            if not changes:  # no chats: only the keep-alive
                changes.append(asyncio.ensure_future(asyncio.sleep(SSE_KEEPALIVE)))
            try:
                done, _ = await asyncio.wait(
                    changes, timeout=SSE_KEEPALIVE, return_when=asyncio.FIRST_COMPLETED
                )
            finally:  # also when the page went away and this handler is cancelled
                for task in changes:
                    task.cancel()
            if not done:
                await response.write(b": keep-alive\n\n")

    # --------------------------------------------------------------- callbacks

    async def list_callbacks(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        older_than = _num(request.query.get("older_than"), "older_than", 0.0)
        only_unanswered = request.query.get("unanswered", "1") not in ("0", "false")
        source = bot.unanswered if only_unanswered else bot.callbacks
        now = time.monotonic()
        return [r.to_dict() for r in source.values() if now - r.created >= older_than]

    async def wait_all_callbacks(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        timeout = min(_num(request.query.get("timeout"), "timeout", 0.0), MAX_WAIT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while bot.unanswered and loop.time() < deadline and not self.state.closing:
            await bot.callback_waiters.wait(deadline - loop.time())
        return [r.to_dict() for r in bot.unanswered.values()]

    async def get_callback(self, request: web.Request, body: JSON) -> Any:
        bot = self._bot(request)
        record = bot.callbacks.get(request.match_info["query_id"])
        if record is None:
            raise ControlError(404, "callback query not found")
        wait = _num(request.query.get("wait"), "wait", 0.0)
        if wait > 0 and not record.answered:
            record.event = record.event or asyncio.Event()
            await _wait_event(record.event, wait)
        return record.to_dict()

    # ------------------------------------------------------ rate limits, faults

    async def get_rate_limits(self, request: web.Request, body: JSON) -> Any:
        bot_id = request.query.get("bot_id")
        bot = self.state.bot(_int(bot_id, "bot_id")) if bot_id else None
        return {
            "enabled": self.state.rate_limits_enabled
            if bot is None
            else self.state.rate_limited(bot),
            "config": self.state.limiter.config.to_dict(),
            "stats": self.state.limiter.stats(bot.id if bot else None),
        }

    async def put_rate_limits(self, request: web.Request, body: JSON) -> Any:
        if body.get("bot_id") is not None:
            bot = self.state.bot(_int(body["bot_id"], "bot_id"))
            if "enabled" in body:
                bot.rate_limits = None if body["enabled"] is None else bool(body["enabled"])
        elif "enabled" in body:
            self.state.rate_limits_enabled = bool(body["enabled"])
        config = body.get("config") or {
            k: v for k, v in body.items() if k not in ("enabled", "bot_id")
        }
        if config:
            try:
                self.state.limiter.config.update(config)
            except (TypeError, ValueError):
                raise ControlError(400, "rate limit values must be numbers") from None
            self.state.limiter.reset_buckets()
        return await self.get_rate_limits(request, body)

    async def reset_rate_limits(self, request: web.Request, body: JSON) -> Any:
        self.state.limiter.reset()
        return True

    async def list_faults(self, request: web.Request, body: JSON) -> Any:
        return [f.to_dict() for f in self.state.faults]

    async def add_fault(self, request: web.Request, body: JSON) -> Any:
        method = str(body.get("method") or "").lower()
        if not method:
            raise ControlError(400, "method is required ('*' for any)")
        error_code = body.get("error_code")
        delay = _num(body.get("delay"), "delay", 0.0)
        if error_code is None and delay <= 0:
            raise ControlError(400, "give error_code and/or delay")
        fault = self.state.add_fault(
            method=method,
            bot_id=None if body.get("bot_id") is None else _int(body["bot_id"], "bot_id"),
            remaining=_int(body.get("count"), "count", 1),
            error_code=None if error_code is None else _int(error_code, "error_code"),
            description=body.get("description"),
            retry_after=None
            if body.get("retry_after") is None
            else _int(body["retry_after"], "retry_after"),
            migrate_to_chat_id=None
            if body.get("migrate_to_chat_id") is None
            else _int(body["migrate_to_chat_id"], "migrate_to_chat_id"),
            delay=delay,
        )
        return fault.to_dict()

    async def clear_faults(self, request: web.Request, body: JSON) -> Any:
        bot_id = request.query.get("bot_id")
        if bot_id:
            self.state.faults[:] = [f for f in self.state.faults if f.bot_id != int(bot_id)]
        else:
            self.state.faults.clear()
        return True

    async def delete_fault(self, request: web.Request, body: JSON) -> Any:
        fault_id = _int(request.match_info["fault_id"], "fault_id")
        self.state.faults[:] = [f for f in self.state.faults if f.id != fault_id]
        return True

    async def get_file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            return _control_error(404, "file not found")
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )


# ------------------------------------------------------------------ helpers


def _control_error(status: int, message: str) -> web.Response:
    return web.Response(
        body=dumps({"ok": False, "error": message}).encode(),
        status=status,
        content_type="application/json",
    )


def _location(body: JSON, *, default: bool = False) -> JSON:
    lat, lon = body.get("latitude"), body.get("longitude")
    if lat is None and lon is None and default:
        lat, lon = DEFAULT_LOCATION
    return {"latitude": _num(lat, "latitude"), "longitude": _num(lon, "longitude")}


async def _wait_event(event: asyncio.Event, seconds: float) -> None:
    if seconds <= 0 or event.is_set():
        return
    try:
        async with asyncio.timeout(min(seconds, MAX_WAIT)):
            await event.wait()
    except TimeoutError:
        pass


def _inline_json(record: InlineQueryRecord) -> JSON:
    return {
        "inline_query_id": record.id,
        "query": record.query,
        "offset": record.offset,
        "answered": record.answered,
        "answer": record.answer,
    }


def resolve_commands(state: EmulatorState, bot: BotState, chat: Chat, user: User) -> list[JSON]:
    """The command list a user sees in ``chat``, following Telegram's scope order."""
    lang = user.language_code or ""
    if chat.type == "private":
        scopes: list[tuple[Any, ...]] = [("chat", chat.id), ("all_private_chats",), ("default",)]
    else:
        admin = state.is_admin(chat, user.id)
        scopes = [("chat_member", chat.id, user.id)]
        if admin:
            scopes.append(("chat_administrators", chat.id))
        scopes.append(("chat", chat.id))
        if admin:
            scopes.append(("all_chat_administrators",))
        scopes += [("all_group_chats",), ("default",)]
    for scope in scopes:
        for code in (lang, ""):
            commands = bot.commands.get((scope, code))
            if commands:
                return commands
    return []
