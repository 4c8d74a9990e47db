"""Python client of the emulator's control API: act as Telegram users in tests.

    emu = EmulatorClient(base_url, bot_token)
    alice = await emu.create_user(first_name="Alice", language_code="ru")
    await alice.send_command("start")
    msg = await alice.expect(r"Choose a language")
    await alice.press("Русский")
    await emu.assert_all_callbacks_answered()

Waiting is event-driven: :meth:`UserClient.expect` long-polls the emulator,
which answers as soon as the bot posts or edits a message.

Cursor rule: every user action in a chat moves that user's cursor in the chat
to "now", and ``expect`` returns the first bot message (new or edited) after
the cursor that matches, then moves the cursor to it. So ``expect`` after an
action only sees the bot's reaction to it, and consecutive ``expect`` calls
walk forward through the bot's messages.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.emulator.files import sample_bytes

JSON = dict[str, Any]
Matcher = str | re.Pattern[str] | Callable[["Message"], bool] | None
_OWN = object()  # sentinel: "the sender's own contact"
_DEEP_LINK_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class EmulatorError(Exception):
    """The control API refused a request (wrong button, user not in chat, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


# --------------------------------------------------------------------- views


class Message:
    """A message as the user sees it (edits applied)."""

    def __init__(self, envelope: JSON, *, kind: str = "new", seq: int | None = None) -> None:
        self.envelope = envelope
        self.raw: JSON = envelope.get("message") or {}
        self.kind = kind  # "new" or "edit" (for messages returned by expect)
        self.seq = seq

    # identity
    @property
    def message_id(self) -> int:
        return int(self.raw["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.raw["chat"]["id"])

    @property
    def date(self) -> int:
        return int(self.raw.get("date", 0))

    @property
    def from_bot(self) -> bool:
        return bool(self.envelope.get("from_bot"))

    @property
    def from_user(self) -> JSON | None:
        return self.raw.get("from")

    @property
    def edited(self) -> bool:
        return bool(self.envelope.get("edited")) or "edit_date" in self.raw

    # content
    @property
    def text(self) -> str | None:
        return self.raw.get("text")

    @property
    def caption(self) -> str | None:
        return self.raw.get("caption")

    @property
    def content(self) -> str:
        """Text or caption ("" when neither) — what ``expect`` patterns match against."""
        return self.raw.get("text") or self.raw.get("caption") or ""

    @property
    def raw_text(self) -> str | None:
        """The text/caption exactly as the bot sent it (before parse_mode)."""
        return self.envelope.get("raw_text")

    @property
    def parse_mode(self) -> str | None:
        return self.envelope.get("parse_mode")

    @property
    def entities(self) -> list[JSON]:
        return self.raw.get("entities") or self.raw.get("caption_entities") or []

    @property
    def photo(self) -> list[JSON] | None:
        return self.raw.get("photo")

    @property
    def document(self) -> JSON | None:
        return self.raw.get("document")

    @property
    def video(self) -> JSON | None:
        return self.raw.get("video")

    @property
    def voice(self) -> JSON | None:
        return self.raw.get("voice")

    @property
    def location(self) -> JSON | None:
        return self.raw.get("location")

    @property
    def venue(self) -> JSON | None:
        return self.raw.get("venue")

    @property
    def contact(self) -> JSON | None:
        return self.raw.get("contact")

    @property
    def media_group_id(self) -> str | None:
        return self.raw.get("media_group_id")

    @property
    def via_bot(self) -> JSON | None:
        return self.raw.get("via_bot")

    @property
    def forward_origin(self) -> JSON | None:
        return self.raw.get("forward_origin")

    @property
    def file_id(self) -> str | None:
        """file_id of the media (largest photo size for photos)."""
        if self.photo:
            return str(self.photo[-1]["file_id"])
        for kind in ("document", "video", "voice", "audio", "animation", "video_note", "sticker"):
            media = self.raw.get(kind)
            if media:
                return str(media["file_id"])
        return None

    # keyboards
    @property
    def reply_markup(self) -> JSON | None:
        return self.raw.get("reply_markup")

    @property
    def inline_buttons(self) -> list[list[tuple[str, str | None]]]:
        """Rows of (text, callback_data or url or other action value)."""
        markup = self.raw.get("reply_markup") or {}
        return [
            [(b["text"], _button_value(b)) for b in row]
            for row in markup.get("inline_keyboard", [])
        ]

    @property
    def buttons(self) -> list[JSON]:
        """All inline buttons, flattened (raw dicts)."""
        markup = self.raw.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, text: str) -> JSON | None:
        return next((b for b in self.buttons if b["text"] == text), None)

    def has_button(self, text: str) -> bool:
        return self.button(text) is not None

    @property
    def reply_keyboard_markup(self) -> JSON | None:
        """The ReplyKeyboardMarkup / ReplyKeyboardRemove / ForceReply sent with this message."""
        return self.envelope.get("reply_keyboard")

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Button texts of a reply keyboard attached to this message."""
        markup = self.envelope.get("reply_keyboard") or {}
        rows = markup.get("keyboard")
        return [[b["text"] for b in row] for row in rows] if rows else None

    @property
    def force_reply(self) -> bool:
        return bool((self.envelope.get("reply_keyboard") or {}).get("force_reply"))

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        edited = " edited" if self.edited else ""
        body = self.content or next((k for k in self.raw if k in _MEDIA_KEYS), "?")
        return f"<Message #{self.message_id} {who}{edited}: {body[:80]!r}>"


_MEDIA_KEYS = (
    "photo",
    "document",
    "video",
    "voice",
    "audio",
    "location",
    "venue",
    "contact",
    "sticker",
)


def _button_value(button: JSON) -> str | None:
    for key in ("callback_data", "url", "switch_inline_query_current_chat", "switch_inline_query"):
        if key in button:
            return str(button[key])
    copy = button.get("copy_text")
    if isinstance(copy, dict):
        return str(copy.get("text"))
    web_app = button.get("web_app")
    if isinstance(web_app, dict):
        return str(web_app.get("url"))
    return None


@dataclass
class ChatView:
    """A chat as the user sees it right now."""

    chat: JSON
    messages: list[Message]
    reply_keyboard_markup: JSON | None
    seq: int
    last_action: JSON | None = None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        rows = (self.reply_keyboard_markup or {}).get("keyboard")
        return [[b["text"] for b in row] for row in rows] if rows else None

    @property
    def bot_messages(self) -> list[Message]:
        return [m for m in self.messages if m.from_bot]

    @property
    def last_bot_message(self) -> Message | None:
        return next((m for m in reversed(self.messages) if m.from_bot), None)


@dataclass
class PressResult:
    """Outcome of pressing an inline button."""

    action: str  # "callback_data", "url", "switch_inline_query_current_chat", ...
    value: Any
    message_id: int | None = None
    callback_query_id: str | None = None
    answered: bool = False
    text: str | None = None  # answerCallbackQuery text (toast / alert)
    show_alert: bool = False
    url: str | None = None


@dataclass
class InlineAnswer:
    inline_query_id: str
    query: str
    answered: bool
    results: list[JSON]
    raw: JSON | None = None

    def result(self, result_id: str) -> JSON:
        for item in self.results:
            if str(item.get("id")) == result_id:
                return item
        raise KeyError(result_id)

    @property
    def titles(self) -> list[str]:
        return [str(r.get("title", "")) for r in self.results]


@dataclass
class GroupChat:
    """A group, supergroup or channel created through the control API."""

    id: int
    type: str
    title: str
    data: JSON


def _chat_id(chat: Any, default: int) -> int:
    if chat is None:
        return default
    if isinstance(chat, int):
        return chat
    return int(chat.id)


# -------------------------------------------------------------------- client


class EmulatorClient:
    """Connection to one emulator, acting on behalf of one bot (by its token)."""

    def __init__(
        self, base_url: str, bot_token: str, *, session: aiohttp.ClientSession | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.bot_token = bot_token
        self.bot_id = int(bot_token.split(":", 1)[0])
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def call(
        self,
        method: str,
        path: str,
        body: JSON | None = None,
        *,
        params: JSON | None = None,
        wait: float = 0.0,
    ) -> Any:
        """Raw control API call: returns ``result`` or raises :class:`EmulatorError`."""
        url = f"{self.base_url}/sandbox/api{path}"
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        timeout = aiohttp.ClientTimeout(total=wait + 30.0)
        async with self._http().request(
            method, url, json=body, params=query, timeout=timeout
        ) as resp:
            raw = await resp.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            raise EmulatorError(resp.status, raw.decode(errors="replace")[:200]) from None
        if not isinstance(payload, dict) or not payload.get("ok"):
            raise EmulatorError(resp.status, str(payload.get("error")))
        return payload.get("result")

    # ---------------------------------------------------------------- users

    async def create_user(
        self,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        user_id: int | None = None,
        is_premium: bool = False,
        phone_number: str | None = None,
        started: bool = False,
    ) -> UserClient:
        """Create (or update, when ``user_id`` exists) a user. ``started=True`` lets the bot
        message them before they ever wrote to it."""
        data = await self.call(
            "POST",
            "/users",
            {
                "id": user_id,
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
                "is_premium": is_premium,
                "phone_number": phone_number,
                "started": started,
                "bot_id": self.bot_id,
            },
        )
        return UserClient(self, data)

    async def user(self, user_id: int) -> UserClient:
        """A client for an existing user."""
        return UserClient(self, await self.call("GET", f"/users/{user_id}"))

    # ---------------------------------------------------------------- chats

    async def create_group(
        self,
        title: str = "Group",
        members: Sequence[UserClient | int] = (),
        *,
        admins: Sequence[UserClient | int] = (),
        creator: UserClient | int | None = None,
        bot_status: str | None = "member",
        supergroup: bool = False,
        username: str | None = None,
    ) -> GroupChat:
        """A (super)group with members; the bot joins with ``bot_status`` (None = not in it)."""
        ids = [_chat_id(m, 0) for m in members]
        owner = _chat_id(creator, 0) if creator is not None else (ids[0] if ids else None)
        data = await self.call(
            "POST",
            "/chats",
            {
                "type": "supergroup" if supergroup else "group",
                "title": title,
                "username": username,
                "creator": owner,
                "members": ids,
                "admins": [_chat_id(a, 0) for a in admins],
                "bots": {str(self.bot_id): bot_status} if bot_status else {},
            },
        )
        return GroupChat(int(data["id"]), data["type"], title, data)

    async def create_channel(
        self,
        title: str = "Channel",
        owner: UserClient | int | None = None,
        *,
        members: Sequence[UserClient | int] = (),
        bot_status: str | None = "administrator",
        bot_rights: JSON | None = None,
        username: str | None = None,
    ) -> GroupChat:
        """A channel; by default the bot is an administrator allowed to post."""
        data = await self.call(
            "POST",
            "/chats",
            {
                "type": "channel",
                "title": title,
                "username": username,
                "creator": _chat_id(owner, 0) if owner is not None else None,
                "members": [_chat_id(m, 0) for m in members],
                "bots": {str(self.bot_id): bot_status} if bot_status else {},
                "bot_rights": bot_rights,
            },
        )
        return GroupChat(int(data["id"]), "channel", title, data)

    async def set_member(
        self,
        chat: GroupChat | int,
        member: UserClient | int | None = None,
        status: str = "member",
        *,
        by: UserClient | int | None = None,
        rights: JSON | None = None,
    ) -> JSON:
        """Add/promote/remove a user, or the bot itself when ``member`` is None."""
        member_id = self.bot_id if member is None else _chat_id(member, 0)
        return dict(
            await self.call(
                "POST",
                f"/chats/{_chat_id(chat, 0)}/members",
                {
                    "user_id": member_id,
                    "status": status,
                    "by_user": _chat_id(by, 0) if by is not None else None,
                    "rights": rights,
                },
            )
        )

    async def migrate_group(self, chat: GroupChat | int) -> GroupChat:
        data = await self.call("POST", f"/chats/{_chat_id(chat, 0)}/migrate")
        return GroupChat(int(data["id"]), "supergroup", str(data.get("title", "")), data)

    async def chat(self, chat: GroupChat | int) -> ChatView:
        return _chat_view(
            await self.call("GET", f"/chats/{_chat_id(chat, 0)}", params={"bot_id": self.bot_id})
        )

    async def download(self, file_id: str) -> bytes:
        url = f"{self.base_url}/sandbox/api/files/{urllib.parse.quote(file_id)}"
        async with self._http().get(url) as resp:
            if resp.status != 200:
                raise EmulatorError(resp.status, "file not found")
            return await resp.read()

    # ------------------------------------------------------------ callbacks

    async def unanswered_callbacks(self, older_than: float = 0.0) -> list[JSON]:
        """Callback queries the bot has not answered (optionally only those older than N s)."""
        return list(
            await self.call(
                "GET", "/callbacks", params={"bot_id": self.bot_id, "older_than": older_than}
            )
        )

    async def assert_all_callbacks_answered(self, grace: float = 2.0) -> None:
        """Wait up to ``grace`` s for pending callback answers, then fail listing the rest."""
        pending = await self.call(
            "GET",
            "/callbacks/wait_all",
            params={"bot_id": self.bot_id, "timeout": grace},
            wait=grace,
        )
        if pending:
            lines = [
                f"  query {p['id']}: data={p['data']!r} user={p['user_id']} "
                f"chat={p['chat_id']} message={p['message_id']} age={p['age']}s"
                for p in pending
            ]
            raise AssertionError(
                f"{len(pending)} button press(es) never answered with answerCallbackQuery:\n"
                + "\n".join(lines)
            )

    # ---------------------------------------------------- limits and faults

    async def set_rate_limits(
        self, enabled: bool, *, all_bots: bool = False, **config: float
    ) -> JSON:
        """Switch flood limits for this bot (or emulator-wide); ``config`` tunes the limits
        (per_bot_per_sec, private_per_sec, private_burst, group_per_min, ...)."""
        body: JSON = {"enabled": enabled, **config}
        if not all_bots:
            body["bot_id"] = self.bot_id
        return dict(await self.call("PUT", "/rate_limits", body))

    async def rate_limit_stats(self) -> JSON:
        data = await self.call("GET", "/rate_limits", params={"bot_id": self.bot_id})
        return dict(data["stats"])

    async def reset_rate_limits(self) -> None:
        await self.call("POST", "/rate_limits/reset")

    async def inject_fault(
        self,
        method: str,
        *,
        count: int = 1,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        delay: float | None = None,
        all_bots: bool = False,
    ) -> JSON:
        """Make the next ``count`` calls of ``method`` ("*" = any) fail and/or be delayed."""
        return dict(
            await self.call(
                "POST",
                "/faults",
                {
                    "method": method,
                    "count": count,
                    "error_code": error_code,
                    "description": description,
                    "retry_after": retry_after,
                    "migrate_to_chat_id": migrate_to_chat_id,
                    "delay": delay,
                    "bot_id": None if all_bots else self.bot_id,
                },
            )
        )

    async def clear_faults(self) -> None:
        await self.call("DELETE", "/faults", params={"bot_id": self.bot_id})

    # ----------------------------------------------------------------- misc

    async def bot_info(self) -> JSON:
        """Server-side view of the bot: webhook, pending updates, counters, ..."""
        return dict(await self.call("GET", f"/bots/{self.bot_id}"))

    async def commands(self) -> list[JSON]:
        """Every command list the bot has set, with its scope and language."""
        data = await self.call("GET", f"/bots/{self.bot_id}/commands")
        return list(data["all"])

    async def reset(self) -> None:
        """Forget the whole emulated world (all bots!)."""
        await self.call("POST", "/reset")


class UserClient:
    """Acts as one Telegram user."""

    def __init__(self, emu: EmulatorClient, data: JSON) -> None:
        self.emu = emu
        self.data = data
        self.id = int(data["id"])
        self._cursors: dict[int, int] = {}

    @property
    def first_name(self) -> str:
        return str(self.data.get("first_name", ""))

    @property
    def last_name(self) -> str | None:
        return self.data.get("last_name")

    @property
    def username(self) -> str | None:
        return self.data.get("username")

    @property
    def language_code(self) -> str | None:
        return self.data.get("language_code")

    @property
    def chat_id(self) -> int:
        """Id of the user's private chat with the bot (equals the user id)."""
        return self.id

    def __repr__(self) -> str:
        return f"<UserClient {self.id} {self.first_name!r}>"

    # ------------------------------------------------------------- sending

    async def _act(self, path: str, body: JSON, chat: Any) -> JSON:
        chat_id = _chat_id(chat, self.id)
        body = {**body, "bot_id": self.emu.bot_id, "chat_id": chat_id}
        result = dict(await self.emu.call("POST", f"/users/{self.id}/{path}", body))
        if "seq" in result:
            self._cursors[chat_id] = int(result["seq"])
        return result

    async def _send(self, body: JSON, chat: Any, reply_to: Message | int | None = None) -> Message:
        if reply_to is not None:
            body["reply_to_message_id"] = (
                reply_to.message_id if isinstance(reply_to, Message) else int(reply_to)
            )
        result = await self._act("send", body, chat)
        return Message(result["message"])

    async def send_text(
        self,
        text: str,
        *,
        chat: Any = None,
        reply_to: Message | int | None = None,
        parse_mode: str | None = None,
    ) -> Message:
        """``parse_mode`` (``HTML``, ``MarkdownV2``): the text as formatted in a client
        (bold, italic, links), arriving with its entities like a real user's message."""
        body: JSON = {"kind": "text", "text": text}
        if parse_mode:
            body["parse_mode"] = parse_mode
        return await self._send(body, chat, reply_to)

    async def send_command(
        self, command: str, payload: str | None = None, *, chat: Any = None
    ) -> Message:
        """``/command`` (``/start CODE`` for a deep link payload)."""
        command = command.lstrip("/")
        if payload is not None and command == "start" and not _DEEP_LINK_PAYLOAD.match(payload):
            raise ValueError(
                f"invalid deep-link payload {payload!r}: Telegram allows 1-64 of A-Z a-z 0-9 _ -"
            )
        text = f"/{command}" + (f" {payload}" if payload else "")
        return await self._send({"kind": "text", "text": text}, chat)

    async def open_deep_link(self, link: str) -> Message:
        """Follow a ``https://t.me/<bot>?start=<payload>`` link: sends ``/start <payload>``."""
        parsed = urllib.parse.urlparse(link)
        username = parsed.path.strip("/")
        expected = (await self.emu.bot_info())["user"]["username"]
        if username.lower() != str(expected).lower():
            raise AssertionError(f"deep link points to @{username}, the bot is @{expected}")
        payload = urllib.parse.parse_qs(parsed.query).get("start", [None])[0]
        return await self.send_command("start", payload)

    async def send_contact(
        self,
        phone_number: str | None = None,
        *,
        user_id: Any = _OWN,
        first_name: str | None = None,
        last_name: str | None = None,
        chat: Any = None,
    ) -> Message:
        """Share a contact: by default the sender's own (``contact.user_id`` = sender);
        pass another ``user_id`` (or None for a non-Telegram contact) to share someone else's."""
        body: JSON = {
            "kind": "contact",
            "phone_number": phone_number,
            "contact_user_id": self.id if user_id is _OWN else user_id,
        }
        if first_name:
            body["first_name"] = first_name
        if last_name:
            body["last_name"] = last_name
        return await self._send(body, chat)

    async def share_contact(self, phone_number: str | None = None, *, chat: Any = None) -> Message:
        return await self.send_contact(phone_number, chat=chat)

    async def send_location(
        self, latitude: float, longitude: float, *, chat: Any = None
    ) -> Message:
        return await self._send(
            {"kind": "location", "latitude": latitude, "longitude": longitude}, chat
        )

    async def send_venue(
        self, latitude: float, longitude: float, title: str, address: str, *, chat: Any = None
    ) -> Message:
        return await self._send(
            {
                "kind": "venue",
                "latitude": latitude,
                "longitude": longitude,
                "title": title,
                "address": address,
            },
            chat,
        )

    async def send_media(
        self,
        kind: str,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        chat: Any = None,
        reply_to: Message | int | None = None,
        **extra: Any,
    ) -> Message:
        """Any media kind (photo, document, video, voice, audio, animation, video_note,
        sticker); ``extra`` carries file_name, mime_type, duration, ..."""
        return await self._send_file(kind, data, chat, reply_to, caption=caption, **extra)

    async def _send_file(
        self,
        kind: str,
        data: bytes | None,
        chat: Any,
        reply_to: Message | int | None = None,
        **extra: Any,
    ) -> Message:
        body: JSON = {
            "kind": kind,
            "data_b64": base64.b64encode(data or sample_bytes(kind)).decode(),
        }
        body.update({k: v for k, v in extra.items() if v is not None})
        return await self._send(body, chat, reply_to)

    async def send_photo(
        self,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        chat: Any = None,
        reply_to: Message | int | None = None,
    ) -> Message:
        return await self._send_file("photo", data, chat, reply_to, caption=caption)

    async def send_document(
        self,
        data: bytes | None = None,
        *,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: Any = None,
    ) -> Message:
        return await self._send_file(
            "document", data, chat, file_name=file_name, mime_type=mime_type, caption=caption
        )

    async def send_video(
        self,
        data: bytes | None = None,
        *,
        caption: str | None = None,
        duration: int = 3,
        chat: Any = None,
    ) -> Message:
        return await self._send_file("video", data, chat, caption=caption, duration=duration)

    async def send_voice(
        self, data: bytes | None = None, *, duration: int = 2, chat: Any = None
    ) -> Message:
        return await self._send_file("voice", data, chat, duration=duration)

    async def send_album(
        self,
        items: int | Sequence[bytes | JSON] = 2,
        *,
        caption: str | None = None,
        kind: str = "photo",
        chat: Any = None,
    ) -> list[Message]:
        """An album (one media_group_id, one message per item). ``items`` is a count, a list
        of bytes, or a list of ``{"kind", "data", "caption", "file_name"}`` dicts."""
        entries: list[JSON] = []
        for item in range(items) if isinstance(items, int) else items:
            if isinstance(item, dict):
                entry = {k: v for k, v in item.items() if k != "data"}
                entry.setdefault("kind", kind)
                raw = item.get("data") or sample_bytes(entry["kind"])
            else:
                entry = {"kind": kind}
                raw = item if isinstance(item, bytes) else sample_bytes(kind)
            entry["data_b64"] = base64.b64encode(raw).decode()
            entries.append(entry)
        result = await self._act(
            "send", {"kind": "album", "items": entries, "caption": caption}, chat
        )
        return [Message(m) for m in result["messages"]]

    async def edit_message(self, message: Message | int, text: str, *, chat: Any = None) -> Message:
        """Edit one of the user's own messages (the bot gets an edited_message update)."""
        mid = message.message_id if isinstance(message, Message) else int(message)
        result = await self._act("edit", {"message_id": mid, "text": text}, chat)
        return Message(result["message"])

    # ------------------------------------------------------------- buttons

    async def press(
        self,
        text: str | None = None,
        *,
        data: str | None = None,
        message: Message | int | None = None,
        chat: Any = None,
        wait_answer: bool = True,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test API
    ) -> PressResult:
        """Press an inline button by its text (exact, else case-insensitive/substring) or by
        its callback ``data``, on ``message`` or the latest bot message that has it.

        With ``wait_answer`` (default) waits until the bot calls answerCallbackQuery and
        raises ``AssertionError("button press was never answered ...")`` after ``timeout``.
        """
        body: JSON = {"text": text, "data": data, "wait_answer": timeout if wait_answer else 0}
        if message is not None:
            body["message_id"] = (
                message.message_id if isinstance(message, Message) else int(message)
            )
        result = await self._act("press", body, chat)
        answer = result.get("answer") or {}
        press = PressResult(
            action=str(result.get("action")),
            value=result.get("button", {}).get(result.get("action") or "", None),
            message_id=result.get("message_id"),
            callback_query_id=result.get("callback_query_id"),
            answered=bool(result.get("answered")),
            text=answer.get("text"),
            show_alert=bool(answer.get("show_alert")),
            url=answer.get("url"),
        )
        if press.callback_query_id and wait_answer and not press.answered:
            label = text if text is not None else f"data={data!r}"
            raise AssertionError(
                f"button press was never answered: {label!r} (callback query "
                f"{press.callback_query_id}, message {press.message_id}) within {timeout}s"
            )
        return press

    async def press_reply(
        self,
        text: str,
        *,
        latitude: float | None = None,
        longitude: float | None = None,
        phone_number: str | None = None,
        chat: Any = None,
    ) -> Message:
        """Press a reply-keyboard button: sends its text, or the user's contact/location
        when the button requests it."""
        body: JSON = {"text": text, "latitude": latitude, "longitude": longitude}
        if phone_number:
            body["phone_number"] = phone_number
        result = await self._act("reply_button", body, chat)
        return Message(result["message"])

    # -------------------------------------------------------------- inline

    async def inline_query(
        self,
        query: str,
        *,
        offset: str = "",
        chat_type: str = "sender",
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test API
    ) -> InlineAnswer:
        """Type ``@bot query``; returns the bot's answerInlineQuery results."""
        result = await self.emu.call(
            "POST",
            f"/users/{self.id}/inline_query",
            {
                "bot_id": self.emu.bot_id,
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
                "wait": timeout,
            },
            wait=timeout,
        )
        if not result["answered"]:
            raise AssertionError(f"inline query {query!r} was not answered within {timeout}s")
        answer = result["answer"]
        return InlineAnswer(
            inline_query_id=str(result["inline_query_id"]),
            query=query,
            answered=True,
            results=list(answer["results"]),
            raw=answer,
        )

    async def choose_inline_result(
        self, answer: InlineAnswer | str, result_id: str, *, chat: Any = None
    ) -> Message:
        """Pick a result: the bot gets chosen_inline_result and the message appears in
        ``chat`` (default: the private chat with the bot) with ``via_bot``."""
        query_id = answer.inline_query_id if isinstance(answer, InlineAnswer) else answer
        result = await self._act(
            "choose_inline_result", {"inline_query_id": query_id, "result_id": result_id}, chat
        )
        return Message(result["message"])

    # --------------------------------------------------------------- block

    async def block_bot(self) -> None:
        await self.emu.call("POST", f"/users/{self.id}/block", {"bot_id": self.emu.bot_id})

    async def unblock_bot(self) -> None:
        await self.emu.call("POST", f"/users/{self.id}/unblock", {"bot_id": self.emu.bot_id})

    # ------------------------------------------------------------- reading

    async def chat(self, chat: Any = None) -> ChatView:
        chat_id = _chat_id(chat, self.id)
        return _chat_view(
            await self.emu.call("GET", f"/chats/{chat_id}", params={"bot_id": self.emu.bot_id})
        )

    async def messages(self, chat: Any = None) -> list[Message]:
        """Current messages of the chat (edits applied, deleted ones gone)."""
        return (await self.chat(chat)).messages

    async def last_message(self, chat: Any = None) -> Message | None:
        """The latest bot message of the chat (None if the bot said nothing)."""
        return (await self.chat(chat)).last_bot_message

    async def reply_keyboard(self, chat: Any = None) -> list[list[str]] | None:
        """Button texts of the reply keyboard currently shown (None when none)."""
        return (await self.chat(chat)).reply_keyboard

    async def visible_commands(self, chat: Any = None) -> list[JSON]:
        """The command menu this user sees (scope + language resolution as in Telegram)."""
        data = await self.emu.call(
            "GET",
            f"/bots/{self.emu.bot_id}/commands",
            params={"user_id": self.id, "chat_id": _chat_id(chat, self.id)},
        )
        return list(data.get("resolved") or [])

    async def mark(self, chat: Any = None) -> int:
        """Move the cursor to "now": later ``expect`` calls ignore everything before."""
        view = await self.chat(chat)
        self._cursors[_chat_id(chat, self.id)] = view.seq
        return view.seq

    async def expect(
        self,
        text_matching: Matcher = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test API
        chat: Any = None,
        include_edits: bool = True,
    ) -> Message:
        """The first bot message (new, or an edit of an earlier one) after the cursor that
        matches ``text_matching`` (regex searched in text/caption, or a predicate)."""
        chat_id = _chat_id(chat, self.id)
        predicate = _matcher(text_matching)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen: list[Message] = []
        while True:
            after = self._cursors.get(chat_id, 0)
            remaining = max(0.0, deadline - loop.time())
            data = await self.emu.call(
                "GET",
                f"/chats/{chat_id}/wait",
                params={"bot_id": self.emu.bot_id, "after": after, "timeout": round(remaining, 3)},
                wait=remaining,
            )
            for event in data["events"]:
                self._cursors[chat_id] = int(event["seq"])
                if event["kind"] == "delete" or not _bot_event(event, self.emu.bot_id):
                    continue
                if event["kind"] == "edit" and not include_edits:
                    continue
                if event.get("bot_id") not in (None, self.emu.bot_id):
                    continue
                msg = Message(event, kind=event["kind"], seq=int(event["seq"]))
                if predicate(msg):
                    return msg
                seen.append(msg)
            if loop.time() >= deadline:
                shown = "\n".join(f"  {m!r}" for m in seen[-10:]) or "  (none)"
                raise AssertionError(
                    f"no bot message matching {_describe(text_matching)} within {timeout}s "
                    f"in chat {chat_id}; bot messages seen meanwhile:\n{shown}"
                )

    async def expect_no_message(self, within: float = 0.5, *, chat: Any = None) -> None:
        """Assert the bot posts/edits nothing in the chat during ``within`` seconds."""
        try:
            msg = await self.expect(None, timeout=within, chat=chat)
        except AssertionError:
            return
        raise AssertionError(f"expected no bot message, got {msg!r}")


def _bot_event(event: JSON, bot_id: int) -> bool:
    """A message the bot posted, or an edit the bot made to a message sent via it (inline)."""
    if event.get("from_bot"):
        return True
    via = (event.get("message") or {}).get("via_bot") or {}
    return event["kind"] == "edit" and via.get("id") == bot_id


def _matcher(pattern: Matcher) -> Callable[[Message], bool]:
    if pattern is None:
        return lambda _m: True
    if callable(pattern) and not isinstance(pattern, re.Pattern):
        return lambda m: bool(pattern(m))
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, re.S)
    return lambda m: regex.search(m.content) is not None


def _describe(pattern: Matcher) -> str:
    if pattern is None:
        return "(any)"
    if isinstance(pattern, re.Pattern):
        return repr(pattern.pattern)
    if isinstance(pattern, str):
        return repr(pattern)
    return getattr(pattern, "__name__", "predicate")


def _chat_view(data: JSON) -> ChatView:
    return ChatView(
        chat=data["chat"],
        messages=[Message(e) for e in data["messages"]],
        reply_keyboard_markup=data.get("reply_keyboard"),
        seq=int(data["seq"]),
        last_action=data.get("last_action"),
    )
