"""Bot API methods: ``POST /bot<token>/<method>`` handlers.

Each handler validates its parameters the way Telegram does (and fails with
the same error descriptions), then mutates :class:`EmulatorState`. Handlers
are plain coroutines taking the caller's :class:`BotState` and its
:class:`Params`; their return value becomes ``result``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from . import formatting
from .errors import (
    MESSAGE_NOT_MODIFIED,
    NOT_FOUND,
    QUERY_TOO_OLD,
    UNAUTHORIZED,
    ApiError,
    bad_request,
    conflict,
    default_description,
    too_many_requests,
)
from .files import MAX_DOWNLOAD_SIZE, StoredFile
from .state import (
    ADMIN_RIGHTS,
    CHANNEL_ADMIN_RIGHTS,
    JSON,
    BotState,
    Chat,
    Conversation,
    EmulatorState,
    Member,
    StoredMessage,
    WebhookConfig,
    dumps,
    now_unix,
)
from .webhook import WebhookDelivery

log = logging.getLogger(__name__)
TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,200})$")
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MEDIA_KINDS = ("photo", "video", "document", "voice", "audio", "animation", "video_note", "sticker")
# Message keys carried over by copyMessage / forwardMessage.
COPYABLE = (
    "text",
    "entities",
    "link_preview_options",
    *MEDIA_KINDS,
    "caption",
    "caption_entities",
    "show_caption_above_media",
    "has_media_spoiler",
    "contact",
    "location",
    "venue",
    "dice",
)
GIFT_TYPES = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


class RawResult(str):
    """A ``result`` that is already serialized JSON (getUpdates fast path)."""


class Params:
    """Request parameters from a JSON, urlencoded or multipart body.

    aiogram sends scalars as strings and nested objects as JSON strings in
    form bodies; the typed getters accept both that and native JSON values.
    """

    __slots__ = ("data", "files")

    def __init__(self, data: dict[str, Any], files: dict[str, FileField] | None = None) -> None:
        self.data = data
        self.files = files or {}

    def __contains__(self, name: str) -> bool:
        return name in self.data or name in self.files

    def raw(self, name: str) -> Any:
        value = self.data.get(name)
        if value is None:
            return self.files.get(name)
        return value

    def string(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def req_int(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(
                f"{name} is empty"
                if name != "message_id"
                else "message identifier is not specified"
            )
        return value

    def number(self, name: str) -> float | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_ref(self, name: str = "chat_id") -> int | str:
        value = self.data.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return str(value)


async def read_params(request: web.Request) -> Params:
    data: dict[str, Any] = {}
    files: dict[str, FileField] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON") from None
            if not isinstance(body, dict):
                raise bad_request("request body must be a JSON object")
            data = body
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    files[key] = value
                else:
                    data[key] = value
    if request.query:
        for key, value in request.query.items():
            data.setdefault(key, value)
    return Params(data, files)


Handler = Callable[[BotState, Params], Awaitable[Any]]


class BotApi:
    def __init__(self, state: EmulatorState, webhooks: WebhookDelivery) -> None:
        self.state = state
        self.webhooks = webhooks
        self.methods: dict[str, Handler] = {}
        for attr in dir(self):
            if attr.startswith("m_"):
                self.methods[attr[2:].replace("_", "").lower()] = getattr(self, attr)

    # ------------------------------------------------------------------ dispatch

    async def handle(self, request: web.Request) -> web.Response:
        match = TOKEN_RE.match(request.match_info["token"])
        if match is None:
            return _error_response(UNAUTHORIZED)
        bot = self.state.bot(int(match.group(1)))
        name = request.match_info["method"].lower()
        bot.calls[name] += 1
        if name not in bot.first_calls:
            bot.first_calls[name] = time.time()
        try:
            handler = self.methods.get(name)
            if handler is None:
                raise NOT_FOUND
            if self.state.faults:
                await self._apply_fault(bot, name)
            params = await read_params(request)
            result = await handler(bot, params)
        except ApiError as exc:
            return _error_response(exc)
        except Exception as exc:
            # An emulator bug or a request shape it does not handle: answer like a
            # Telegram 500 (aiogram raises TelegramServerError) and keep the traceback.
            log.exception("Bot API method %s failed", name)
            return _error_response(
                ApiError(500, f"Internal Server Error: {type(exc).__name__}: {exc}")
            )
        if isinstance(result, RawResult):
            body = '{"ok":true,"result":' + result + "}"
        else:
            body = dumps({"ok": True, "result": result})
        return web.Response(body=body.encode(), content_type="application/json")

    async def _apply_fault(self, bot: BotState, name: str) -> None:
        fault = self.state.take_fault(bot.id, name)
        if fault is None:
            return
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)  # injected latency is the point here
        if fault.error_code:
            retry_after = fault.retry_after
            if fault.error_code == 429 and retry_after is None:
                retry_after = 1
            raise ApiError(
                fault.error_code,
                fault.description or default_description(fault.error_code, retry_after),
                retry_after=retry_after,
                migrate_to_chat_id=fault.migrate_to_chat_id,
            )

    # ------------------------------------------------------------------ helpers

    def _target(
        self, bot: BotState, p: Params, *, sending: bool = True, name: str = "chat_id"
    ) -> Conversation:
        chat = self.state.resolve_chat(p.chat_ref(name))
        self.state.check_access(bot, chat, sending=sending)
        return self.state.conversation(bot.id, chat)

    def _admit(self, bot: BotState, chat: Chat, p: Params, amount: int = 1) -> None:
        paid = p.flag("allow_paid_broadcast")
        if not self.state.rate_limited(bot):
            if paid:  # charged whether or not the emulator enforces the limits
                self.state.limiter.paid[bot.id] += amount
            return
        retry_after = self.state.limiter.check(bot.id, chat.id, chat.type, amount, paid=paid)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _sender(self, bot: BotState, conv: Conversation) -> JSON | None:
        # Channel posts carry sender_chat instead of "from".
        return None if conv.chat.type == "channel" else bot.user

    def _text(
        self, p: Params, *, field: str = "text", entities_field: str = "entities", limit: int = 4096
    ) -> tuple[str, list[JSON], str, str | None]:
        raw = p.string(field)
        if not raw:
            raise bad_request("message text is empty")
        parse_mode = p.string("parse_mode") or None
        explicit = p.json(entities_field)
        if explicit:
            plain, entities = raw, list(explicit)
        else:
            plain, entities = formatting.parse(raw, parse_mode)
        if not plain.strip():
            raise bad_request("message text is empty")
        if formatting.utf16_len(plain) > limit:
            raise bad_request("message is too long")
        return plain, entities, raw, parse_mode

    def _caption(self, p: Params, item: JSON | None = None) -> tuple[JSON, str | None]:
        """caption/caption_entities content for a media message (from params or an InputMedia)."""
        source = Params(item) if item is not None else p
        raw = source.string("caption")
        if not raw:
            return {}, None
        parse_mode = source.string("parse_mode") or None
        explicit = source.json("caption_entities")
        if explicit:
            plain, entities = raw, list(explicit)
        else:
            plain, entities = formatting.parse(raw, parse_mode)
        if formatting.utf16_len(plain) > 1024:
            raise bad_request("message caption is too long")
        out: JSON = {"caption": plain}
        if entities:
            out["caption_entities"] = entities
        if source.flag("show_caption_above_media"):
            out["show_caption_above_media"] = True
        return out, raw

    def _markup(self, p: Params, *, inline_only: bool = False) -> tuple[JSON | None, JSON | None]:
        """Validate reply_markup → (inline keyboard, reply keyboard/remove/force_reply)."""
        markup = p.json("reply_markup")
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return validate_inline_keyboard(markup), None
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            return None, validate_reply_keyboard(markup)
        if markup.get("remove_keyboard"):
            return None, {
                "remove_keyboard": True,
                **({"selective": True} if markup.get("selective") else {}),
            }
        if markup.get("force_reply"):
            return None, {k: v for k, v in markup.items() if v is not None}
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _reply_to(self, conv: Conversation, p: Params) -> JSON:
        """reply_to_message (and quote) content for reply_parameters / reply_to_message_id."""
        params = p.json("reply_parameters")
        if not params:
            legacy = p.integer("reply_to_message_id")
            if legacy is None:
                return {}
            params = {
                "message_id": legacy,
                "allow_sending_without_reply": p.flag("allow_sending_without_reply"),
            }
        if not isinstance(params, dict):
            raise bad_request("can't parse reply parameters JSON object")
        target = conv
        if params.get("chat_id") not in (None, conv.chat.id):
            other = self.state.resolve_chat(params["chat_id"])
            target = self.state.conversation(conv.bot_id or 0, other)
        try:
            message_id = int(params.get("message_id") or 0)
        except (TypeError, ValueError):
            raise bad_request("message to be replied not found") from None
        sm = target.messages.get(message_id)
        if sm is None:
            if params.get("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        replied = sm.data
        if "reply_to_message" in replied:  # Telegram nests replies one level only
            replied = {k: v for k, v in replied.items() if k != "reply_to_message"}
        out: JSON = {"external_reply" if target is not conv else "reply_to_message": replied}
        quote = params.get("quote")
        if quote:
            out["quote"] = {"text": quote, "position": int(params.get("quote_position") or 0)}
        return out

    def _post(
        self,
        bot: BotState,
        conv: Conversation,
        p: Params,
        content: JSON,
        *,
        raw_text: str | None = None,
        admitted: bool = False,
    ) -> StoredMessage:
        """Common tail of every send*: markup, reply, flood control, store."""
        inline, reply_keyboard = self._markup(p)
        full = self._reply_to(conv, p)
        thread = p.integer("message_thread_id")
        if thread:
            full["message_thread_id"] = thread
        full.update(content)
        if p.flag("protect_content"):
            full["has_protected_content"] = True
        if inline is not None:
            full["reply_markup"] = inline
        if not admitted:
            self._admit(bot, conv.chat, p)
        return self.state.new_message(
            conv,
            full,
            from_user=self._sender(bot, conv),
            sender_bot=bot.id,
            raw_text=raw_text,
            parse_mode=p.string("parse_mode") or None,
            reply_keyboard=reply_keyboard,
        )

    def _resolve_file(
        self, value: Any, files: dict[str, FileField], kind: str, field: str
    ) -> StoredFile:
        """An InputFile: multipart upload, attach://name, existing file_id or URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = files.get(value[len("attach://") :])
            if value is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if isinstance(value, FileField):
            data = value.file.read()
            if not data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                return self.state.store_photo(data)
            return self.state.files.add(
                kind, data, file_name=value.filename, mime_type=value.content_type
            )
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {field} in the request")
        if value.startswith(("http://", "https://")):
            # No internet here: remember the URL, serve placeholder bytes.
            placeholder = _placeholder(kind, value)
            if kind == "photo":
                return self.state.store_photo(placeholder, source_url=value)
            name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
            return self.state.files.add(kind, placeholder, file_name=name, source_url=value)
        stored = self.state.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if (stored.kind == "photo") != (kind == "photo"):
            raise bad_request("type of file mismatch")
        return stored

    def _media_object(self, kind: str, stored: StoredFile, opts: Params) -> Any:
        if kind == "photo":
            return self.state.photo_sizes_for(stored)
        if stored.media is not None and stored.kind == kind:
            return stored.media
        base: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        duration = opts.integer("duration", 1) or 1
        if kind in ("video", "animation"):
            obj: JSON = {
                "duration": duration,
                "width": opts.integer("width", 1280),
                "height": opts.integer("height", 720),
            }
        elif kind == "video_note":
            obj = {"duration": duration, "length": opts.integer("length", 240)}
        elif kind == "voice":
            obj = {"duration": duration}
        elif kind == "audio":
            obj = {"duration": duration}
            for key in ("performer", "title"):
                if opts.string(key):
                    obj[key] = opts.string(key)
        elif kind == "sticker":
            obj = {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": opts.string("emoji") or "🙂",
            }
        else:
            obj = {}
        if stored.file_name and kind in ("document", "video", "audio", "animation"):
            obj["file_name"] = stored.file_name
        if stored.mime_type and kind != "sticker":
            obj["mime_type"] = stored.mime_type
        obj.update(base)
        obj["file_size"] = stored.size
        stored.media = obj
        return obj

    def _edit_target(self, bot: BotState, p: Params) -> tuple[StoredMessage, Conversation, bool]:
        inline_id = p.string("inline_message_id")
        if inline_id:
            ref = bot.inline_messages.get(inline_id)
            if ref is None:
                raise bad_request("MESSAGE_ID_INVALID")
            conv = self.state.convs[ref[0]]
            sm = conv.messages.get(ref[1])
            if sm is None:
                raise bad_request("message to edit not found")
            return sm, conv, True
        conv = self._target(bot, p, sending=False)
        sm = conv.messages.get(p.req_int("message_id"))
        if sm is None:
            raise bad_request("message to edit not found")
        if sm.sender_bot != bot.id:
            raise bad_request("message can't be edited")
        return sm, conv, False

    def _apply_edit(
        self,
        conv: Conversation,
        sm: StoredMessage,
        changes: JSON,
        removed: tuple[str, ...],
        markup: JSON | None,
        *,
        raw_text: str | None = None,
        is_inline: bool = False,
    ) -> Any:
        old = sm.data
        new = {
            k: v
            for k, v in old.items()
            if k not in removed and k not in ("reply_markup", "edit_date")
        }
        new.update(changes)
        if markup is not None:
            new["reply_markup"] = markup
        same = all(old.get(k) == new.get(k) for k in (*changes, *removed, "reply_markup"))
        if same:
            raise bad_request(MESSAGE_NOT_MODIFIED)
        new["edit_date"] = now_unix()
        self.state.edit_message(conv, sm, new, raw_text=raw_text)
        return True if is_inline else new

    # ------------------------------------------------------------ basic methods

    async def m_getMe(self, bot: BotState, p: Params) -> Any:
        return bot.me()

    async def m_logOut(self, bot: BotState, p: Params) -> Any:
        return True

    async def m_close(self, bot: BotState, p: Params) -> Any:
        return True

    async def m_getUpdates(self, bot: BotState, p: Params) -> Any:
        if bot.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        bot.set_allowed(p.json("allowed_updates"))
        bot.confirm(p.integer("offset", 0) or 0)
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        timeout = max(p.integer("timeout", 0) or 0, 0)
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.updates_waiters.notify()  # a poll still waiting elsewhere gets terminated
        if not bot.queue and timeout:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not bot.queue:
                await bot.updates_waiters.wait(deadline - loop.time())
                if bot.poll_generation != generation:
                    raise conflict(
                        "terminated by other getUpdates request; make sure that only one bot instance is running"
                    )
                if bot.webhook is not None:
                    raise conflict(
                        "can't use getUpdates method while webhook is active; "
                        "use deleteWebhook to delete the webhook first"
                    )
                if loop.time() >= deadline or self.state.closing:
                    break
        if not bot.queue:
            return RawResult("[]")
        bodies = []
        for update in bot.queue:
            bodies.append(update.body)
            if len(bodies) >= limit:
                break
        return RawResult("[" + ",".join(bodies) + "]")

    async def m_setWebhook(self, bot: BotState, p: Params) -> Any:
        url = p.string("url") or ""
        if not url:
            return await self.m_deleteWebhook(bot, p)
        if not url.startswith(("http://", "https://")):
            raise bad_request(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
            )
        secret = p.string("secret_token")
        if secret and not SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = min(max(p.integer("max_connections", 40) or 40, 1), 100)
        bot.set_allowed(p.json("allowed_updates"))
        if p.flag("drop_pending_updates"):
            bot.drop_pending()
        bot.webhook = WebhookConfig(
            url=url,
            secret_token=secret or None,
            max_connections=max_connections,
            ip_address=p.string("ip_address"),
            has_custom_certificate="certificate" in p,
        )
        bot.last_error_date = None
        bot.last_error_message = None
        bot.updates_waiters.notify()  # a waiting getUpdates now fails with 409
        self.webhooks.start(bot)
        return True

    async def m_deleteWebhook(self, bot: BotState, p: Params) -> Any:
        bot.webhook = None
        self.webhooks.stop(bot)
        bot.compact()
        if p.flag("drop_pending_updates"):
            bot.drop_pending()
        return True

    async def m_getWebhookInfo(self, bot: BotState, p: Params) -> Any:
        hook = bot.webhook
        info: JSON = {
            "url": hook.url if hook else "",
            "has_custom_certificate": bool(hook and hook.has_custom_certificate),
            "pending_update_count": bot.pending,
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if bot.last_error_date is not None:
                info["last_error_date"] = bot.last_error_date
                info["last_error_message"] = bot.last_error_message
        if bot.allowed_list is not None:
            info["allowed_updates"] = sorted(bot.allowed)
        return info

    # ----------------------------------------------------------------- sending

    async def m_sendMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        plain, entities, raw, _ = self._text(p)
        content: JSON = {"text": plain}
        if entities:
            content["entities"] = entities
        preview = p.json("link_preview_options")
        if isinstance(preview, dict) and preview:
            content["link_preview_options"] = preview
        return self._post(bot, conv, p, content, raw_text=raw).data

    async def _send_media(self, bot: BotState, p: Params, kind: str) -> Any:
        conv = self._target(bot, p)
        stored = self._resolve_file(p.raw(kind), p.files, kind, kind)
        content: JSON = {kind: self._media_object(kind, stored, p)}
        if kind == "animation":
            content["document"] = content[kind]
        caption, raw = ({}, None) if kind in ("sticker", "video_note") else self._caption(p)
        content.update(caption)
        if p.flag("has_spoiler"):
            content["has_media_spoiler"] = True
        return self._post(bot, conv, p, content, raw_text=raw).data

    async def m_sendPhoto(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "photo")

    async def m_sendVideo(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "video")

    async def m_sendDocument(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "document")

    async def m_sendVoice(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "voice")

    async def m_sendAudio(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "audio")

    async def m_sendAnimation(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "animation")

    async def m_sendVideoNote(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "video_note")

    async def m_sendSticker(self, bot: BotState, p: Params) -> Any:
        return await self._send_media(bot, p, "sticker")

    async def m_sendMediaGroup(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        media = p.json("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the media group: must include 2-10 items")
        kinds = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request("wrong media type in the media group")
            kinds.append(kind)
        for single in ("document", "audio"):
            if single in kinds and any(k != single for k in kinds):
                raise bad_request(f"{single} can't be mixed with other media types")
        prepared = []
        for item, kind in zip(media, kinds, strict=True):
            stored = self._resolve_file(item.get("media"), p.files, kind, "media")
            content: JSON = {kind: self._media_object(kind, stored, Params(item))}
            caption, raw = self._caption(p, item)
            content.update(caption)
            if item.get("has_spoiler"):
                content["has_media_spoiler"] = True
            prepared.append((content, raw))
        self._admit(bot, conv.chat, p, len(prepared))
        group_id = str(next(conv.media_groups))
        out = []
        for content, raw in prepared:
            content = {"media_group_id": group_id, **content}
            out.append(self._post(bot, conv, p, content, raw_text=raw, admitted=True).data)
        return out

    async def m_sendLocation(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        location = _location(p)
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if p.number(key) is not None:
                location[key] = p.number(key)
        return self._post(bot, conv, p, {"location": location}).data

    async def m_sendVenue(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        location = _location(p)
        title, address = p.string("title"), p.string("address")
        if not title or not address:
            raise bad_request("venue title and address must be non-empty")
        venue: JSON = {"location": location, "title": title, "address": address}
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if p.string(key):
                venue[key] = p.string(key)
        return self._post(bot, conv, p, {"venue": venue, "location": location}).data

    async def m_sendContact(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        phone, first = p.string("phone_number"), p.string("first_name")
        if not phone:
            raise bad_request("phone number is empty")
        if not first:
            raise bad_request("contact first name is empty")
        contact: JSON = {"phone_number": phone, "first_name": first}
        for key in ("last_name", "vcard"):
            if p.string(key):
                contact[key] = p.string(key)
        return self._post(bot, conv, p, {"contact": contact}).data

    async def m_sendDice(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        emoji = p.string("emoji") or "🎲"
        top = {"🎲": 6, "🎯": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64}.get(emoji)
        if top is None:
            raise bad_request("wrong emoji specified")
        return self._post(
            bot, conv, p, {"dice": {"emoji": emoji, "value": random.randint(1, top)}}
        ).data

    async def m_sendChatAction(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        action = p.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        conv.last_action = {"action": action, "date": now_unix(), "bot_id": bot.id}
        return True

    def _source(self, bot: BotState, p: Params, what: str, message_id: int) -> StoredMessage:
        chat = self.state.resolve_chat(p.chat_ref("from_chat_id"))
        self.state.check_access(bot, chat)
        sm = self.state.conversation(bot.id, chat).messages.get(message_id)
        if sm is None:
            raise bad_request(f"message to {what} not found")
        if sm.data.get("has_protected_content"):
            raise bad_request(f"message can't be {'copied' if what == 'copy' else 'forwarded'}")
        if not any(key in sm.data for key in COPYABLE):
            raise bad_request(f"message can't be {'copied' if what == 'copy' else 'forwarded'}")
        return sm

    def _copy_one(
        self, bot: BotState, conv: Conversation, p: Params, sm: StoredMessage
    ) -> StoredMessage:
        content = {key: sm.data[key] for key in COPYABLE if key in sm.data}
        raw = sm.raw_text
        if "caption" in p and any(k in content for k in MEDIA_KINDS):
            content.pop("caption", None)
            content.pop("caption_entities", None)
            caption, raw = self._caption(p)
            content.update(caption)
        return self._post(bot, conv, p, content, raw_text=raw)

    async def m_copyMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        sm = self._source(bot, p, "copy", p.req_int("message_id"))
        return {"message_id": self._copy_one(bot, conv, p, sm).message_id}

    async def m_copyMessages(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        ids = p.json("message_ids") or []
        sources = [self._source(bot, p, "copy", int(mid)) for mid in ids]
        plain = Params({k: v for k, v in p.data.items() if k not in ("caption", "reply_markup")})
        return [{"message_id": self._copy_one(bot, conv, plain, sm).message_id} for sm in sources]

    def _forward_one(
        self, bot: BotState, conv: Conversation, p: Params, sm: StoredMessage
    ) -> StoredMessage:
        content: JSON = {}
        src = sm.data
        origin = src.get("forward_origin")
        if origin is None:
            if src["chat"]["type"] == "channel":
                origin = {
                    "type": "channel",
                    "chat": src["chat"],
                    "message_id": sm.message_id,
                    "date": src["date"],
                }
            else:
                origin = {"type": "user", "sender_user": src.get("from"), "date": src["date"]}
        content["forward_origin"] = origin
        content.update({key: src[key] for key in COPYABLE if key in src})
        plain = Params(
            {k: v for k, v in p.data.items() if k not in ("reply_markup", "reply_parameters")}
        )
        return self._post(bot, conv, plain, content, raw_text=sm.raw_text)

    async def m_forwardMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        sm = self._source(bot, p, "forward", p.req_int("message_id"))
        return self._forward_one(bot, conv, p, sm).data

    async def m_forwardMessages(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p)
        sources = [self._source(bot, p, "forward", int(mid)) for mid in p.json("message_ids") or []]
        return [{"message_id": self._forward_one(bot, conv, p, sm).message_id} for sm in sources]

    # ----------------------------------------------------------------- editing

    async def m_editMessageText(self, bot: BotState, p: Params) -> Any:
        sm, conv, is_inline = self._edit_target(bot, p)
        if "text" not in sm.data:
            raise bad_request("there is no text in the message to edit")
        plain, entities, raw, _ = self._text(p)
        markup, _ = self._markup(p, inline_only=True)
        changes: JSON = {"text": plain}
        removed: tuple[str, ...] = ("entities",)
        if entities:
            changes["entities"] = entities
            removed = ()
        return self._apply_edit(
            conv, sm, changes, removed, markup, raw_text=raw, is_inline=is_inline
        )

    async def m_editMessageCaption(self, bot: BotState, p: Params) -> Any:
        sm, conv, is_inline = self._edit_target(bot, p)
        if not any(kind in sm.data for kind in MEDIA_KINDS):
            raise bad_request("there is no caption in the message to edit")
        caption, raw = self._caption(p)
        markup, _ = self._markup(p, inline_only=True)
        removed = tuple(k for k in ("caption", "caption_entities") if k not in caption)
        return self._apply_edit(
            conv, sm, caption, removed, markup, raw_text=raw or "", is_inline=is_inline
        )

    async def m_editMessageReplyMarkup(self, bot: BotState, p: Params) -> Any:
        sm, conv, is_inline = self._edit_target(bot, p)
        markup, _ = self._markup(p, inline_only=True)
        return self._apply_edit(conv, sm, {}, (), markup, is_inline=is_inline)

    async def m_editMessageMedia(self, bot: BotState, p: Params) -> Any:
        sm, conv, is_inline = self._edit_target(bot, p)
        media = p.json("media")
        if not isinstance(media, dict) or media.get("type") not in MEDIA_KINDS:
            raise bad_request("can't parse InputMedia JSON object")
        if not any(kind in sm.data for kind in MEDIA_KINDS):
            raise bad_request("there is no media in the message to edit")
        kind = media["type"]
        stored = self._resolve_file(media.get("media"), p.files, kind, "media")
        changes: JSON = {kind: self._media_object(kind, stored, Params(media))}
        caption, raw = self._caption(p, media)
        changes.update(caption)
        removed = tuple(
            k for k in (*MEDIA_KINDS, "caption", "caption_entities") if k not in changes
        )
        markup, _ = self._markup(p, inline_only=True)
        return self._apply_edit(
            conv, sm, changes, removed, markup, raw_text=raw or "", is_inline=is_inline
        )

    async def m_deleteMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p, sending=False)
        sm = conv.messages.get(p.req_int("message_id"))
        if sm is None:
            raise bad_request("message to delete not found")
        self._check_can_delete(bot, conv, sm)
        self.state.delete_message(conv, sm)
        return True

    async def m_deleteMessages(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p, sending=False)
        ids = p.json("message_ids") or []
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 items")
        for mid in ids:
            sm = conv.messages.get(int(mid))
            if sm is not None:
                self._check_can_delete(bot, conv, sm)
                self.state.delete_message(conv, sm)
        return True

    def _check_can_delete(self, bot: BotState, conv: Conversation, sm: StoredMessage) -> None:
        chat = conv.chat
        if sm.sender_bot == bot.id or chat.type == "private":
            return
        member = chat.members.get(bot.id)
        if member is not None and (
            member.status == "creator"
            or (
                member.status == "administrator"
                and (member.rights or {}).get("can_delete_messages", True)
            )
        ):
            return
        raise bad_request("message can't be deleted")

    # ------------------------------------------------------------------ queries

    async def m_answerCallbackQuery(self, bot: BotState, p: Params) -> Any:
        record = bot.callbacks.get(p.string("callback_query_id") or "")
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        text = p.string("text")
        if text and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        bot.answer_callback(
            record,
            {
                "text": text,
                "show_alert": p.flag("show_alert"),
                "url": p.string("url"),
                "cache_time": p.integer("cache_time", 0),
            },
        )
        return True

    async def m_answerInlineQuery(self, bot: BotState, p: Params) -> Any:
        record = bot.inline_queries.get(p.string("inline_query_id") or "")
        if record is None or record.answered:
            raise bad_request(QUERY_TOO_OLD)
        results = p.json("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not result.get("type"):
                raise bad_request("can't parse inline query result JSON object")
            rid = str(result.get("id") or "")
            if not rid or len(rid.encode()) > 64:
                raise bad_request("RESULT_ID_INVALID")
            if rid in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(rid)
            if result.get("reply_markup"):
                validate_inline_keyboard(result["reply_markup"])
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                plain, _ = formatting.parse(content["message_text"], content.get("parse_mode"))
                if not plain.strip():
                    raise bad_request("message text is empty")
            elif result["type"] == "article":
                raise bad_request("MESSAGE_EMPTY")
        record.answered = True
        record.answer = {
            "results": results,
            "cache_time": p.integer("cache_time", 300),
            "is_personal": p.flag("is_personal"),
            "next_offset": p.string("next_offset") or "",
            "button": p.json("button"),
        }
        record.event.set()
        return True

    # ---------------------------------------------------------------- commands

    def _scope_key(self, bot: BotState, p: Params) -> tuple[Any, ...]:
        scope = p.json("scope") or {"type": "default"}
        if not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return (kind,)
        if kind in ("chat", "chat_administrators", "chat_member"):
            chat_ref = scope.get("chat_id")
            if not isinstance(chat_ref, int | str):
                raise bad_request("chat not found")
            chat = self.state.resolve_chat(chat_ref)
            if kind == "chat_member":
                user_id = int(scope.get("user_id") or 0)
                if user_id not in self.state.users:
                    raise bad_request("user not found")
                return (kind, chat.id, user_id)
            return (kind, chat.id)
        raise bad_request("wrong bot command scope type specified")

    async def m_setMyCommands(self, bot: BotState, p: Params) -> Any:
        commands = p.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        clean = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand JSON object")
            command = str(item.get("command", "")).lstrip("/")
            description = str(item.get("description", ""))
            if not COMMAND_RE.match(command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": command, "description": description})
        key = (self._scope_key(bot, p), p.string("language_code") or "")
        if clean:
            bot.commands[key] = clean
        else:
            bot.commands.pop(key, None)
        return True

    async def m_getMyCommands(self, bot: BotState, p: Params) -> Any:
        return bot.commands.get((self._scope_key(bot, p), p.string("language_code") or ""), [])

    async def m_deleteMyCommands(self, bot: BotState, p: Params) -> Any:
        bot.commands.pop((self._scope_key(bot, p), p.string("language_code") or ""), None)
        return True

    async def m_setMyDescription(self, bot: BotState, p: Params) -> Any:
        return _set_text(bot, p, "description", 512)

    async def m_getMyDescription(self, bot: BotState, p: Params) -> Any:
        return {"description": bot.texts.get(("description", p.string("language_code") or ""), "")}

    async def m_setMyShortDescription(self, bot: BotState, p: Params) -> Any:
        return _set_text(bot, p, "short_description", 120)

    async def m_getMyShortDescription(self, bot: BotState, p: Params) -> Any:
        return {
            "short_description": bot.texts.get(
                ("short_description", p.string("language_code") or ""), ""
            )
        }

    async def m_setMyName(self, bot: BotState, p: Params) -> Any:
        return _set_text(bot, p, "name", 64)

    async def m_getMyName(self, bot: BotState, p: Params) -> Any:
        return {"name": bot.texts.get(("name", p.string("language_code") or ""), bot.first_name)}

    async def m_setChatMenuButton(self, bot: BotState, p: Params) -> Any:
        button = p.json("menu_button") or {"type": "default"}
        if "chat_id" in p:
            self.state.resolve_chat(p.chat_ref()).menu_button = button
        else:
            bot.texts[("menu_button", "")] = dumps(button)
        return True

    async def m_getChatMenuButton(self, bot: BotState, p: Params) -> Any:
        if "chat_id" in p:
            button = self.state.resolve_chat(p.chat_ref()).menu_button
            if button is not None:
                return button
        stored = bot.texts.get(("menu_button", ""))
        return json.loads(stored) if stored else {"type": "default"}

    async def m_setMyDefaultAdministratorRights(self, bot: BotState, p: Params) -> Any:
        bot.default_admin_rights[p.flag("for_channels")] = p.json("rights") or {}
        return True

    async def m_getMyDefaultAdministratorRights(self, bot: BotState, p: Params) -> Any:
        rights = {k: False for k in ADMIN_RIGHTS if k != "can_be_edited"}
        rights.update(bot.default_admin_rights.get(p.flag("for_channels"), {}))
        return rights

    # ------------------------------------------------------------------- chats

    async def m_getFile(self, bot: BotState, p: Params) -> Any:
        stored = self.state.files.get(p.string("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return stored.file_object()

    async def m_getChat(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        info: JSON = {
            **chat.data,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": GIFT_TYPES,
        }
        if chat.type != "private":
            info["permissions"] = {
                "can_send_messages": True,
                "can_send_photos": True,
                "can_send_documents": True,
                "can_invite_users": True,
            }
        if chat.migrated_from is not None:
            info["migrated_from_chat_id"] = chat.migrated_from
        if chat.pinned_message_id is not None:
            pinned = self.state.conversation(bot.id, chat).messages.get(chat.pinned_message_id)
            if pinned is not None:
                info["pinned_message"] = pinned.data
        return info

    def _readable_chat(self, bot: BotState, p: Params) -> Chat:
        chat = self.state.resolve_chat(p.chat_ref())
        if chat.type != "private":
            member = chat.members.get(bot.id)
            if member is None or not member.present:
                raise bad_request("chat not found")
        return chat

    async def m_getChatMember(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        user_id = p.req_int("user_id")
        user = self._user_json(user_id)
        if chat.type == "private":
            if user_id == bot.id:
                status = "kicked" if chat.id in bot.blocked_by else "member"
                return member_json(user, Member(status))
            if user_id != chat.id:
                raise bad_request("user not found")
            return member_json(user, Member("member"))
        return member_json(
            user, chat.members.get(user_id) or Member("left"), channel=chat.type == "channel"
        )

    async def m_getChatAdministrators(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            member_json(self._user_json(uid), m, channel=chat.type == "channel")
            for uid, m in chat.members.items()
            if m.status in ("creator", "administrator")
        ]

    async def m_getChatMemberCount(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        if chat.type == "private":
            return 2
        return sum(1 for m in chat.members.values() if m.present)

    def _user_json(self, user_id: int) -> JSON:
        user = self.state.users.get(user_id)
        if user is not None:
            return user.data
        bot = self.state.bots.get(user_id)
        if bot is not None:
            return bot.user
        raise bad_request("user not found")

    async def m_leaveChat(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        old = chat.members[bot.id]
        chat.members[bot.id] = Member("left")
        bot.enqueue(
            "my_chat_member",
            chat_member_updated(
                chat, bot.user, bot.user, old, Member("left"), channel=chat.type == "channel"
            ),
            chat.id,
        )
        return True

    def _require_admin(self, bot: BotState, chat: Chat, right: str) -> None:
        member = chat.members.get(bot.id)
        if member is None or member.status not in ("creator", "administrator"):
            raise bad_request("not enough rights to restrict/unrestrict chat member")
        if member.status == "administrator" and not (member.rights or {}).get(right, True):
            raise bad_request("not enough rights to restrict/unrestrict chat member")

    async def m_banChatMember(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        self._require_admin(bot, chat, "can_restrict_members")
        user_id = p.req_int("user_id")
        self._user_json(user_id)
        chat.members[user_id] = Member("kicked", until_date=p.integer("until_date", 0) or 0)
        return True

    async def m_unbanChatMember(self, bot: BotState, p: Params) -> Any:
        chat = self._readable_chat(bot, p)
        self._require_admin(bot, chat, "can_restrict_members")
        user_id = p.req_int("user_id")
        member = chat.members.get(user_id)
        if member is not None and (member.status == "kicked" or not p.flag("only_if_banned")):
            chat.members[user_id] = Member("left")
        return True

    async def m_pinChatMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p, sending=False)
        message_id = p.req_int("message_id")
        if message_id not in conv.messages:
            raise bad_request("message to pin not found")
        conv.chat.pinned_message_id = message_id
        return True

    async def m_unpinChatMessage(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p, sending=False)
        conv.chat.pinned_message_id = None
        return True

    async def m_unpinAllChatMessages(self, bot: BotState, p: Params) -> Any:
        return await self.m_unpinChatMessage(bot, p)

    async def m_setMessageReaction(self, bot: BotState, p: Params) -> Any:
        conv = self._target(bot, p, sending=False)
        if p.req_int("message_id") not in conv.messages:
            raise bad_request("message to react not found")
        return True

    async def m_getUserProfilePhotos(self, bot: BotState, p: Params) -> Any:
        self._user_json(p.req_int("user_id"))
        return {"total_count": 0, "photos": []}


# ------------------------------------------------------------------ free helpers


def _error_response(exc: ApiError) -> web.Response:
    return web.Response(
        body=dumps(exc.to_dict()).encode(), status=exc.error_code, content_type="application/json"
    )


def _set_text(bot: BotState, p: Params, name: str, limit: int) -> bool:
    value = p.string(name) or ""
    if len(value) > limit:
        raise bad_request(f"bot {name.replace('_', ' ')} is too long")
    key = (name, p.string("language_code") or "")
    if value:
        bot.texts[key] = value
    else:
        bot.texts.pop(key, None)
    return True


def _location(p: Params) -> JSON:
    lat, lon = p.number("latitude"), p.number("longitude")
    if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise bad_request("wrong latitude or longitude specified")
    return {"latitude": lat, "longitude": lon}


_PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5b1f3a30000000049454e44ae426082"
)


def _placeholder(kind: str, url: str) -> bytes:
    return _PNG_1X1 if kind == "photo" else f"placeholder for {url}".encode()


def validate_inline_keyboard(markup: Any) -> JSON:
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays"
        )
    if sum(len(row) for row in rows) > 100:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Text must be a String")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or len(data.encode()) > 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
                    raise bad_request("BUTTON_URL_INVALID")
            elif not any(action in button for action in INLINE_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
    return {"inline_keyboard": rows}


def validate_reply_keyboard(markup: JSON) -> JSON:
    rows = markup.get("keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    clean_rows = []
    for row in rows:
        clean_row = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse keyboard button: Text must be a String")
            clean_row.append(button)
        clean_rows.append(clean_row)
    out = {k: v for k, v in markup.items() if v is not None}
    out["keyboard"] = clean_rows
    return out


def member_json(user: JSON, member: Member, *, channel: bool = False) -> JSON:
    status = member.status
    out: JSON = {"user": user, "status": status}
    if status == "creator":
        out["is_anonymous"] = False
    elif status == "administrator":
        out.update(CHANNEL_ADMIN_RIGHTS if channel else ADMIN_RIGHTS)
        if member.rights:
            out.update(member.rights)
    elif status == "restricted":
        out.update(
            {
                "is_member": True,
                "can_send_messages": False,
                "can_send_audios": False,
                "can_send_documents": False,
                "can_send_photos": False,
                "can_send_videos": False,
                "can_send_video_notes": False,
                "can_send_voice_notes": False,
                "can_send_polls": False,
                "can_send_other_messages": False,
                "can_add_web_page_previews": False,
                "can_react_to_messages": False,
                "can_edit_tag": False,
                "can_change_info": False,
                "can_invite_users": False,
                "can_pin_messages": False,
                "can_manage_topics": False,
                "until_date": member.until_date,
            }
        )
    elif status == "kicked":
        out["until_date"] = member.until_date
    return out


def chat_member_updated(
    chat: Chat, actor: JSON, subject: JSON, old: Member, new: Member, *, channel: bool = False
) -> JSON:
    return {
        "chat": chat.data,
        "from": actor,
        "date": now_unix(),
        "old_chat_member": member_json(subject, old, channel=channel),
        "new_chat_member": member_json(subject, new, channel=channel),
    }
