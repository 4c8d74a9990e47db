"""The update journal: every update is handled exactly once, even across crashes.

An update is written here, as Telegram sent it, before it is handled (before the
poller confirms its offset, before the webhook answers). Handling it is an *attempt*:
a random token with a short lease that the handling process keeps renewing.

* The change an update causes and the record that it was handled are one transaction:
  the unit of work marks the update handled in its commit (``mark_handled``), guarded by
  the attempt's token. A crash before that commit leaves nothing written and the update
  unhandled; a crash after it leaves both.
* An update whose handler wrote nothing to the database is marked handled when the
  handler returns (``finish``).
* An update nobody finished and whose lease ran out (its process died) is claimed again
  by any process (``claim_stale``) or by Telegram's redelivery (``receive``), and
  handled once more. If the first attempt was only slow, not dead, the guard makes its
  commit fail (``UpdateTakenOver``): only one attempt's change is ever committed.

Rows are kept for ``KEEP`` after they arrive; an update that still failed to finish
after ``MAX_ATTEMPTS`` (one that kills its process each time) is given up with an error.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.types import BigInteger, Interval, Text

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)
"""Telegram redelivers an update within minutes, never days later."""

LEASE = timedelta(seconds=5)
"""How long an attempt holds its update without renewing: a crashed process's updates
are handled again this long after it died."""

MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Claim:
    """One attempt at handling one update."""

    bot_id: int
    update_id: int
    attempt: str
    attempts: int = 1


current_claim: contextvars.ContextVar[Claim | None] = contextvars.ContextVar(
    "current_claim", default=None
)
"""The attempt the running code works for; set around an update's handlers."""


def detached_context() -> contextvars.Context:
    """The current context outside any update, for background work started while one is
    handled: its commits must not mark that update handled (it might commit before the
    update's own change, which a crash would then lose)."""
    context = contextvars.copy_context()
    context.run(current_claim.set, None)
    return context


class UpdateTakenOver(RuntimeError):
    """Another attempt took this update over (this one was too slow): nothing of this
    attempt may be committed."""


# The first delivery is claimed at once. A redelivery is claimed only when nobody
# finished it and its attempt's lease ran out; else it is skipped (not returned).
_RECEIVE = text(
    """
    INSERT INTO inbox_updates AS i (bot_id, update_id, payload, attempt, attempts, lease_until)
    SELECT :bot_id, u.update_id, CAST(u.payload AS jsonb), md5(random()::text), 1,
           now() + :lease
    FROM unnest(CAST(:update_ids AS bigint[]), CAST(:payloads AS text[])) AS u(update_id, payload)
    ON CONFLICT (bot_id, update_id) DO UPDATE
       SET attempt = excluded.attempt, attempts = i.attempts + 1,
           lease_until = excluded.lease_until
     WHERE i.handled_at IS NULL AND i.lease_until < now() AND i.attempts < :max_attempts
    RETURNING i.update_id, i.attempt, i.attempts
    """
).bindparams(
    bindparam("update_ids", type_=ARRAY(BigInteger)),
    bindparam("payloads", type_=ARRAY(Text)),
    bindparam("lease", type_=Interval),
)

_CLAIM_STALE = text(
    """
    UPDATE inbox_updates AS i
       SET attempt = md5(random()::text), attempts = i.attempts + 1,
           lease_until = now() + :lease
      FROM (SELECT bot_id, update_id FROM inbox_updates
             WHERE bot_id = :bot_id AND handled_at IS NULL AND lease_until < now()
               AND attempts < :max_attempts
             ORDER BY update_id LIMIT :limit
             FOR UPDATE SKIP LOCKED) AS due
     WHERE i.bot_id = due.bot_id AND i.update_id = due.update_id
    RETURNING i.update_id, i.attempt, i.attempts, i.payload
    """
).bindparams(bindparam("lease", type_=Interval))

_GIVE_UP = text(
    """
    UPDATE inbox_updates SET handled_at = now(), outcome = 'given up', lease_until = NULL
     WHERE bot_id = :bot_id AND handled_at IS NULL AND lease_until < now()
       AND attempts >= :max_attempts
    RETURNING update_id
    """
)

_RENEW = text(
    """
    UPDATE inbox_updates SET lease_until = now() + :lease
     WHERE attempt = ANY(:attempts) AND handled_at IS NULL
    """
).bindparams(bindparam("lease", type_=Interval), bindparam("attempts", type_=ARRAY(Text)))

# coalesce: a second commit of the same attempt (a handler with two units of work)
# keeps the first time.
_MARK_HANDLED = text(
    """
    UPDATE inbox_updates
       SET handled_at = coalesce(handled_at, now()), outcome = coalesce(outcome, :outcome),
           lease_until = NULL
     WHERE bot_id = :bot_id AND update_id = :update_id AND attempt = :attempt
    RETURNING update_id
    """
)

