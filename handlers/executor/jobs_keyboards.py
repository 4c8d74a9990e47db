"""Keyboards of "My jobs", the pool and the job card."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.enums import Action
from domain.services.jobs import ETA_CHOICES, JobPage, PoolPage
from domain.services.requests import RequestCard
from fsm.executor import DutyCb, JobCb, JobEtaCb, JobListCb, PoolListCb
from handlers.resident.tracking_views import format_when


def _duty_button(builder: InlineKeyboardBuilder, t: BoundTranslator, on_duty: bool) -> None:
    builder.button(
        text=t("job-btn-go-off-duty" if on_duty else "job-btn-go-on-duty"),
        callback_data=DutyCb(on=not on_duty),
    )


def jobs_keyboard(
    t: BoundTranslator, page: JobPage, *, tz: ZoneInfo, now: datetime
) -> InlineKeyboardMarkup:
    """One button per job (with its nearest deadline), Prev/Next, the pool and the duty switch."""
    builder = InlineKeyboardBuilder()
    for item in page.items:
        due = item.complete_due_at or item.accept_due_at
        builder.button(
            text=t(
                "job-list-item",
                number=item.number,
                category=t(f"category-{item.category}"),
                status=t(f"status-{item.status}"),
                due=format_when(due, t.lang, tz, now) if due is not None else "—",
            ),
            callback_data=JobCb(action="open", request_id=item.id),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(text=t("nav-prev"), callback_data=JobListCb(page=page.page - 1))
    if page.page + 1 < page.pages:
        nav.button(text=t("nav-next"), callback_data=JobListCb(page=page.page + 1))
    builder.attach(nav)
    tail = InlineKeyboardBuilder()
    tail.button(text=t("job-btn-pool"), callback_data=PoolListCb(page=0))
    _duty_button(tail, t, page.on_duty)
    builder.attach(tail)
    return builder.as_markup()


def pool_keyboard(t: BoundTranslator, page: PoolPage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=t(
                "job-pool-item",
                number=item.number,
                category=t(f"category-{item.category}"),
                urgency=t(f"urgency-{item.urgency}"),
            ),
            callback_data=JobCb(action="open", request_id=item.id),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(text=t("nav-prev"), callback_data=PoolListCb(page=page.page - 1))
    if page.page + 1 < page.pages:
        nav.button(text=t("nav-next"), callback_data=PoolListCb(page=page.page + 1))
    builder.attach(nav)
    tail = InlineKeyboardBuilder()
    tail.button(text=t("job-btn-my-jobs"), callback_data=JobListCb(page=0))
    _duty_button(tail, t, page.on_duty)
    builder.attach(tail)
    return builder.as_markup()


_ACTION_BUTTONS: tuple[tuple[Action, str, str], ...] = (
    (Action.CLAIM, "claim", "job-btn-claim"),
    (Action.ACCEPT, "accept", "job-btn-accept"),
    (Action.START, "start", "job-btn-start"),
    (Action.RESUME, "resume", "job-btn-resume"),
    (Action.COMPLETE, "complete", "job-btn-complete"),
)


def job_keyboard(
    t: BoundTranslator, card: RequestCard, *, claim_enabled: bool = True
) -> InlineKeyboardMarkup:
    """Only the steps the executor may take now (``allowed_actions``): no dead buttons."""
    request_id = card.state.id
    builder = InlineKeyboardBuilder()
    for action, name, key in _ACTION_BUTTONS:
        if action not in card.actions:
            continue
        if action is Action.CLAIM and not claim_enabled:
            continue
        builder.button(text=t(key), callback_data=JobCb(action=name, request_id=request_id))
    if Action.HOLD in card.actions:
        builder.button(
            text=t("job-btn-materials"),
            callback_data=JobCb(action="materials", request_id=request_id),
        )
        builder.button(
            text=t("job-btn-ask"), callback_data=JobCb(action="ask", request_id=request_id)
        )
    if Action.DECLINE in card.actions:
        builder.button(
            text=t("job-btn-decline"), callback_data=JobCb(action="decline", request_id=request_id)
        )
    builder.button(text=t("job-btn-my-jobs"), callback_data=JobListCb(page=0))
    builder.adjust(2)
    return builder.as_markup()


def eta_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for minutes in ETA_CHOICES:
        builder.button(
            text=t("job-btn-eta", minutes=minutes),
            callback_data=JobEtaCb(request_id=request_id, minutes=minutes),
        )
    builder.button(
        text=t("job-btn-start-now"), callback_data=JobEtaCb(request_id=request_id, minutes=0)
    )
    builder.button(
        text=t("job-btn-abort"), callback_data=JobCb(action="abort", request_id=request_id)
    )
    builder.adjust(len(ETA_CHOICES), 1, 1)
    return builder.as_markup()


def abort_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("job-btn-abort"), callback_data=JobCb(action="abort", request_id=request_id)
    )
    return builder.as_markup()


def photos_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("job-btn-photos-done"),
        callback_data=JobCb(action="photos_done", request_id=request_id),
    )
    builder.button(
        text=t("job-btn-abort"), callback_data=JobCb(action="abort", request_id=request_id)
    )
    return builder.as_markup()
