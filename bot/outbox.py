"""Outbox delivery: renders each notification in the recipient's language and sends it
within Telegram's limits. Several workers (processes) may run: rows are claimed with
``FOR UPDATE SKIP LOCKED`` so nothing is sent twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Translator
from bot.ratelimit import ChatPacer, TokenBucket
from domain.clock import Clock
from domain.enums import MediaKind, OutboxState
from storage.models import Outbox, User
from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CAPTION_LIMIT = 1024
BACKOFF_BASE_SECONDS = 2.0


class _Permanent(Exception):
    """A failure that retrying cannot fix (bad request, blocked bot)."""


class OutboxWorker:
    def __init__(
        self,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        translator: Translator,
        clock: Clock,
        *,
        global_rate: float = 25.0,
        private_interval: float = 1.0,
        group_per_minute: int = 20,
        batch_size: int = 100,
        poll_interval: float = 0.5,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.translator = translator
        self.clock = clock
        self.bucket = TokenBucket(global_rate, burst=min(5.0, global_rate))
        self.pacer = ChatPacer(private_interval, group_per_minute)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows, so delivery starts at once."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                delivered = await self.deliver_batch()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox batch failed")
                delivered = 0
            if delivered == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def deliver_batch(self) -> int:
        """Claims due rows and sends what the limits allow now; returns rows handled."""
        async with self.session_factory() as session, session.begin():
            now = self.clock.now()
            rows = await OutboxRepository(session).claim_due(now, self.batch_size)
            if not rows:
                return 0
            recipients = await self._recipients(session, rows)
            busy_chats: set[int] = set()
            sends: list[asyncio.Task[None]] = []
            for row in rows:
                recipient = recipients.get(row.user_id) if row.user_id else None
                if recipient is not None and recipient[1]:
                    row.state = OutboxState.SKIPPED
                    row.last_error = "recipient unreachable"
                    continue
                wait = self.pacer.wait_for(row.chat_id)
                if row.chat_id in busy_chats or wait > 0:
                    # Keep order within a chat: later rows wait for the earlier one.
                    row.next_attempt_at = now + timedelta(
                        seconds=max(wait, self.pacer.interval(row.chat_id))
                    )
                    continue
                busy_chats.add(row.chat_id)
                await self.bucket.acquire()
                self.pacer.sent(row.chat_id)
                lang = recipient[0] if recipient else None
                sends.append(asyncio.create_task(self._deliver(session, row, lang)))
            if sends:
                await asyncio.gather(*sends)
            return len(rows)

    async def _recipients(
        self, session: AsyncSession, rows: list[Outbox] | Any
    ) -> dict[int, tuple[str | None, bool]]:
        ids = {row.user_id for row in rows if row.user_id}
        if not ids:
            return {}
        result = await session.execute(
            select(User.id, User.language, User.unreachable).where(User.id.in_(ids))
        )
        return {uid: (lang, unreachable) for uid, lang, unreachable in result.all()}

    async def _deliver(self, session: AsyncSession, row: Outbox, lang: str | None) -> None:
        now = self.clock.now()
        row.attempts += 1
        try:
            message_id = await self._send(row, lang)
        except TelegramRetryAfter as error:
            # Only this chat waits; the global pace already keeps the bot under its limit.
            self.pacer.defer(row.chat_id, error.retry_after)
            row.attempts -= 1  # waiting out a flood limit is not a failed attempt
            row.next_attempt_at = now + timedelta(seconds=error.retry_after)
            row.last_error = f"retry after {error.retry_after}s"
            return
        except TelegramForbiddenError as error:
            row.state = OutboxState.SKIPPED
            row.last_error = error.message
            if row.user_id:
                await session.execute(
                    update(User)
                    .where(User.id == row.user_id)
                    .values(unreachable=True, unreachable_since=now)
                )
            log.info("recipient blocked the bot", extra={"chat_id": row.chat_id})
            return
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                row.state, row.sent_at = OutboxState.SENT, now
                return
            row.state = OutboxState.FAILED
            row.last_error = error.message
            log.error(
                "outbox message rejected", extra={"outbox_id": row.id, "error": error.message}
            )
            return
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as error:
            if row.attempts >= MAX_ATTEMPTS:
                row.state = OutboxState.FAILED
            row.last_error = str(error)[:500]
            row.next_attempt_at = now + timedelta(
                seconds=BACKOFF_BASE_SECONDS * 2 ** (row.attempts - 1)
            )
            log.warning(
                "outbox send will be retried", extra={"outbox_id": row.id, "attempt": row.attempts}
            )
            return
        row.state = OutboxState.SENT
        row.sent_at = now
        row.sent_message_id = message_id
        row.last_error = None

    def render_text(self, row: Outbox, lang: str | None) -> str:
        params = {
            name: self.translator(lang, value["key"])
            if isinstance(value, dict) and "key" in value
            else value
            for name, value in (row.params or {}).items()
        }
        return self.translator(lang, row.template, **params)

    def render_buttons(self, row: Outbox, lang: str | None) -> InlineKeyboardMarkup | None:
        if not row.buttons:
            return None
        rows = [
            [
                InlineKeyboardButton(
                    text=self.translator(lang, b["text"], **b.get("params", {})),
                    callback_data=b.get("data"),
                    url=b.get("url"),
                )
                for b in line
            ]
            for line in row.buttons
        ]
        return InlineKeyboardMarkup(inline_keyboard=rows)

    async def _send(self, row: Outbox, lang: str | None) -> int | None:
        text = self.render_text(row, lang)
        markup = self.render_buttons(row, lang)
        if row.edit_of:
            return await self._edit(row.chat_id, int(row.edit_of["message_id"]), text, markup)
        media = row.media or []
        if len(media) == 1 and len(text) <= CAPTION_LIMIT:
            return await self._send_single_media(row.chat_id, media[0], text, markup)
        for group in _media_groups(media):
            if len(group) == 1:
                await self._send_single_media(row.chat_id, group[0], None, None)
            else:
                await self.bot.send_media_group(row.chat_id, media=[_input_media(m) for m in group])
        sent = await self.bot.send_message(row.chat_id, text, reply_markup=markup)
        return sent.message_id

    async def _edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> int:
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramBadRequest as error:
            if "no text in the message" not in error.message:
                raise
            # The message is a captioned photo (a card with one file): edit its caption.
            await self.bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=text[:CAPTION_LIMIT],
                reply_markup=markup,
            )
        return message_id

    async def _send_single_media(
        self,
        chat_id: int,
        media: dict[str, str],
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> int:
        kind, file_id = media["kind"], media["file_id"]
        if kind == MediaKind.PHOTO:
            sent = await self.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=markup)
        elif kind == MediaKind.VIDEO:
            sent = await self.bot.send_video(chat_id, file_id, caption=caption, reply_markup=markup)
        elif kind == MediaKind.VOICE:
            sent = await self.bot.send_voice(chat_id, file_id, caption=caption, reply_markup=markup)
        else:
            sent = await self.bot.send_document(
                chat_id, file_id, caption=caption, reply_markup=markup
            )
        return sent.message_id


def _media_groups(media: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """Telegram albums hold 2-10 items, photos and videos together, documents only with
    documents, and never voice notes: split accordingly, keeping the order within a kind."""
    visual = [m for m in media if m["kind"] in (MediaKind.PHOTO, MediaKind.VIDEO)]
    documents = [m for m in media if m["kind"] == MediaKind.DOCUMENT]
    voices = [[m] for m in media if m["kind"] == MediaKind.VOICE]
    chunks = [kind[i : i + 10] for kind in (visual, documents) for i in range(0, len(kind), 10)]
    return chunks + voices


def _input_media(
    media: dict[str, str],
) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    if media["kind"] == MediaKind.PHOTO:
        return InputMediaPhoto(media=media["file_id"])
    if media["kind"] == MediaKind.VIDEO:
        return InputMediaVideo(media=media["file_id"])
    return InputMediaDocument(media=media["file_id"])
