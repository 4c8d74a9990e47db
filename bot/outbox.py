"""Outbox delivery: renders each notification in the recipient's language and sends it
within Telegram's limits. Several workers (processes) may run: rows are leased for the
time of their sending (``LEASE``) so nothing is sent twice, one row per chat at a time so
a chat's messages keep their order. A batch costs two statements, each its own
transaction: the claim and the outcomes; no transaction stays open while sending."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.enums import ParseMode
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
    Message,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import metrics
from bot.i18n import Translator
from bot.ratelimit import Limits, LocalLimits
from domain.clock import Clock
from domain.enums import MediaKind, OutboxState
from domain.services.notifications import Priority
from storage.outages import OutageLog, is_outage
from storage.repositories.outbox import SENT_AGAIN, OutboxMessage, OutboxRepository, Outcome

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=30)
"""How long claimed rows are this worker's. A worker that dies meanwhile leaves its rows
to be sent again when their lease ends."""
SEND_TIMEOUT = timedelta(seconds=20)
"""The longest one message (with its album) may take; a row whose lease would end sooner
is not started but left for the next claim, so no row is sent after its lease ended."""
CAPTION_LIMIT = 1024
BACKOFF_BASE_SECONDS = 2.0
OUTAGE_RETRY = 0.5
"""Seconds between attempts while Postgres is unreachable."""
_OUTCOME_LABELS = {
    OutboxState.SENT: "sent",
    OutboxState.PENDING: "retry",
    OutboxState.SKIPPED: "blocked",
    OutboxState.FAILED: "failed",
}
BULK_SLICE_SECONDS = 0.5
"""Bulk rows (announcements) claimed per batch: about this long of sending at the global
rate, so a personal notification written meanwhile waits for at most one such slice."""


class OutboxWorker:
    def __init__(
        self,
        bot: Bot,
        engine: AsyncEngine,
        translator: Translator,
        clock: Clock,
        *,
        global_rate: float = 25.0,
        private_interval: float = 1.0,
        group_per_minute: int = 20,
        batch_size: int = 100,
        poll_interval: float = 0.5,
        limits: Limits | None = None,
        paid_rate: float = 900.0,
    ) -> None:
        self.bot = bot
        # Claim and outcomes are single statements: no BEGIN/COMMIT round trips.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.translator = translator
        self.clock = clock
        # Telegram's limits: shared by all instances through Redis when given (bot.app),
        # else this process's own. Rows sent with Telegram's paid broadcast option are not
        # held to the free 30/s (Telegram allows 1,000/s for them); each chat's own pace
        # still applies.
        self.limits = limits or LocalLimits(
            global_rate, private_interval, group_per_minute, paid_rate=paid_rate
        )
        self.bulk_limit = max(1, min(batch_size, round(global_rate * BULK_SLICE_SECONDS)))
        self.paid_bulk_limit = max(1, min(batch_size, round(paid_rate * BULK_SLICE_SECONDS)))
        self._last_bulk_paid = False
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._outage = OutageLog(log, "outbox")
        # Outcomes of sent messages whose recording failed (Postgres went away after the
        # send): recorded before anything new is claimed, within the rows' lease, so they
        # are neither sent again nor left leased for minutes.
        self._unrecorded: list[tuple[list[Outcome], list[int], datetime, datetime]] = []
        self._recording = asyncio.Lock()
        self._stopping = False

    def wake(self) -> None:
        """Called after a commit that wrote outbox rows, so delivery starts at once."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the batch being sent, start no new message, and return from ``run``: a
        restart in the middle of an announcement sends nothing twice (rows not started
        are left pending for the next process, at once due). A stopped worker stays
        stopped (a stop before ``run`` started is not lost)."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            # Cleared before the claim: a wake during the batch stands for rows the claim
            # could not see yet, and the next claim follows at once.
            self._wake.clear()
            try:
                pause = self._pause_after(await self._deliver_batch())
                self._outage.succeeded()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if is_outage(error):  # logged once per outage; retried soon
                    self._outage.failed(error)
                    pause = OUTAGE_RETRY
                else:
                    log.exception("outbox batch failed")
                    pause = self.poll_interval
            if pause > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), pause)

    def _pause_after(self, claimed: list[OutboxMessage]) -> float:
        """No pause while due rows may be left (a full batch, or chats with more rows as
        soon as their pace allows); else until woken or the next poll."""
        if len(claimed) >= self.batch_size:
            return 0.0
        bulk = [m for m in claimed if m.priority != Priority.PERSONAL]
        if bulk and len(bulk) >= self.bulk_limit:  # more of the announcement is waiting
            return 0.0
        waits = (self.limits.wait_for(m.chat_id) for m in claimed if m.queued > 1)
        return min([self.poll_interval, *waits])

    async def deliver_batch(self) -> int:
        """Claims due rows and sends them within the limits; returns rows handled."""
        return len(await self._deliver_batch())

    async def _deliver_batch(self) -> list[OutboxMessage]:
        await self._record_left_over()
        now = self.clock.now()
        lease_until = now + LEASE
        async with self.engine.connect() as connection:
            # One row per chat, none of the chats still pacing: every claimed row goes out now.
            claimed = await OutboxRepository(connection).claim_due(
                now,
                self.batch_size,
                self.limits.busy(),
                lease_until=lease_until,
                # A paid broadcast goes 1,000/s: its slices are as large as a batch.
                bulk_limit=self.paid_bulk_limit if self._last_bulk_paid else self.bulk_limit,
            )
        bulk = [m for m in claimed if m.priority != Priority.PERSONAL]
        self._last_bulk_paid = bool(bulk) and all(m.paid_broadcast for m in bulk)
        if not claimed:
            return claimed
        left: list[Outcome] = []
        sends: list[asyncio.Task[None]] = []
        for message in claimed:
            if message.unreachable:
                left.append(
                    Outcome(
                        message.id, OutboxState.SKIPPED, message.attempts, "recipient unreachable"
                    )
                )
                continue
            if self._stopping:  # the process is stopping: the next one sends it
                left.append(self._not_started(message, "not started: the worker stopped"))
                continue
            grant = await self.limits.take(message.chat_id, paid=message.paid_broadcast)
            if grant.chat_wait > 0:  # another instance has just sent to this chat
                left.append(self._not_started(message, None, after=grant.chat_wait))
                continue
            if grant.delay > 0:  # the bot's overall pace, all instances together
                await asyncio.sleep(grant.delay)
            if self.clock.now() + SEND_TIMEOUT > lease_until:  # a slow global rate
                left.append(self._not_started(message, "not started before its lease ended"))
                continue
            sends.append(asyncio.create_task(self._deliver_and_record(message, lease_until)))
        await asyncio.gather(*sends)
        await self._record(left, lease_until)
        return claimed

    def _not_started(
        self, message: OutboxMessage, why: str | None, *, after: float = 0.0
    ) -> Outcome:
        """The row goes back to pending, due ``after`` seconds from now."""
        due = self.clock.now() + timedelta(seconds=after)
        return Outcome(message.id, OutboxState.PENDING, message.attempts, why, next_attempt_at=due)

    async def _deliver_and_record(self, message: OutboxMessage, lease_until: datetime) -> None:
        """Each message's outcome is written as soon as Telegram answered: a crash then
        repeats at most the messages whose answer was not written yet."""
        outcome = await self._deliver(message)
        # Only a blocked bot skips a message it tried to send.
        blocked = [message.user_id] if outcome.state is OutboxState.SKIPPED else []
        metrics.DELIVERIES.labels(_OUTCOME_LABELS[outcome.state]).inc()
        if blocked:
            metrics.BLOCKED_USERS.inc()
        await self._record([outcome], lease_until, blocked=[u for u in blocked if u])

    async def _record(
        self, outcomes: list[Outcome], lease_until: datetime, *, blocked: Sequence[int] = ()
    ) -> None:
        if outcomes:
            self._unrecorded.append((outcomes, list(blocked), lease_until, self.clock.now()))
        await self._record_left_over()

    async def _record_left_over(self) -> None:
        async with self._recording:  # the sends of a batch record side by side
            while self._unrecorded:
                # Outcomes that piled up while the last ones were written go in one
                # statement per lease (a thousand sends a second are not a thousand writes).
                taken = len(self._unrecorded)
                leases: dict[datetime, tuple[list[Outcome], list[int], datetime]] = {}
                for outcomes, blocked, lease_until, now in self._unrecorded[:taken]:
                    merged = leases.setdefault(lease_until, ([], [], now))
                    merged[0].extend(outcomes)
                    merged[1].extend(blocked)
                async with self.engine.connect() as connection:
                    outbox = OutboxRepository(connection)
                    for lease_until, (outcomes, blocked, now) in leases.items():
                        await outbox.record(outcomes, lease_until=lease_until)
                        await outbox.mark_unreachable(blocked, now)
                del self._unrecorded[:taken]

    async def _deliver(self, message: OutboxMessage) -> Outcome:
        """Sends one message; every failure becomes the row's outcome (a failure escaping
        here would leave the whole batch unrecorded, and the messages already sent would
        go out again when the lease ends)."""
        attempts = message.attempts + 1
        try:
            async with asyncio.timeout(SEND_TIMEOUT.total_seconds()):
                message_id = await self._send(message)
        except TelegramRetryAfter as error:
            # Only this chat waits; the global pace already keeps the bot under its limit.
            await self.limits.defer(message.chat_id, error.retry_after)
            return Outcome(
                message.id,
                OutboxState.PENDING,
                message.attempts,  # waiting out a flood limit is not a failed attempt
                f"retry after {error.retry_after}s",
                next_attempt_at=self.clock.now() + timedelta(seconds=error.retry_after),
            )
        except TelegramForbiddenError as error:
            log.info("recipient blocked the bot", extra={"chat_id": message.chat_id})
            return Outcome(message.id, OutboxState.SKIPPED, attempts, error.message)
        except TelegramBadRequest as error:
            if "message is not modified" in error.message:
                return Outcome(message.id, OutboxState.SENT, attempts, sent_at=self.clock.now())
            log.error(
                "outbox message rejected", extra={"outbox_id": message.id, "error": error.message}
            )
            return Outcome(message.id, OutboxState.FAILED, attempts, error.message)
        except Exception as error:  # timeouts, 5xx, network, the unforeseen: retried later
            if not isinstance(error, TelegramNetworkError | TelegramServerError | TimeoutError):
                log.exception("outbox send failed", extra={"outbox_id": message.id})
            else:
                log.warning(
                    "outbox send will be retried",
                    extra={"outbox_id": message.id, "attempt": attempts},
                )
            return Outcome(
                message.id,
                OutboxState.FAILED if attempts >= MAX_ATTEMPTS else OutboxState.PENDING,
                attempts,
                str(error)[:500],
                next_attempt_at=self.clock.now()
                + timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)),
            )
        if message.in_doubt:
            log.warning(SENT_AGAIN, extra={"outbox_id": message.id, "chat_id": message.chat_id})
        return Outcome(
            message.id,
            OutboxState.SENT,
            attempts,
            SENT_AGAIN if message.in_doubt else None,
            sent_at=self.clock.now(),
            sent_message_id=message_id,
        )

    def render_text(self, row: OutboxMessage, lang: str | None) -> str:
        params = {
            name: self.translator(lang, value["key"])
            if isinstance(value, dict) and "key" in value
            else value
            for name, value in (row.params or {}).items()
        }
        return self.translator(lang, row.template, **params)

    def render_buttons(self, row: OutboxMessage, lang: str | None) -> InlineKeyboardMarkup | None:
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

    async def _send(self, row: OutboxMessage) -> int | None:
        # Rendered now, in the recipient's language of today.
        text = self.render_text(row, row.language)
        markup = self.render_buttons(row, row.language)
        if row.edit_of:
            return await self._edit(row.chat_id, int(row.edit_of["message_id"]), text, markup)
        media = row.media or []
        paid = row.paid_broadcast or None  # Telegram's paid broadcast: 1,000 msg/s, for Stars
        mode = ParseMode.HTML if row.html else None
        if len(media) == 1 and len(text) <= CAPTION_LIMIT:
            return await self._send_single_media(row.chat_id, media[0], text, markup, paid, mode)
        for group in _media_groups(media):
            if len(group) == 1:
                await self._send_single_media(row.chat_id, group[0], None, None, paid)
            else:
                await self.bot.send_media_group(
                    row.chat_id,
                    media=[_input_media(m) for m in group],
                    allow_paid_broadcast=paid,
                )
        sent = await self.bot.send_message(
            row.chat_id, text, reply_markup=markup, allow_paid_broadcast=paid, parse_mode=mode
        )
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
        paid: bool | None = None,
        mode: ParseMode | None = None,
    ) -> int:
        senders: dict[MediaKind, Callable[..., Awaitable[Message]]] = {
            MediaKind.PHOTO: self.bot.send_photo,
            MediaKind.VIDEO: self.bot.send_video,
            MediaKind.VOICE: self.bot.send_voice,
        }
        send = senders.get(MediaKind(media["kind"]), self.bot.send_document)
        sent = await send(
            chat_id,
            media["file_id"],
            caption=caption,
            reply_markup=markup,
            allow_paid_broadcast=paid,
            parse_mode=mode,
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
