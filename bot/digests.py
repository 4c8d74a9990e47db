"""Digests: the numbers of a period as a chat message with a chart, on demand from the
Reports screen and, on schedule, daily (yesterday) and weekly (last week on Mondays).

A scheduled digest is sent once per period however many processes run: the process
whose claim of the ``report_digests`` row (unique per kind and period) wins sends it
to every recipient, each with the numbers of their own scope (a manager: their
buildings; an admin: everything). The digest goes straight to the recipients (not
through the outbox): its chart is a freshly rendered PNG, not a stored file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.charts import ChartLabels, chart_png
from bot.i18n import BoundTranslator
from bot.services import Services
from domain.clock import Clock
from domain.errors import DomainError
from domain.services.desk_settings import DeskSettings
from domain.services.reports import (
    DigestKind,
    DigestNumbers,
    Period,
    ReportScope,
    digest_period,
    percent,
    report_scope,
)
from storage.repositories.reports import SqlDigestLog, SqlReportsRepository
from storage.repositories.settings import SqlSettingsRepository
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

DIGEST_TICK = 60.0
"""Seconds between checks whether a digest is due."""


@dataclass(frozen=True)
class Digest:
    text: str
    chart: bytes
    numbers: DigestNumbers


def _duration(t: BoundTranslator, value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(t("settings-unit-days", n=days))
    if hours:
        parts.append(t("settings-unit-hours", n=hours))
    if minutes or not parts:
        parts.append(t("settings-unit-minutes", n=minutes))
    return " ".join(parts)


def _share(part: int, whole: int) -> str:
    value = percent(part, whole)
    return "—" if value is None else f"{value}% ({part}/{whole})"


def period_text(period: Period) -> str:
    if period.start == period.end:
        return f"{period.start:%d.%m.%Y}"
    return f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}"


def render_digest(t: BoundTranslator, numbers: DigestNumbers, period: Period, scope: str) -> str:
    n = numbers
    lines = [
        t("digest-title", period=period_text(period)),
        t("digest-scope", scope=scope),
        "",
        t("digest-flow", created=n.created, closed=n.closed, cancelled=n.cancelled),
        t("digest-now", open=n.open_now, overdue=n.overdue_now),
        "",
        t("digest-sla-title"),
    ]
    if not n.sla:
        lines.append(t("digest-none"))
    for share in n.sla:
        lines.append(
            t(
                "digest-sla-line",
                urgency=t(f"urgency-{share.urgency.value}"),
                accepted=_share(share.accept_met, share.accept_total),
                completed=_share(share.complete_met, share.complete_total),
            )
        )
    lines += [
        t(
            "digest-medians",
            accept=_duration(t, n.median_accept),
            complete=_duration(t, n.median_complete),
        ),
        t(
            "digest-rating",
            average="—" if n.average_rating is None else f"{n.average_rating:.2f}",
            count=n.ratings,
            low=n.low_ratings,
        ),
        "",
        t("digest-executors-title"),
    ]
    if not n.executors:
        lines.append(t("digest-none"))
    for line in n.executors[:15]:
        lines.append(
            t(
                "digest-executor-line",
                name=line.name,
                closed=line.closed,
                late=line.late,
                rating="—" if line.rating is None else f"{line.rating:.1f}",
                open=line.open_now,
            )
        )
    top = ", ".join(f"{t(f'category-{c.value}')} {count}" for c, count in n.categories)
    lines += ["", t("digest-categories", list=top or "—")]
    return "\n".join(lines)


def chart_labels(t: BoundTranslator, period: Period) -> ChartLabels:
    return ChartLabels(
        title=t("digest-chart-title", period=period_text(period)),
        created=t("digest-chart-created"),
        closed=t("digest-chart-closed"),
        sla=t("digest-chart-sla"),
    )


class DigestReads(Protocol):
    """What a digest reads of the bot's services (``Services`` is one)."""

    @property
    def clock(self) -> Clock: ...
    @property
    def tz(self) -> ZoneInfo: ...
    def reader(self) -> SqlUnitOfWork: ...