_PRUNE = text(
    """
    DELETE FROM inbox_updates
     WHERE (bot_id, update_id) IN (
           SELECT bot_id, update_id FROM inbox_updates
            WHERE received_at < :before AND (handled_at IS NOT NULL OR lease_until < now())
            LIMIT :batch)
    """
)


async def mark_handled(session: AsyncSession, claim: Claim, outcome: str = "done") -> None:
    """In the unit of work's transaction: this attempt's update is handled by it.
    Raises ``UpdateTakenOver`` when another attempt owns the update now."""
    marked = await session.execute(_MARK_HANDLED, _mark_params(claim, outcome))
    if marked.first() is None:
        raise UpdateTakenOver(f"update {claim.update_id} is handled by another attempt")


def _mark_params(claim: Claim, outcome: str) -> dict[str, Any]:
    return {
        "bot_id": claim.bot_id,
        "update_id": claim.update_id,
        "attempt": claim.attempt,
        "outcome": outcome,
    }


class SqlUpdateInbox:
    def __init__(self, engine: AsyncEngine, *, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.lease = lease

    async def receive(self, bot_id: int, updates: Sequence[Mapping[str, Any]]) -> list[Claim]:
        """Journals the updates (one statement) and claims those this process should
        handle now: first deliveries, and redeliveries nobody is handling."""
        unique = {int(update["update_id"]): update for update in updates}
        if not unique:
            return []
        async with self.engine.begin() as conn:
            rows = await conn.execute(
                _RECEIVE,
                {
                    "bot_id": bot_id,
                    "update_ids": list(unique),
                    "payloads": [_dumps(update) for update in unique.values()],
                    "lease": self.lease,
                    "max_attempts": MAX_ATTEMPTS,
                },
            )
            claimed = {
                row.update_id: Claim(bot_id, row.update_id, row.attempt, row.attempts)
                for row in rows
            }
        return [claimed[update_id] for update_id in unique if update_id in claimed]

    async def claim_stale(
        self, bot_id: int, *, limit: int = 50
    ) -> list[tuple[Claim, dict[str, Any]]]:
        """Updates whose attempt died: claimed again, oldest first, with their payload."""
        async with self.engine.begin() as conn:
            given_up = (
                (await conn.execute(_GIVE_UP, {"bot_id": bot_id, "max_attempts": MAX_ATTEMPTS}))
                .scalars()
                .all()
            )
            rows = (
                await conn.execute(
                    _CLAIM_STALE,
                    {
                        "bot_id": bot_id,
                        "lease": self.lease,
                        "max_attempts": MAX_ATTEMPTS,
                        "limit": limit,
                    },
                )
            ).all()
        for update_id in given_up:
            log.error(
                "update given up: its handling did not finish in %d attempts",
                MAX_ATTEMPTS,
                extra={"update_id": update_id},
            )
        claims = [
            (Claim(bot_id, row.update_id, row.attempt, row.attempts), dict(row.payload))
            for row in rows
        ]
        return sorted(claims, key=lambda found: found[0].update_id)

    async def unhandled(self, bot_id: int, update_id: int) -> bool:
        """Whether the update is journaled and nobody finished it yet."""
        async with self.engine.connect() as conn:
            found = await conn.scalar(
                text(
                    "SELECT handled_at IS NULL FROM inbox_updates"
                    " WHERE bot_id = :bot_id AND update_id = :update_id"
                ),
                {"bot_id": bot_id, "update_id": update_id},
            )
        return bool(found)

    async def renew(self, attempts: Iterable[str]) -> None:
        """Extends the leases of the attempts still running here."""
        running = list(attempts)
        if running:
            async with self.engine.begin() as conn:
                await conn.execute(_RENEW, {"attempts": running, "lease": self.lease})

    async def finish(self, claim: Claim, outcome: str = "done") -> bool:
        """Marks the update handled by this attempt, unless another attempt took it over
        (False); a unit of work that committed has marked it already (kept as it was)."""
        async with self.engine.begin() as conn:
            marked = await conn.execute(_MARK_HANDLED, _mark_params(claim, outcome))
            return marked.first() is not None

    async def prune(self, now: datetime, *, batch: int = 10_000) -> int:
        """Forgets updates received before ``now - KEEP``; returns how many."""
        async with self.engine.begin() as conn:
            result = await conn.execute(_PRUNE, {"before": now - KEEP, "batch": batch})
            return result.rowcount or 0


def _dumps(update: Mapping[str, Any]) -> str:
    dumped = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in dumped or not _utf8(dumped):
        # jsonb cannot hold a NUL character, nor UTF-8 a lone surrogate (half an emoji,
        # escaped in the JSON): the journal's copy gets U+FFFD instead (the update itself
        # is handled as it came), rather than the whole update going unjournaled as if
        # the database were down. Rare enough to clean only then.
        dumped = json.dumps(_cleaned(update), ensure_ascii=False, separators=(",", ":"))
    return dumped


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        # lone surrogates become U+FFFD (a str holds a valid pair as one character)
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value.replace("\x00", "\ufffd")
    if isinstance(value, Mapping):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value
