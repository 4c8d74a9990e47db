"""The deadline sweeper: APScheduler runs ``domain.services.deadlines.sweep``
(and, hourly, forgets processed update ids older than two days).

The schedule itself lives in Postgres (``sla_timers``), so APScheduler only
needs its in-memory job store: one interval job per process. Any number of
processes may sweep at once; row locks (``SKIP LOCKED``) share the work and a
timer fires once. After downtime the first run catches up: everything due is
claimed in batches and each request announces only its most severe news.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import metrics
from bot.services import Services
from domain.access import Actor
from domain.enums import Action
from domain.services.announcements import send_due_reminders
from domain.services.deadlines import SWEEP_BATCH, SweepReport, replan_batch, sweep
from domain.services.requests import record_action
from storage.outages import OutageLog, is_outage
from storage.repositories.inbox import SqlUpdateInbox

log = logging.getLogger(__name__)

OUTAGE_RETRY = 1.0
"""Seconds between sweeps while Postgres is unreachable."""


class DeadlineSweeper:
    def __init__(self, services: Services, *, interval: float, batch: int = SWEEP_BATCH) -> None:
        self.services = services
        self.interval = interval
        self.batch = batch
        self._scheduler: AsyncIOScheduler | None = None
        self._replan_again = False
        self._replanning = False
        self._outage = OutageLog(log, "deadline sweep")

    async def run_once(self) -> SweepReport:
        """Sweep until nothing due is left; returns the totals."""
        claimed = announced = postponed = auto_accepted = 0
        started = time.perf_counter()
        while True:
            now = self.services.clock.now()
            async with self.services.uow() as uow:

                async def auto_accept(request_id: int, now: datetime) -> None:
                    await record_action(uow, Actor.system(), request_id, Action.AUTO_ACCEPT, now)

                report = await sweep(uow, now, auto_accept, limit=self.batch)
            claimed += report.claimed
            announced += report.announced
            postponed += report.postponed
            auto_accepted += report.auto_accepted
            if report.claimed < self.batch:
                break
        total = SweepReport(claimed, announced, postponed, auto_accepted)
        metrics.SWEEP_SECONDS.observe(time.perf_counter() - started)
        for kind, count in (
            ("announced", announced),
            ("postponed", postponed),
            ("auto_accepted", auto_accepted),
        ):
            if count:
                metrics.TIMERS_FIRED.labels(kind).inc(count)
        await self.remind_planned_works()
        if not total.idle:
            log.info(
                "deadline sweep",
                extra={
                    "claimed": claimed,
                    "announced": announced,
                    "postponed": postponed,
                    "auto_accepted": auto_accepted,
                },
            )
        return total

    async def remind_planned_works(self) -> int:
        """Planned works starting within the hour remind their residents (each once,
        whichever process sweeps); returns the reminder messages written."""
        written = 0
        while True:
            now = self.services.clock.now()
            async with self.services.uow() as uow:
                batch = await send_due_reminders(uow, now, self.services.tz)
            if not batch.announcements:
                break
            written += batch.messages
            log.info(
                "planned works reminded",
                extra={"announcements": batch.announcements, "messages": batch.messages},
            )
        return written

    async def replan_all(self) -> int:
        """Re-plan every request that has deadlines with the current settings
        (returns the number of batches)."""
        done, after = 0, 0
        while True:
            async with self.services.uow() as uow:
                last = await replan_batch(uow, after, self.services.clock.now())
            if last is None:
                return done
            done += 1
            after = last

    def settings_changed(self) -> None:
        """An admin changed the deadline settings: open requests follow, in the background.

        Changes in quick succession cost one more pass, not one pass each.
        """
        if self._replanning:
            self._replan_again = True
            return
        self._replanning = True
        self.services.spawn(self._replan_until_settled(), "replan-deadlines")

    async def _replan_until_settled(self) -> None:
        try:
            while True:
                self._replan_again = False
                await self.replan_all()
                if not self._replan_again:
                    return
        finally:
            self._replanning = False

    async def _prune_inbox(self) -> None:
        try:
            pruned = await SqlUpdateInbox(self.services.engine).prune(self.services.clock.now())
        except Exception:
            log.exception("inbox prune failed")
            return
        if pruned:
            log.info("inbox pruned", extra={"updates": pruned})

    async def _tick(self) -> None:
        """One sweep. While Postgres is unreachable it is retried every ``OUTAGE_RETRY``
        seconds (up to the next tick), so deadlines are caught up within a second or two
        of its return, with one warning per outage; any other failure waits for the next
        tick (a failed batch rolled back whole)."""
        give_up = time.monotonic() + max(self.interval, OUTAGE_RETRY)
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:  # the bot is stopping (stop() cancels a running tick)
                log.info("deadline sweep interrupted by the stop; its batch rolled back")
                return
            except Exception as error:
                if not is_outage(error):
                    log.exception("deadline sweep failed")
                    return
                self._outage.failed(error)
                if time.monotonic() >= give_up:
                    return
                await asyncio.sleep(OUTAGE_RETRY)
            else:
                self._outage.succeeded()
                return

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.interval,
            id="deadline-sweep",
            max_instances=1,  # a slow sweep is never overlapped by the next tick
            coalesce=True,  # ticks missed while busy collapse into one
            next_run_time=datetime.now().astimezone(),  # catch up at start
        )
        scheduler.add_job(
            self._prune_inbox,
            "interval",
            hours=1,
            id="inbox-prune",
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        self._scheduler = scheduler
        # Plans made by an older release, or before a settings change another
        # process missed, are brought up to date once, in the background.
        self.settings_changed()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