async def scope_label(services: DigestReads, t: BoundTranslator, scope: ReportScope) -> str:
    if scope.building_id is not None:
        async with services.reader() as uow:
            address = await SqlDigestLog(uow.session).building_address(scope.building_id)
        return address or "—"
    if scope.scope.building_ids is None:
        return t("reports-scope-all")
    return t("reports-scope-mine", count=len(scope.scope.building_ids))


async def build_digest(
    services: DigestReads, t: BoundTranslator, scope: ReportScope, period: Period
) -> Digest:
    tz = services.tz
    start, end = period.bounds(tz)
    async with services.reader() as uow:
        numbers = await SqlReportsRepository(uow.session).digest_numbers(
            scope, start, end, services.clock.now(), tz
        )
    text = render_digest(t, numbers, period, await scope_label(services, t, scope))
    chart = await chart_png(numbers.days, chart_labels(t, period))
    return Digest(text, chart, numbers)


async def send_digest(bot: Bot, chat_id: int, digest: Digest, t: BoundTranslator) -> None:
    await bot.send_message(chat_id, digest.text)
    await bot.send_photo(
        chat_id,
        BufferedInputFile(digest.chart, filename="digest.png"),
        caption=t("digest-chart-caption"),
    )


def due_digests(settings: DeskSettings, local_now: datetime) -> list[DigestKind]:
    """The digests whose sending time has come today (each is sent once per period)."""
    if local_now.hour < settings.digest_hour:
        return []
    kinds = []
    if settings.digest_daily:
        kinds.append(DigestKind.DAILY)
    if settings.digest_weekly and local_now.weekday() == 0:
        kinds.append(DigestKind.WEEKLY)
    return kinds


class DigestSender:
    """Sends the scheduled digests; any number of processes may run it at once."""

    def __init__(self, services: Services, bot: Bot, *, interval: float = DIGEST_TICK) -> None:
        self.services = services
        self.bot = bot
        self.interval = interval
        self._scheduler: AsyncIOScheduler | None = None

    async def run_once(self) -> int:
        """Send what is due and not yet sent by anybody; returns the digests sent."""
        now = self.services.clock.now()
        local = now.astimezone(self.services.tz)
        async with self.services.reader() as uow:
            settings = await SqlSettingsRepository(uow.session).load()
        sent = 0
        for kind in due_digests(settings, local):
            period = digest_period(kind, local.date())
            async with self.services.uow() as uow:
                claimed = await SqlDigestLog(uow.session).claim(kind, period, now)
                await uow.commit()
            if claimed is None:
                continue
            recipients = await self._send(settings, period)
            async with self.services.uow() as uow:
                await SqlDigestLog(uow.session).sent(claimed, self.services.clock.now(), recipients)
                await uow.commit()
            log.info("digest sent", extra={"kind": kind.value, "recipients": recipients})
            sent += 1
        return sent

    async def _send(self, settings: DeskSettings, period: Period) -> int:
        async with self.services.reader() as uow:
            people = await SqlDigestLog(uow.session).recipients(settings.digest_recipients)
        count = 0
        for user_id, language in people:
            actor = await self.services.actor(user_id)
            if actor is None:
                continue
            t = self.services.translator.bind(language)
            try:
                scope = report_scope(actor)
                digest = await build_digest(self.services, t, scope, period)
                await send_digest(self.bot, user_id, digest, t)
            except (DomainError, TelegramAPIError) as error:
                log.warning("digest not delivered", extra={"user_id": user_id, "error": str(error)})
                continue
            count += 1
        return count

    async def _tick(self) -> None:
        try:
            await self.run_once()
        except Exception:
            log.exception("digest run failed")

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.interval,
            id="digests",
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        self._scheduler = scheduler

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
