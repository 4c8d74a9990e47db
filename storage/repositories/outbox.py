"""Outbox rows: written in the caller's transaction, claimed by delivery workers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    Integer,
    String,
    Text,
    bindparam,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.enums import OutboxState
from domain.services.notifications import Notification, Priority
from storage.models import Outbox, User, table_of

# Built once, executed with the rows as parameters (one INSERT for them all): Core,
# since the ORM's bulk insert path costs more than the statement itself.
_ADD = insert(table_of(Outbox)).on_conflict_do_nothing()


def notification_row(note: Notification) -> dict[str, object]:
    return {
        "chat_id": note.chat_id,
        "user_id": note.user_id,
        "template": note.template,
        "params": note.params,
        "buttons": [[b.to_json() for b in row] for row in note.buttons] or None,
        "media": [m.to_json() for m in note.media] or None,
        "edit_of": {"message_id": note.edit_of_message_id} if note.edit_of_message_id else None,
        "dedupe_key": note.dedupe_key,
        "priority": int(note.priority),
        "paid_broadcast": note.paid_broadcast,
        "html": note.html,
        "announcement_id": note.announcement_id,
    }


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A claimed row, with its recipient's language and reachability (a group has neither)."""

    id: int
    chat_id: int
    user_id: int | None
    template: str
    params: dict[str, Any]
    buttons: list[Any] | None
    media: list[Any] | None
    edit_of: dict[str, Any] | None
    attempts: int
    language: str | None
    unreachable: bool
    queued: int  # pending rows of the chat, this one included
    in_doubt: bool = False
    """Claimed before by a worker that died without writing the outcome: Telegram may
    have delivered it already (sending it again is the lesser evil: it is not lost)."""
    priority: int = Priority.PERSONAL
    paid_broadcast: bool = False
    html: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt did to its row."""

    id: int
    state: OutboxState
    attempts: int
    last_error: str | None = None
    next_attempt_at: datetime | None = None  # None keeps the row's
    sent_at: datetime | None = None
    sent_message_id: int | None = None


IN_FLIGHT = "in flight"
"""``last_error`` of a claimed row until its outcome is written: a row claimed again
with it was being sent when its worker died."""
SENT_AGAIN = "sent again after a crash: the recipient may have it twice"

# The first pending row of each chat, if it is due: a chat's later rows wait for it (order
# within a chat), and no worker holds two rows of one chat (a second one could not be sent
# before the chat's interval anyway). "First" is by priority, then age: a personal
# notification overtakes the announcements queued for the same chat, and personal rows
# (edits after sends) keep their order. ``busy`` are chats this worker has just sent to.
# Personal rows are claimed before bulk ones, and at most ``bulk_limit`` bulk rows per
# batch (about a second of sending), so a notification written behind an announcement to
# ten thousand residents waits for one small batch, not for the whole announcement.
# Claiming is a lease, not a lock held while sending: the claimed rows' next attempt moves
# to ``lease_until``, so no worker claims them (or their chats' later rows) meanwhile, and
# a worker that dies before writing the outcome leaves them to be sent again when the
# lease ends. Rows another worker is claiming at the same moment are skipped.
_CLAIM = (
    text(
        """
        WITH heads AS (
            SELECT DISTINCT ON (chat_id) id, count(*) OVER (PARTITION BY chat_id) AS queued
            FROM outbox
            WHERE state = 'pending' AND chat_id <> ALL(:busy)
            ORDER BY chat_id, priority, id
        ), due AS (
            SELECT o.id, o.priority, heads.queued, u.language,
                   coalesce(u.unreachable, false) AS unreachable,
                   coalesce(o.last_error = :in_flight, false) AS in_doubt
            FROM outbox AS o
            JOIN heads ON heads.id = o.id
            LEFT JOIN users AS u ON u.id = o.user_id
            WHERE o.state = 'pending' AND o.next_attempt_at <= :now
            ORDER BY o.priority, o.id
            LIMIT :limit
            FOR UPDATE OF o SKIP LOCKED
        ), picked AS (
            SELECT due.*, row_number() OVER (PARTITION BY due.priority ORDER BY due.id) AS rank
            FROM due
        )
        UPDATE outbox AS o SET next_attempt_at = :lease_until, last_error = :in_flight
        FROM picked AS due
        WHERE o.id = due.id AND (due.priority = 0 OR due.rank <= :bulk_limit)
        RETURNING o.id, o.chat_id, o.user_id, o.template, o.params, o.buttons, o.media,
                  o.edit_of, o.attempts, due.language, due.unreachable, due.queued,
                  due.in_doubt, o.priority, o.paid_broadcast, o.html
        """
    )
    .bindparams(
        bindparam("busy", type_=ARRAY(BigInteger)),
        bindparam("now", type_=DateTime(timezone=True)),
        bindparam("lease_until", type_=DateTime(timezone=True)),
        bindparam("limit", type_=Integer),
        bindparam("bulk_limit", type_=Integer),
    )
    .columns(
        Outbox.id,
        Outbox.chat_id,
        Outbox.user_id,
        Outbox.template,
        Outbox.params,
        Outbox.buttons,
        Outbox.media,
        Outbox.edit_of,
        Outbox.attempts,
        Outbox.priority,
        Outbox.paid_broadcast,
        Outbox.html,
        language=String,
        unreachable=Boolean,
        queued=Integer,
        in_doubt=Boolean,
    )
)

# The outcomes of a whole batch in one statement and one round trip, however many rows;
# only for rows still leased to this batch (a batch that outlived its lease lost its rows
# to another worker, whose outcome stands).
_RECORD = text(
    """
    UPDATE outbox SET
        state = done.state,
        attempts = done.attempts,
        last_error = done.last_error,
        next_attempt_at = coalesce(done.next_attempt_at, outbox.next_attempt_at),
        sent_at = done.sent_at,
        sent_message_id = done.sent_message_id
    FROM unnest(:ids, :states, :attempts, :errors, :next_attempts, :sent_ats, :message_ids)
        AS done(id, state, attempts, last_error, next_attempt_at, sent_at, sent_message_id)
    WHERE outbox.id = done.id AND outbox.next_attempt_at = :lease_until
    """
).bindparams(
    bindparam("lease_until", type_=DateTime(timezone=True)),
    bindparam("ids", type_=ARRAY(BigInteger)),
    bindparam("states", type_=ARRAY(String)),
    bindparam("attempts", type_=ARRAY(Integer)),
    bindparam("errors", type_=ARRAY(Text)),
    bindparam("next_attempts", type_=ARRAY(DateTime(timezone=True))),
    bindparam("sent_ats", type_=ARRAY(DateTime(timezone=True))),
    bindparam("message_ids", type_=ARRAY(BigInteger)),
)


class OutboxRepository:
    """Writes rows in the caller's transaction (a session); delivery workers use it on a
    connection in autocommit mode, where claim and outcomes are one statement each."""

    def __init__(self, session: AsyncSession | AsyncConnection) -> None:
        self.session = session
        self.wrote = False
        """Rows were added in this transaction (the unit of work wakes delivery on commit)."""

    async def add(self, *notes: Notification) -> None:
        await self.add_many(notes)

    async def add_many(self, notes: Iterable[Notification]) -> None:
        rows = [notification_row(n) for n in notes]
        if not rows:
            return
        # A dedupe key makes re-enqueueing the same notification harmless.
        await self.session.execute(_ADD, rows)
        self.wrote = True

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        busy: Sequence[int] = (),
        *,
        lease_until: datetime,
        bulk_limit: int | None = None,
    ) -> list[OutboxMessage]:
        """Lease due rows to this worker until ``lease_until``, at most one per chat and
        none of ``busy`` chats; other workers do not claim them meanwhile (no double send).
        Personal rows first; at most ``bulk_limit`` bulk rows (default: ``limit``)."""
        result = await self.session.execute(
            _CLAIM,
            {
                "busy": list(busy),
                "now": now,
                "lease_until": lease_until,
                "limit": limit,
                "bulk_limit": limit if bulk_limit is None else bulk_limit,
                "in_flight": IN_FLIGHT,
            },
        )
        rows = sorted(result, key=lambda row: row.id)
        return [OutboxMessage(**row._mapping) for row in rows]

    async def record(self, outcomes: Sequence[Outcome], *, lease_until: datetime) -> None:
        """The outcomes of rows claimed with ``lease_until`` (rows leased again since
        are left alone)."""
        if not outcomes:
            return
        await self.session.execute(
            _RECORD,
            {
                "lease_until": lease_until,
                "ids": [o.id for o in outcomes],
                "states": [o.state.value for o in outcomes],
                "attempts": [o.attempts for o in outcomes],
                "errors": [o.last_error for o in outcomes],
                "next_attempts": [o.next_attempt_at for o in outcomes],
                "sent_ats": [o.sent_at for o in outcomes],
                "message_ids": [o.sent_message_id for o in outcomes],
            },
        )

    async def mark_unreachable(self, user_ids: Sequence[int], now: datetime) -> None:
        """Recipients who blocked the bot: their later messages are skipped unsent."""
        if user_ids:
            await self.session.execute(
                update(User)
                .where(User.id.in_(user_ids))
                .values(unreachable=True, unreachable_since=now)
            )
