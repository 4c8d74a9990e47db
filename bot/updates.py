"""Handling updates from the journal: each one once, even when a process dies.

Every way an update arrives (long polling, the webhook, a worker's pipe) goes through
``UpdateRunner.receive``: the update is journaled first (``storage.repositories.inbox``),
then handled by the dispatcher under its attempt (``current_claim``), so the unit of
work's commit marks it handled in the same transaction as the change it caused. While
attempts run, their leases are renewed; updates whose attempt died with its process are
claimed again and handled here (``redrive``).

When the journal itself cannot be written (the database is down), the updates are
handled anyway, unjournaled: their handlers then answer "temporarily unavailable"
(or work, if they need no database), rather than the person hearing nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import ValidationError
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from storage.log_context import bind_log_context
from storage.repositories.inbox import Claim, SqlUpdateInbox, current_claim

log = logging.getLogger(__name__)

Handoff = Callable[[Claim | None, Mapping[str, Any]], None]

EVENT_FIELDS = frozenset(Update.model_fields) - {"update_id"}
"""The kinds of update aiogram knows (``message``, ``callback_query``, ...)."""

REDRIVE_INTERVAL = 1.0
"""Seconds between looks for updates whose process died (and lease renewals)."""
REDELIVERY_POLL = 0.2
"""Seconds between looks at an update another attempt is handling (``receive_in_order``)."""
REDELIVERY_WAIT = 8.0
"""How long a redelivery waits for another attempt: past the 5 s lease of a dead one."""


class UpdateRunner:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        inbox: SqlUpdateInbox,
        *,
        handoff: Handoff | None = None,
        applied: Callable[[Claim], Awaitable[bool]] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.inbox = inbox
        self.handoff = handoff
        """Where updates go instead of being handled here (``bot.workers``)."""
        self.applied = applied
        """Whether an update's conversation changes were written (``fsm.storage``): one
        that wrote no database change is done then, though not recorded as handled."""
        self._running: dict[str, asyncio.Task[None]] = {}  # attempt → its handling
        self._unjournaled: set[asyncio.Task[None]] = set()
        self._unrecorded: dict[str, tuple[Claim, str]] = {}  # attempt → (claim, outcome)
        """Updates handled here whose "handled" could not be written (the database was
        down): written as soon as it is back, their leases kept meanwhile, so they are
        not handled again (their person was told to try again)."""
        self._journal_down = False

    async def receive(self, updates: Sequence[Mapping[str, Any]]) -> list[asyncio.Task[None]]:
        """Journals the updates and starts handling those that are this process's to
        handle (a redelivery someone else is handling, or that was handled, is not).
        Returns when the updates are durable; the returned tasks end when handled."""
        handling = (self.start(claim, update) for claim, update in await self.journal(updates))
        return [task for task in handling if task is not None]

    async def receive_in_order(
        self,
        update: Mapping[str, Any],
        *,
        timeout: float = REDELIVERY_WAIT,  # noqa: ASYNC109
    ) -> bool:
        """One update (the webhook's), handled before this returns: True when it was
        handled here or by another attempt, False when another attempt still runs after
        ``timeout``.

        A redelivery of an update another attempt is handling (one of several instances
        died under it, and the proxy sent the update to this one) waits for that attempt
        to finish, or takes the update over when the attempt's lease runs out: the answer
        releases the person's next update, which must not be handled before this one."""
        handling = await self.receive([update])
        deadline = asyncio.get_running_loop().time() + timeout
        update_id = int(update["update_id"])
        while not handling:
            try:
                if not await self.inbox.unhandled(self.bot.id, update_id):
                    return True
            except (SQLAlchemyError, OSError):
                return True  # the journal is away: as when it cannot be written
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(REDELIVERY_POLL)
            handling = await self.receive([update])  # claimed once the lease ran out
        await asyncio.wait(handling)
        return True

    async def journal(
        self, updates: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Claim | None, Mapping[str, Any]]]:
        """The updates to handle, each with its attempt (None: the journal is down)."""
        try:
            claims = await self.inbox.receive(self.bot.id, updates)
        except (SQLAlchemyError, OSError) as error:
            if not self._journal_down:
                log.warning("update journal unavailable, handling unjournaled: %s", error)
            self._journal_down = True
            return [(None, update) for update in updates]
        if self._journal_down:
            log.warning("update journal available again")
            self._journal_down = False
        by_id = {int(update["update_id"]): update for update in updates}
        return [(claim, by_id[claim.update_id]) for claim in claims]

    def start(self, claim: Claim | None, update: Mapping[str, Any]) -> asyncio.Task[None] | None:
        if self.handoff is not None:
            self.handoff(claim, update)
            return None
        task = asyncio.create_task(self._handle(claim, update))
        if claim is None:
            self._unjournaled.add(task)
            task.add_done_callback(self._unjournaled.discard)
        else:
            attempt = claim.attempt
            self._running[attempt] = task
            task.add_done_callback(lambda _: self._running.pop(attempt, None))
        return task

    async def _handle(self, claim: Claim | None, update: Mapping[str, Any]) -> None:
        kind = next((key for key in update if key != "update_id"), None)
        bind_log_context(update_id=update.get("update_id"), update_type=kind)
        outcome = "done"
        if claim is not None and claim.attempts > 1 and await self._applied(claim):
            log.info(
                "update was done before its process died", extra={"update_id": claim.update_id}
            )
            if not await self._finish(claim, outcome):
                self._unrecorded[claim.attempt] = (claim, outcome)
            return
        if not any(update.get(field) is not None for field in EVENT_FIELDS):
            # No event aiogram knows (a type newer than it, or junk): its middlewares
            # would fail on it as on a bug, so it is skipped here, logged once.
            log.warning(
                "update of no known type, skipped: %s",
                sorted(key for key in update if key != "update_id")[:5],
                extra={"update_id": update.get("update_id")},
            )
            outcome = "invalid"
        else:
            outcome = await self._dispatch(claim, update)
        if claim is not None and not await self._finish(claim, outcome):
            self._unrecorded[claim.attempt] = (claim, outcome)

    async def _dispatch(self, claim: Claim | None, update: Mapping[str, Any]) -> str:
        outcome = "done"
        token = current_claim.set(claim)
        try:
            await self.dispatcher.feed_raw_update(self.bot, dict(update))
        except ValidationError as error:  # not an update aiogram knows: it never will be
            log.warning(
                "update does not validate, skipped: %s",
                error.errors()[:3],
                extra={"update_id": update.get("update_id")},
            )
            outcome = "invalid"
        except Exception:
            log.exception("update failed", extra={"update_id": update.get("update_id")})
            outcome = "failed"  # handled: a bug would fail the same way again
        finally:
            current_claim.reset(token)
        return outcome

    async def _applied(self, claim: Claim) -> bool:
        if self.applied is None:
            return False
        try:
            return await self.applied(claim)
        except (RedisError, OSError):
            return False  # handled again: with Redis away it is answered "unavailable"

    async def _finish(self, claim: Claim, outcome: str) -> bool:
        """Writes that the update was handled; False while the database is away."""
        try:
            if not await self.inbox.finish(claim, outcome):
                log.warning(
                    "update was taken over while it ran", extra={"update_id": claim.update_id}
                )
        except (SQLAlchemyError, OSError) as error:
            log.warning("could not record update %s as handled: %s", claim.update_id, error)
            return False
        return True

    async def _record_handled(self) -> None:
        for attempt, (claim, outcome) in list(self._unrecorded.items()):
            if not await self._finish(claim, outcome):
                return
            del self._unrecorded[attempt]

    async def redrive(self, *, take_over: bool = True) -> None:
        """Keeps this process's attempts alive and (``take_over``) handles again the
        updates of dead processes; runs until cancelled."""
        while True:
            try:
                await self._record_handled()
                await self.inbox.renew([*self._running, *self._unrecorded])
                for claim, update in await self.inbox.claim_stale(self.bot.id) if take_over else ():
                    log.warning(
                        "handling update again: its earlier attempt did not finish",
                        extra={"update_id": claim.update_id, "attempts": claim.attempts},
                    )
                    self.start(claim, update)
            except (SQLAlchemyError, OSError) as error:
                log.debug("update redrive skipped: %s", error)
            await asyncio.sleep(REDRIVE_INTERVAL)

    async def wait_idle(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Waits for the updates being handled here to finish (at shutdown); those still
        running after ``timeout`` are handled again after the restart."""
        pending = [*self._running.values(), *self._unjournaled]
        if pending:
            await asyncio.wait(pending, timeout=timeout)


@contextlib.asynccontextmanager
async def redriving(runner: UpdateRunner, *, take_over: bool = True) -> AsyncIterator[UpdateRunner]:
    task = asyncio.create_task(runner.redrive(take_over=take_over), name="update-redrive")
    try:
        yield runner
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
