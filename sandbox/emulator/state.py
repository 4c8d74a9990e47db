"""The emulated Telegram world: users, chats, messages, bots and their updates.

Everything lives in memory and is touched from one event loop only, so no locks
are needed: a mutation is atomic as long as it does not ``await``. Waiting is
event-driven (:class:`Waiters`) — long polls and the control API's ``wait``
endpoints sleep on asyncio events that are set when something happens.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import BOT_BLOCKED, CHAT_NOT_FOUND, ApiError, bad_request, forbidden
from .files import FileStore, StoredFile, photo_sizes
from .ratelimit import RateLimiter

JSON = dict[str, Any]


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def now_unix() -> int:
    return int(time.time())


ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# Telegram's default when allowed_updates is not specified (or empty).
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}

ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_pin_messages": True,
}
CHANNEL_ADMIN_RIGHTS: JSON = {**ADMIN_RIGHTS, "can_post_messages": True, "can_edit_messages": True}
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


class Waiters:
    """A "something changed" signal many coroutines can wait on.

    ``notify`` wakes everybody waiting right now; waiting again afterwards uses
    a fresh event, so there is no lost wake-up between a check and a wait as
    long as the caller checks its condition and calls :meth:`wait` without an
    ``await`` in between.
    """

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def event(self) -> asyncio.Event:
        """The event the next :meth:`notify` sets: to wait on several at once."""
        return self._event

    async def wait(self, seconds: float) -> bool:
        if seconds <= 0:
            return False
        event = self._event
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
        except TimeoutError:
            return False
        return True


# ------------------------------------------------------------------ entities


@dataclass(slots=True)
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool = False
    phone_number: str | None = None
    data: JSON = field(default_factory=dict)

    def refresh(self) -> None:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        if self.is_premium:
            data["is_premium"] = True
        self.data = data


@dataclass(slots=True)
class Member:
    status: str  # creator | administrator | member | restricted | left | kicked
    rights: JSON | None = None
    until_date: int = 0

    @property
    def present(self) -> bool:
        return self.status in MEMBER_STATUSES


@dataclass(slots=True)
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    members: dict[int, Member] = field(default_factory=dict)
    migrated_to: int | None = None
    migrated_from: int | None = None
    menu_button: JSON | None = None
    pinned_message_id: int | None = None
    data: JSON = field(default_factory=dict)

    def refresh(self, user: User | None = None) -> None:
        data: JSON = {"id": self.id, "type": self.type}
        if user is not None:
            data["first_name"] = user.first_name
            if user.last_name:
                data["last_name"] = user.last_name
            if user.username:
                data["username"] = user.username
        else:
            data["title"] = self.title or ""
            if self.username:
                data["username"] = self.username
        self.data = data

    @property
    def kind_name(self) -> str:
        # How Telegram names the chat type in Forbidden descriptions.
        return {
            "group": "group chat",
            "supergroup": "supergroup chat",
            "channel": "channel chat",
        }.get(self.type, "chat")


@dataclass(slots=True)
class StoredMessage:
    message_id: int
    data: JSON  # current Telegram JSON; replaced (never mutated) on edit
    sender_bot: int = 0  # id of the bot that sent it; 0 when sent by a user
    raw_text: str | None = None  # text/caption as the bot sent it (before parse_mode)
    parse_mode: str | None = None
    reply_keyboard: JSON | None = None  # ReplyKeyboardMarkup / Remove / ForceReply attached
    edited: bool = False
    inline_message_id: str | None = None

    def envelope(self, data: JSON | None = None, raw_text: str | None = None) -> JSON:
        return {
            "message": self.data if data is None else data,
            "from_bot": self.sender_bot != 0,
            "bot_id": self.sender_bot or None,
            "edited": self.edited,
            "raw_text": self.raw_text if data is None else raw_text,
            "parse_mode": self.parse_mode,
            "reply_keyboard": self.reply_keyboard,
        }


# An entry of a conversation's event log: (seq, kind, message, data snapshot, raw text).
Event = tuple[int, str, StoredMessage, JSON | None, str | None]


class Conversation:
    """Message history of one chat as seen by one bot (private) or by all (groups)."""

    __slots__ = (
        "bot_id",
        "chat",
        "events",
        "last_action",
        "media_groups",
        "messages",
        "next_id",
        "reply_keyboard",
        "waiters",
    )

    def __init__(self, bot_id: int, chat: Chat) -> None:
        self.bot_id = bot_id  # 0 for shared (group/channel) histories
        self.chat = chat
        self.messages: dict[int, StoredMessage] = {}
        self.next_id = 1
        self.events: list[Event] = []
        self.waiters = Waiters()
        self.reply_keyboard: JSON | None = None  # the keyboard the user currently sees
        self.last_action: JSON | None = None
        self.media_groups = itertools.count(13_000_000_000_000_000 + random.randrange(10**15))

    @property
    def seq(self) -> int:
        return len(self.events)

    def log(self, kind: str, sm: StoredMessage) -> int:
        """Append to the event log; seq numbers are 1-based list positions (O(1) slicing)."""
        data = None if kind == "delete" else sm.data
        self.events.append((len(self.events) + 1, kind, sm, data, sm.raw_text))
        self.waiters.notify()
        return len(self.events)

    def events_after(self, after: int, limit: int = 500) -> list[Event]:
        return self.events[max(after, 0) : max(after, 0) + limit]


@dataclass(slots=True)
class PendingUpdate:
    update_id: int
    kind: str
    body: str  # the update serialized once, reused by getUpdates and webhook delivery
    key: int  # chat/user id: webhook delivery keeps order per key
    done: bool = False


@dataclass(slots=True)
class CallbackRecord:
    id: str
    bot_id: int
    user_id: int
    data: str | None
    chat_id: int | None
    message_id: int | None
    inline_message_id: str | None
    created: float  # monotonic
    created_unix: int
    answered: bool = False
    answer: JSON | None = None
    event: asyncio.Event | None = None

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "bot_id": self.bot_id,
            "user_id": self.user_id,
            "data": self.data,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "inline_message_id": self.inline_message_id,
            "age": round(time.monotonic() - self.created, 3),
            "date": self.created_unix,
            "answered": self.answered,
            "answer": self.answer,
        }


@dataclass(slots=True)
class InlineQueryRecord:
    id: str
    bot_id: int
    user_id: int
    query: str
    offset: str
    created: float
    answered: bool = False
    answer: JSON | None = None
    event: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(slots=True)
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None = None
    has_custom_certificate: bool = False


@dataclass(slots=True)
class Fault:
    id: int
    method: str  # lower-cased method name or "*"
    bot_id: int | None
    remaining: int  # -1 = until cleared
    error_code: int | None
    description: str | None
    retry_after: int | None
    migrate_to_chat_id: int | None
    delay: float

    def to_dict(self) -> JSON:
        return {
            "id": self.id,
            "method": self.method,
            "bot_id": self.bot_id,
            "remaining": self.remaining,
            "error_code": self.error_code,
            "description": self.description,
            "retry_after": self.retry_after,
            "migrate_to_chat_id": self.migrate_to_chat_id,
            "delay": self.delay,
        }


class BotState:
    """Per-bot server state: identity, update queue, webhook, commands, queries."""

    def __init__(self, bot_id: int, username: str, first_name: str, update_id_start: int) -> None:
        self.id = bot_id
        self.username = username
        self.first_name = first_name
        self.user: JSON = {}
        self.refresh()
        self.queue: deque[PendingUpdate] = deque()
        self.pending = 0  # updates in the queue not yet delivered (webhook mode)
        self.next_update_id = update_id_start
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.allowed_list: list[str] | None = None
        self.updates_waiters = Waiters()
        self.poll_generation = 0
        self.webhook: WebhookConfig | None = None
        self.webhook_task: asyncio.Task[None] | None = None
        self.webhook_wake = asyncio.Event()
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.webhook_delivered = 0
        self.commands: dict[tuple[tuple[Any, ...], str], list[JSON]] = {}
        self.texts: dict[tuple[str, str], str] = {}  # (name|description|short_description, lang)
        self.default_admin_rights: dict[bool, JSON] = {}
        self.blocked_by: set[int] = set()
        self.started: set[int] = set()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.unanswered: dict[str, CallbackRecord] = {}
        self.callback_waiters = Waiters()
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.inline_messages: dict[str, tuple[tuple[int, int], int]] = {}
        self.chat_instances: dict[int, str] = {}
        self.privacy_mode = True
        self.rate_limits: bool | None = None  # None = follow the emulator-wide switch
        self.calls: Counter[str] = Counter()
        self.first_calls: dict[str, float] = {}  # method -> wall-clock time of its first call

    def refresh(self) -> None:
        self.user = {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def me(self) -> JSON:
        return {
            **self.user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # -- updates -------------------------------------------------------------

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return
        self.allowed_list = list(allowed)
        self.allowed = frozenset(allowed) & ALL_UPDATE_TYPES if allowed else DEFAULT_UPDATE_TYPES

    def enqueue(self, kind: str, payload: JSON, key: int) -> None:
        # Filtered at creation time, as Telegram does with allowed_updates.
        if kind not in self.allowed:
            return
        update_id = self.next_update_id
        self.next_update_id += 1
        body = f'{{"update_id":{update_id},"{kind}":{dumps(payload)}}}'
        self.queue.append(PendingUpdate(update_id, kind, body, key))
        self.pending += 1
        self.updates_waiters.notify()
        if self.webhook is not None:
            self.webhook_wake.set()

    def confirm(self, offset: int) -> None:
        queue = self.queue
        if offset > 0:
            while queue and queue[0].update_id < offset:
                if not queue.popleft().done:
                    self.pending -= 1
        elif offset < 0:
            while len(queue) > -offset:
                if not queue.popleft().done:
                    self.pending -= 1

    def drop_pending(self) -> None:
        for update in self.queue:
            update.done = True  # an in-flight webhook delivery must not count it again
        self.queue.clear()
        self.pending = 0

    def compact(self) -> None:
        """Drop updates already delivered by webhook (when switching to polling)."""
        if self.pending != len(self.queue):
            self.queue = deque(u for u in self.queue if not u.done)

    def mark_delivered(self, update: PendingUpdate) -> None:
        if update.done:
            return
        update.done = True
        self.pending -= 1
        self.webhook_delivered += 1
        while self.queue and self.queue[0].done:
            self.queue.popleft()

    def chat_instance(self, chat_id: int) -> str:
        inst = self.chat_instances.get(chat_id)
        if inst is None:
            inst = str(random.randrange(10**18, 9 * 10**18) * random.choice((1, -1)))
            self.chat_instances[chat_id] = inst
        return inst

    def add_callback(self, record: CallbackRecord) -> None:
        self.callbacks[record.id] = record
        self.unanswered[record.id] = record
        # Bound memory in long benchmarks: forget the oldest answered queries
        # (answering those later gets "query is too old", as with Telegram).
        if len(self.callbacks) > 20_000:
            for old_id in list(itertools.islice(self.callbacks, 5_000)):
                if self.callbacks[old_id].answered:
                    del self.callbacks[old_id]

    def answer_callback(self, record: CallbackRecord, answer: JSON) -> None:
        record.answered = True
        record.answer = answer
        self.unanswered.pop(record.id, None)
        if record.event is not None:
            record.event.set()
        self.callback_waiters.notify()


@dataclass
class EmulatorConfig:
    bot_username: str = "ukbot_sandbox_bot"
    bot_first_name: str = "UK Sandbox Bot"
    rate_limits: bool = False
    webhook_retry_base: float = 0.1  # first redelivery delay, doubled up to the max
    webhook_retry_max: float = 5.0
    webhook_timeout: float = 10.0
    # Telegram never reuses update ids; a time-based start keeps a restarted
    # emulator from colliding with ids a bot's inbox table has already seen.
    update_id_start: int | None = None
    require_start: bool = True  # bots can't message users who never started them


class EmulatorState:
    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.chats_by_username: dict[str, Chat] = {}
        self.convs: dict[tuple[int, int], Conversation] = {}
        self.bots: dict[int, BotState] = {}
        self.files = FileStore()
        self.limiter = RateLimiter()
        self.rate_limits_enabled = self.config.rate_limits
        self.faults: list[Fault] = []
        self.default_bot_id: int | None = None
        self.started_at = time.time()
        self._user_ids = itertools.count(6_100_000_001)
        self._group_ids = itertools.count(4_000_000_001)
        self._super_ids = itertools.count(1_000_000_001)
        self._fault_ids = itertools.count(1)
        self._query_ids = itertools.count(random.randrange(10**17, 4 * 10**17))
        self._inline_ids = itertools.count(1)
        self._update_id_start = self.config.update_id_start or (now_unix() - 1_700_000_000) * 10 + 1
        self.bot_settings: dict[
            int, JSON
        ] = {}  # username/first_name overrides set before first use
        self.closing = False
        self.generation = 0  # bumped whenever chat histories are dropped (live streams restart)

    # -- bots ------------------------------------------------------------------

    def bot(self, bot_id: int) -> BotState:
        bot = self.bots.get(bot_id)
        if bot is None:
            settings = self.bot_settings.get(bot_id, {})
            bot = BotState(
                bot_id,
                settings.get("username", self.config.bot_username),
                settings.get("first_name", self.config.bot_first_name),
                self._update_id_start,
            )
            self.bots[bot_id] = bot
            if self.default_bot_id is None:
                self.default_bot_id = bot_id
        return bot

    def next_query_id(self) -> str:
        return str(next(self._query_ids))

    def next_inline_message_id(self) -> str:
        return f"AgAAA{next(self._inline_ids):09d}" + f"{random.getrandbits(64):016x}"

    def rate_limited(self, bot: BotState) -> bool:
        return self.rate_limits_enabled if bot.rate_limits is None else bot.rate_limits

    def take_fault(self, bot_id: int, method: str) -> Fault | None:
        for fault in self.faults:
            if (fault.method in (method, "*")) and fault.bot_id in (None, bot_id):
                if fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                return fault
        return None

    def add_fault(self, **kwargs: Any) -> Fault:
        fault = Fault(id=next(self._fault_ids), **kwargs)
        self.faults.append(fault)
        return fault

    # -- users and chats ---------------------------------------------------------

    def create_user(
        self,
        *,
        user_id: int | None = None,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        is_premium: bool = False,
        phone_number: str | None = None,
    ) -> User:
        uid = user_id if user_id is not None else next(self._user_ids)
        while user_id is None and (uid in self.users or uid in self.bots):
            uid = next(self._user_ids)  # never hand out an id a bot (token) already uses
        user = self.users.get(uid)
        if user is None:
            user = User(id=uid, first_name=first_name)
            self.users[uid] = user
        user.first_name = first_name
        user.last_name = last_name
        user.username = username
        user.language_code = language_code
        user.is_premium = is_premium
        user.phone_number = phone_number
        user.refresh()
        chat = self.chats.get(uid)
        if chat is None:
            chat = Chat(id=uid, type="private")
            chat.members[uid] = Member("member")
            self.chats[uid] = chat
        chat.refresh(user)
        return user

    def create_chat(self, chat_type: str, title: str, username: str | None = None) -> Chat:
        if chat_type == "group":
            chat_id = -next(self._group_ids)
        elif chat_type in ("supergroup", "channel"):
            chat_id = -(1_000_000_000_000 + next(self._super_ids))
        else:
            raise ValueError(f"unknown chat type {chat_type!r}")
        chat = Chat(id=chat_id, type=chat_type, title=title, username=username)
        chat.refresh()
        self.chats[chat_id] = chat
        if username:
            self.chats_by_username[username.lower()] = chat
        return chat

    def conversation(self, bot_id: int, chat: Chat) -> Conversation:
        key = (bot_id, chat.id) if chat.type == "private" else (0, chat.id)
        conv = self.convs.get(key)
        if conv is None:
            conv = self.convs[key] = Conversation(key[0], chat)
        return conv

    def resolve_chat(self, chat_ref: int | str) -> Chat:
        if isinstance(chat_ref, str):
            ref = chat_ref.strip()
            if ref.startswith("@"):
                chat = self.chats_by_username.get(ref[1:].lower())
                if chat is None:
                    raise bad_request(CHAT_NOT_FOUND)
                return chat
            try:
                chat_ref = int(ref)
            except ValueError:
                raise bad_request(CHAT_NOT_FOUND) from None
        chat = self.chats.get(chat_ref)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def check_access(self, bot: BotState, chat: Chat, *, sending: bool = False) -> None:
        """Raise the error Telegram gives when ``bot`` can't act in ``chat``."""
        if chat.type == "private":
            if chat.id == bot.id:
                raise forbidden("bot can't send messages to bots")
            if chat.id in bot.blocked_by:
                raise forbidden(BOT_BLOCKED)
            if sending and self.config.require_start and chat.id not in bot.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=chat.migrated_to,
            )
        member = chat.members.get(bot.id)
        if member is None or member.status == "left":
            raise forbidden(f"bot is not a member of the {chat.kind_name}")
        if member.status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.kind_name}")
        if (
            sending
            and chat.type == "channel"
            and not (
                member.status == "creator"
                or (
                    member.status == "administrator"
                    and (member.rights or {}).get("can_post_messages")
                )
            )
        ):
            raise bad_request("need administrator rights in the channel chat")

    def is_admin(self, chat: Chat, member_id: int) -> bool:
        member = chat.members.get(member_id)
        return member is not None and member.status in ("creator", "administrator")

    # -- messages --------------------------------------------------------------

    def new_message(
        self,
        conv: Conversation,
        content: JSON,
        *,
        from_user: JSON | None,
        sender_bot: int = 0,
        raw_text: str | None = None,
        parse_mode: str | None = None,
        reply_keyboard: JSON | None = None,
    ) -> StoredMessage:
        message_id = conv.next_id
        conv.next_id += 1
        data: JSON = {"message_id": message_id}
        if from_user is not None:
            data["from"] = from_user
        if conv.chat.type == "channel":
            data["sender_chat"] = conv.chat.data
        data["chat"] = conv.chat.data
        data["date"] = now_unix()
        data.update(content)
        sm = StoredMessage(
            message_id,
            data,
            sender_bot=sender_bot,
            raw_text=raw_text,
            parse_mode=parse_mode,
            reply_keyboard=reply_keyboard,
        )
        conv.messages[message_id] = sm
        if reply_keyboard is not None:
            if "keyboard" in reply_keyboard:
                conv.reply_keyboard = reply_keyboard
            elif reply_keyboard.get("remove_keyboard"):
                conv.reply_keyboard = None
        conv.log("new", sm)
        return sm

    def edit_message(
        self, conv: Conversation, sm: StoredMessage, data: JSON, *, raw_text: str | None = None
    ) -> None:
        sm.data = data
        sm.edited = True
        if raw_text is not None:
            sm.raw_text = raw_text
        conv.log("edit", sm)

    def delete_message(self, conv: Conversation, sm: StoredMessage) -> None:
        conv.messages.pop(sm.message_id, None)
        conv.log("delete", sm)

    # -- delivery of user-side events to bots ----------------------------------------

    def bots_in(self, chat: Chat) -> Iterable[BotState]:
        for member_id, member in chat.members.items():
            if member.present:
                bot = self.bots.get(member_id)
                if bot is not None:
                    yield bot

    def deliver_message(self, conv: Conversation, sm: StoredMessage, kind: str = "message") -> int:
        """Hand a message posted by a user to the bot(s) that would receive it."""
        chat = conv.chat
        data = sm.data
        delivered = 0
        if chat.type == "private":
            bot = self.bot(conv.bot_id)
            if chat.id not in bot.blocked_by:
                bot.started.add(chat.id)
                bot.enqueue(kind, data, chat.id)
                delivered += 1
            return delivered
        if chat.type == "channel":
            kind = "channel_post" if kind == "message" else "edited_channel_post"
        for bot in self.bots_in(chat):
            if chat.type == "channel" or self._passes_privacy(bot, chat, data):
                bot.enqueue(kind, data, chat.id)
                delivered += 1
        return delivered

    def _passes_privacy(self, bot: BotState, chat: Chat, data: JSON) -> bool:
        if not bot.privacy_mode or self.is_admin(chat, bot.id):
            return True
        text = data.get("text") or data.get("caption") or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            return "@" not in command or command.split("@", 1)[1].lower() == bot.username.lower()
        reply = data.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == bot.id:
            return True
        if data.get("via_bot", {}).get("id") == bot.id:
            return True
        return not ("text" in data or "caption" in data or any(k in data for k in _CONTENT_KEYS))

    def store_photo(self, data: bytes, *, source_url: str | None = None) -> StoredFile:
        full = self.files.add("photo", data, source_url=source_url)
        thumb = None
        if max(full.width, full.height) > 90:
            thumb = self.files.add("photo", data, unique_salt="s", source_url=source_url)
        sizes = photo_sizes(full, thumb)
        self.files.photos[full.file_id] = sizes
        if thumb is not None:
            self.files.photos[thumb.file_id] = sizes
        return full

    def photo_sizes_for(self, stored: StoredFile) -> list[JSON]:
        sizes = self.files.photos.get(stored.file_id)
        if sizes is None:
            sizes = self.files.photos[stored.file_id] = photo_sizes(stored, None)
        return sizes

    def close(self) -> None:
        """Wake every long poll so the server can shut down without waiting them out."""
        self.closing = True
        for bot in self.bots.values():
            bot.updates_waiters.notify()
            bot.callback_waiters.notify()
        for conv in self.convs.values():
            conv.waiters.notify()

    def clear_histories(self) -> None:
        """Drop every chat's messages (users, chats, members and bots stay).

        Message ids start again from 1; live streams of the old histories end.
        """
        old = list(self.convs.values())
        self.convs.clear()
        self.generation += 1
        for conv in old:
            conv.waiters.notify()

    def reset(self) -> None:
        """Forget everything (users, chats, bots, files, faults, counters)."""
        self.generation += 1
        for conv in self.convs.values():
            conv.waiters.notify()
        for bot in self.bots.values():
            if bot.webhook_task is not None:
                bot.webhook_task.cancel()
            bot.updates_waiters.notify()
        self.users.clear()
        self.chats.clear()
        self.chats_by_username.clear()
        self.convs.clear()
        self.bots.clear()
        self.files.clear()
        self.limiter.reset()
        self.faults.clear()
        self.default_bot_id = None


# Content keys that make a message "ordinary" (not a service message) for privacy mode.
_CONTENT_KEYS = (
    "photo",
    "video",
    "document",
    "voice",
    "audio",
    "animation",
    "sticker",
    "video_note",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
)
