"""Texts of the manager's desk: the panel, queues, the staff card, the executor picker."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.durations import time_left
from bot.i18n import BoundTranslator
from domain.assignment import REASON_SPECIALIZATION, RankedCandidate
from domain.enums import CommentVisibility
from domain.services.deadlines import OpenFollowUp
from domain.services.desk import DeskItem, Panel, Picker, Queue, QueuePage
from domain.services.requests import RequestCard
from handlers.resident.tracking_views import format_when, plain, render_card

MAX_ADDRESS = 60


def render_panel(t: BoundTranslator, panel: Panel) -> str:
    return t("desk-panel-title")


def queue_button(t: BoundTranslator, queue: Queue, count: int) -> str:
    return t("desk-queue-button", name=t(f"desk-queue-{queue}"), count=count)


def item_line(t: BoundTranslator, item: DeskItem) -> str:
    address = plain(item.address, MAX_ADDRESS)
    if item.apartment:
        address = t("desk-item-apartment", address=address, apartment=item.apartment)
    if item.follow_up_reason is not None:  # the follow-ups queue: why, not the status
        return t(
            "escalation-follow-up-item",
            number=item.number,
            reason=t(f"follow-up-reason-{item.follow_up_reason}"),
            address=address,
        )
    return t(
        "desk-item",
        number=item.number,
        status=t(f"status-{item.status}"),
        category=t(f"category-{item.category}"),
        address=address,
    )


def render_queue(t: BoundTranslator, page: QueuePage, *, tz: ZoneInfo, now: datetime) -> str:
    name = t(f"desk-queue-{page.queue}")
    if page.total == 0:
        return t("desk-queue-empty", name=name)
    lines = [
        t("desk-queue-title", name=name, total=page.total, page=page.page + 1, pages=page.pages)
    ]
    lines += [
        t(
            "escalation-follow-up-line",
            number=item.number,
            reason=t(f"follow-up-reason-{item.follow_up_reason}"),
            due=format_when(item.follow_up_due, t.lang, tz, now),
            left=time_left(t, item.follow_up_due, now),
        )
        for item in page.items
        if item.follow_up_reason is not None and item.follow_up_due is not None
    ]
    if page.queue is Queue.VERIFICATION:
        lines += [
            t(
                "desk-link-line",
                name=plain(link.name, 40),
                address=plain(link.address, MAX_ADDRESS),
                apartment=link.apartment,
            )
            for link in page.links
        ]
    return "\n".join(lines)


def render_search(t: BoundTranslator, query: str, items: list[DeskItem]) -> str:
    if not items:
        return t("desk-search-empty", query=plain(query, 60))
    return t("desk-search-found", query=plain(query, 60), count=len(items))


def render_staff_card(
    t: BoundTranslator,
    card: RequestCard,
    *,
    viewer_id: int,
    tz: ZoneInfo,
    now: datetime,
    follow_up: OpenFollowUp | None = None,
) -> str:
    details = card.details
    extra = [
        t(
            "desk-card-author",
            name=plain(details.author_name or "—", 60),
            phone=details.author_phone or "—",
        )
    ]
    if follow_up is not None:
        extra.append(
            t(
                "escalation-follow-up-card",
                reason=t(f"follow-up-reason-{follow_up.reason}"),
                due=format_when(follow_up.due_at, t.lang, tz, now),
                left=time_left(t, follow_up.due_at, now),
            )
        )
    internal = {
        (comment.at, comment.text)
        for comment in details.comments
        if comment.visibility is CommentVisibility.INTERNAL
    }
    if internal:  # staff-only comments are marked as such
        timeline = tuple(
            replace(entry, text=t("desk-internal-mark", text=entry.text))
            if entry.action is None and (entry.at, entry.text) in internal
            else entry
            for entry in card.timeline
        )
        card = replace(card, timeline=timeline)
    body = render_card(t, card, viewer_id=viewer_id, tz=tz, now=now)
    head, _, rest = body.partition("\n")
    return "\n".join([head, *extra, rest])


def reason_text(t: BoundTranslator, ranked: RankedCandidate) -> str:
    parts = []
    for part in ranked.reason:
        params = dict(part.params)
        if part.key == REASON_SPECIALIZATION:
            params["specialization"] = t(f"specialization-{params['specialization']}")
        parts.append(t(part.key, **params))
    return ", ".join(parts)


def render_picker(t: BoundTranslator, picker: Picker) -> str:
    lines = [
        t(
            "desk-picker-title",
            number=picker.number,
            page=picker.page + 1,
            pages=picker.pages,
        )
    ]
    if not picker.items:
        lines.append(t("desk-picker-empty"))
    start = picker.page * 8
    lines += [
        t(
            "desk-picker-line",
            index=start + index + 1,
            name=plain(ranked.candidate.first_name or "—", 40),
            reason=reason_text(t, ranked),
        )
        for index, ranked in enumerate(picker.items)
    ]
    return "\n".join(lines)
