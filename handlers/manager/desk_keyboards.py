"""Keyboards of the manager's desk. Only buttons the viewer may press now."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.enums import Action, Category, HoldReason, Urgency
from domain.services.desk import DeskItem, Panel, Picker, Queue, QueuePage
from domain.services.requests import RequestCard
from domain.services.templates import RejectTemplate, RejectTemplates
from fsm.announcements import AnnounceCb
from fsm.callbacks import VerificationCb
from fsm.desk import (
    DeskCb,
    DeskItemCb,
    DeskPanelCb,
    DeskPickCb,
    DeskPickPageCb,
    DeskQueueCb,
    DeskSetCb,
)
from fsm.incidents import IncidentCb
from fsm.templates import TemplatesCb
from handlers.manager.desk_views import item_line, queue_button


def panel_keyboard(t: BoundTranslator, panel: Panel, *, outages: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for queue in Queue:
        builder.button(
            text=queue_button(t, queue, panel.counts.get(queue, 0)),
            callback_data=DeskQueueCb(queue=queue.value, page=0),
        )
    builder.button(text=t("desk-btn-search"), callback_data=DeskPanelCb(action="search"))
    builder.button(text=t("templates-btn-open"), callback_data=TemplatesCb(action="show"))
    builder.button(
        text=t("incident-btn-queue", count=outages), callback_data=IncidentCb(action="q", id=0)
    )
    builder.button(text=t("announce-btn-open"), callback_data=AnnounceCb(action="home"))
    builder.adjust(2)
    return builder.as_markup()


def queue_keyboard(t: BoundTranslator, page: QueuePage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=item_line(t, item),
            callback_data=DeskItemCb(request_id=item.id, queue=page.queue.value, page=page.page),
        )
    for link in page.links:
        builder.button(
            text=t("desk-btn-approve", apartment=link.apartment),
            callback_data=VerificationCb(action="approve", link_id=link.link_id),
        )
        builder.button(
            text=t("desk-btn-verify-reject"),
            callback_data=VerificationCb(action="reject", link_id=link.link_id),
        )
    builder.adjust(*([1] * len(page.items)), *([2] * len(page.links)))
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(
            text=t("nav-prev"),
            callback_data=DeskQueueCb(queue=page.queue.value, page=page.page - 1),
        )
    if page.page + 1 < page.pages:
        nav.button(
            text=t("nav-next"),
            callback_data=DeskQueueCb(queue=page.queue.value, page=page.page + 1),
        )
    builder.attach(nav)
    back = InlineKeyboardBuilder()
    back.button(text=t("desk-btn-panel"), callback_data=DeskPanelCb(action="show"))
    builder.attach(back)
    return builder.as_markup()


def results_keyboard(t: BoundTranslator, items: list[DeskItem]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(
            text=item_line(t, item), callback_data=DeskCb(action="card", request_id=item.id)
        )
    builder.button(text=t("desk-btn-panel"), callback_data=DeskPanelCb(action="show"))
    builder.adjust(1)
    return builder.as_markup()


_ACTION_BUTTONS: tuple[tuple[Action, str, str], ...] = (
    (Action.ASSIGN, "assign", "desk-btn-assign"),
    (Action.REASSIGN, "assign", "desk-btn-reassign"),
    (Action.CONFIRM_COMPLETION, "confirm", "desk-btn-confirm"),
    (Action.CLOSE_ON_BEHALF, "close", "desk-btn-close"),
    (Action.HOLD, "hold", "desk-btn-hold"),
    (Action.RESUME, "resume", "desk-btn-resume"),
    (Action.CHANGE_CATEGORY, "cat", "desk-btn-category"),
    (Action.CHANGE_URGENCY, "urg", "desk-btn-urgency"),
    (Action.REJECT, "reject", "desk-btn-reject"),
    (Action.CANCEL, "dup", "desk-btn-duplicate"),
)


FOLLOW_UP_ACTION = "followup"
"""``DeskCb.action`` of "close the follow up" on the card (asks for a comment)."""


def card_keyboard(
    t: BoundTranslator,
    card: RequestCard,
    back: DeskQueueCb | DeskPanelCb | None = None,
    *,
    follow_up: bool = False,
) -> InlineKeyboardMarkup:
    request_id = card.state.id
    builder = InlineKeyboardBuilder()
    if follow_up:
        builder.button(
            text=t("escalation-btn-close-follow-up"),
            callback_data=DeskCb(action=FOLLOW_UP_ACTION, request_id=request_id),
        )
    for action, name, key in _ACTION_BUTTONS:
        if action in card.actions:
            builder.button(text=t(key), callback_data=DeskCb(action=name, request_id=request_id))
    if card.can_comment:
        builder.button(
            text=t("desk-btn-comment"),
            callback_data=DeskCb(action="comment", request_id=request_id),
        )
    if card.details.media_count:
        builder.button(
            text=t("desk-btn-media", count=card.details.media_count),
            callback_data=DeskCb(action="media", request_id=request_id),
        )
    builder.button(text=t("desk-btn-back"), callback_data=back or DeskPanelCb(action="show"))
    builder.adjust(2)
    return builder.as_markup()


def picker_keyboard(t: BoundTranslator, picker: Picker) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    start = picker.page * 8
    for index, ranked in enumerate(picker.items):
        builder.button(
            text=t(
                "desk-picker-button",
                index=start + index + 1,
                name=ranked.candidate.first_name or "—",
            ),
            callback_data=DeskPickCb(request_id=picker.request_id, executor_id=ranked.user_id),
        )
    builder.adjust(2)
    nav = InlineKeyboardBuilder()
    if picker.page > 0:
        nav.button(
            text=t("nav-prev"),
            callback_data=DeskPickPageCb(request_id=picker.request_id, page=picker.page - 1),
        )
    if picker.page + 1 < picker.pages:
        nav.button(
            text=t("nav-next"),
            callback_data=DeskPickPageCb(request_id=picker.request_id, page=picker.page + 1),
        )
    builder.attach(nav)
    builder.attach(_abort(t, picker.request_id))
    return builder.as_markup()


def _abort(t: BoundTranslator, request_id: int) -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("desk-btn-abort"), callback_data=DeskCb(action="abort", request_id=request_id)
    )
    return builder


def abort_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    return _abort(t, request_id).as_markup()


def choice_keyboard(
    t: BoundTranslator, request_id: int, field: str, current: str | None = None
) -> InlineKeyboardMarkup:
    """Categories, urgencies or hold reasons."""
    builder = InlineKeyboardBuilder()
    options: list[tuple[str, str]]
    if field == "cat":
        options = [(c.value, t(f"category-{c}")) for c in Category if c.value != current]
    elif field == "urg":
        options = [(u.value, t(f"urgency-{u}")) for u in Urgency if u.value != current]
    else:
        options = [(h.value, t(f"tracking-hold-{h}")) for h in HoldReason]
    for value, text in options:
        builder.button(
            text=text, callback_data=DeskSetCb(request_id=request_id, field=field, value=value)
        )
    builder.adjust(2)
    builder.attach(_abort(t, request_id))
    return builder.as_markup()


def template_text(t: BoundTranslator, template: RejectTemplate) -> str:
    """A stored reason as typed; a built-in one in the viewer's language."""
    return t(template.key) if template.key is not None else template.text or ""


def reject_value(index: int, version: str) -> str:
    """``DeskSetCb.value`` of a reject template button: ``<index>.<list version>``."""
    return f"{index}.{version}"


def reject_keyboard(
    t: BoundTranslator, request_id: int, templates: RejectTemplates
) -> InlineKeyboardMarkup:
    """The reasons offered (the reason may also be typed); buttons carry the index only."""
    builder = InlineKeyboardBuilder()
    for index, template in enumerate(templates.items):
        builder.button(
            text=template_text(t, template),
            callback_data=DeskSetCb(
                request_id=request_id, field="rej", value=reject_value(index, templates.version)
            ),
        )
    builder.adjust(1)
    builder.attach(_abort(t, request_id))
    return builder.as_markup()


def open_in_bot_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("desk-btn-open"), callback_data=DeskCb(action="open", request_id=request_id)
    )
    return builder.as_markup()
