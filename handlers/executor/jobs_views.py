"""Texts of "My jobs", the pool and the job card, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import BoundTranslator
from domain.enums import PlaceKind
from domain.services.jobs import JobPage, PoolPage
from domain.services.request_notifications import map_link
from domain.services.requests import RequestCard
from handlers.resident.tracking_views import format_deadline, format_when, plain

MAX_DESCRIPTION = 800
MAX_COMMENTS = 3
"""Latest comments shown on the job card (answers to the executor's questions)."""


def render_jobs(t: BoundTranslator, page: JobPage) -> str:
    duty = t("job-duty-on" if page.on_duty else "job-duty-off")
    if page.total == 0:
        return t("job-list-empty", duty=duty)
    return t("job-list", total=page.total, page=page.page + 1, pages=page.pages, duty=duty)


def render_pool(t: BoundTranslator, page: PoolPage) -> str:
    lines = [
        t("job-pool-empty")
        if page.total == 0
        else t("job-pool", total=page.total, page=page.page + 1, pages=page.pages)
    ]
    if not page.claim_enabled:
        lines.append(t("job-pool-read-only"))
    elif not page.on_duty:
        lines.append(t("job-pool-off-duty"))
    return "\n".join(lines)


def _place(t: BoundTranslator, card: RequestCard) -> str:
    details = card.details
    if details.place_kind is PlaceKind.APARTMENT and details.apartment_number:
        return t(
            "job-card-apartment",
            address=details.address,
            apartment=details.apartment_number,
            entrance=details.entrance_number or "—",
        )
    return t(
        "job-card-common",
        address=details.address,
        place=t(f"place-{details.place_kind}"),
    )


def render_job(t: BoundTranslator, card: RequestCard, *, tz: ZoneInfo, now: datetime) -> str:
    state, details = card.state, card.details
    lines = [
        t("job-card-title", number=state.number),
        t("job-card-status", status=t(f"status-{state.status}")),
        t(
            "job-card-category",
            category=t(f"category-{state.category}"),
            urgency=t(f"urgency-{state.urgency}"),
        ),
        _place(t, card),
    ]
    pin = map_link(details.lat, details.lon)
    if pin:
        lines.append(t("job-card-map", url=pin))
    if details.access_mode is not None and details.time_slot is not None:
        lines.append(
            t(
                "job-card-access",
                access=t(f"access-{details.access_mode}"),
                slot=t(f"timeslot-{details.time_slot}"),
            )
        )
    lines.append(
        t(
            "job-card-resident",
            name=details.author_name or "—",
            phone=details.author_phone or "—",
        )
    )
    lines.append(t("job-card-description", description=plain(details.description, MAX_DESCRIPTION)))
    if card.accept_due is not None:
        lines.append(t("job-card-accept-due", due=format_deadline(t, card.accept_due, tz, now)))
    if card.complete_due is not None:
        lines.append(t("job-card-complete-due", due=format_deadline(t, card.complete_due, tz, now)))
    if card.paused and state.hold_reason is not None:
        lines.append(t("job-card-paused", reason=t(f"tracking-hold-{state.hold_reason}")))
    if details.media_count:
        lines.append(t("job-card-files", count=details.media_count))
    comments = [entry for entry in card.timeline if entry.action is None and entry.text]
    for entry in comments[-MAX_COMMENTS:]:
        lines.append(
            t(
                "job-card-comment",
                at=format_when(entry.at, t.lang, tz, now),
                who=entry.author_name or "—",
                text=plain(entry.text or "", 200),
            )
        )
    return "\n".join(lines)
