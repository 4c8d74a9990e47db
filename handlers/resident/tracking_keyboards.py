"""Keyboards of "My requests", the request card and closing the loop."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.enums import Action
from domain.services.requests import RequestCard, RequestPage
from fsm.tracking import (
    CloseLoopCb,
    RateCb,
    RateSkipCb,
    TrackCb,
    TrackListCb,
    TrackOpenCb,
)


def list_keyboard(t: BoundTranslator, page: RequestPage) -> InlineKeyboardMarkup:
    """One button per request, Prev/Next, and the switch between active and archive."""
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=t(
                "tracking-list-item",
                number=item.number,
                category=t(f"category-{item.category}"),
                status=t(f"status-{item.status}"),
            ),
            callback_data=TrackOpenCb(request_id=item.id, archive=page.archive, page=page.page),
        )
    builder.adjust(1)
    nav = InlineKeyboardBuilder()
    if page.page > 0:
        nav.button(
            text=t("nav-prev"), callback_data=TrackListCb(archive=page.archive, page=page.page - 1)
        )
    if page.page + 1 < page.pages:
        nav.button(
            text=t("nav-next"), callback_data=TrackListCb(archive=page.archive, page=page.page + 1)
        )
    builder.attach(nav)
    switch = InlineKeyboardBuilder()
    switch.button(
        text=t("tracking-show-active" if page.archive else "tracking-show-archive"),
        callback_data=TrackListCb(archive=not page.archive, page=0),
    )
    builder.attach(switch)
    return builder.as_markup()


def card_keyboard(t: BoundTranslator, card: RequestCard, back: TrackListCb) -> InlineKeyboardMarkup:
    """Only what the viewer may do now: no dead buttons."""
    request_id = card.state.id
    builder = InlineKeyboardBuilder()
    if card.can_comment:
        builder.button(
            text=t("tracking-btn-comment"),
            callback_data=TrackCb(action="comment", request_id=request_id),
        )
        builder.button(
            text=t("tracking-btn-photos"),
            callback_data=TrackCb(action="photos", request_id=request_id),
        )
    if Action.ACCEPT_WORK in card.actions:
        builder.button(
            text=t("notify-accept-work"),
            callback_data=CloseLoopCb(action="accept", request_id=request_id),
        )
    if Action.RETURN_WORK in card.actions:
        builder.button(
            text=t("notify-return-work"),
            callback_data=CloseLoopCb(action="return", request_id=request_id),
        )
    if Action.CANCEL in card.actions:
        builder.button(
            text=t("tracking-btn-cancel"),
            callback_data=TrackCb(action="cancel", request_id=request_id),
        )
    builder.button(text=t("tracking-btn-back"), callback_data=back)
    builder.adjust(2)
    return builder.as_markup()


def abort_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("tracking-btn-abort"), callback_data=TrackCb(action="abort", request_id=request_id)
    )
    return builder.as_markup()


def photos_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("tracking-btn-done"),
        callback_data=TrackCb(action="photos_done", request_id=request_id),
    )
    builder.button(
        text=t("tracking-btn-abort"), callback_data=TrackCb(action="abort", request_id=request_id)
    )
    return builder.as_markup()


def stars_keyboard(t: BoundTranslator, request_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for stars in range(1, 6):
        builder.button(
            text=t("tracking-rate-button", stars=stars),
            callback_data=RateCb(request_id=request_id, stars=stars),
        )
    builder.button(
        text=t("tracking-btn-abort"), callback_data=TrackCb(action="abort", request_id=request_id)
    )
    builder.adjust(5, 1)
    return builder.as_markup()


def skip_keyboard(t: BoundTranslator, request_id: int, stars: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("tracking-btn-skip"), callback_data=RateSkipCb(request_id=request_id, stars=stars)
    )
    return builder.as_markup()
