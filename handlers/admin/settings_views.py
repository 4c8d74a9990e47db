"""The admin's Settings screens: button data, conversation state, texts and keyboards.

``SettingsCb`` packs to ``cfg:<action>:<arg>`` (at most ~40 bytes): ``action`` one
of the ``A_*`` names below; ``arg`` a category, ``category.urgency[.kind]``, a
weekday number or an ISO date.
"""

from __future__ import annotations

from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import BoundTranslator
from bot.keyboards import InlineKeyboardBuilder
from domain.enums import Category, Urgency
from domain.services.desk_rules import BuildingsPage
from domain.services.desk_settings import DeskSettings
from domain.services.sla_settings import (
    SLA_KIND_ACCEPT,
    SLA_KIND_COMPLETE,
    SlaRow,
    duration_parts,
)
from fsm.api_clients import ApiClientsCb
from fsm.audit import AuditCb

# Button actions.
A_HOME = "home"  # the main screen
A_CATEGORY = "cat"  # arg: category → its SLA table
A_SLA = "sla"  # arg: category.urgency.kind → ask for a duration
A_BUSINESS_FLAG = "bflag"  # arg: category.urgency → toggle business hours
A_RESET = "reset"  # arg: category.urgency → back to the default
A_BUSINESS_HOURS = "hours"  # ask for the working day
A_WEEKDAYS = "days"  # the weekdays screen
A_WEEKDAY = "day"  # arg: 0..6 → toggle
A_HOLIDAYS = "hols"  # the holidays screen
A_HOLIDAY_ADD = "holadd"  # ask for a date
A_HOLIDAY_DEL = "holdel"  # arg: ISO date
A_QUIET = "quiet"  # ask for quiet hours
A_QUIET_OFF = "quietoff"
A_AUTO_ACCEPT = "aa"  # ask for the auto-accept delay
A_REMINDER = "aar"  # ask for the reminder
A_FOLLOW_UP = "fu"  # ask for the follow-up time
A_CANCEL = "cancel"  # arg: the screen to go back to (home | cat name | hols | desk)
A_DESK = "desk"  # the desk rules screen
A_PHONE = "phone"  # ask for the dispatcher phone
A_FLAG = "flag"  # arg: a FLAG_ARGS key → toggle yes/no
A_DIGEST_HOUR = "dhour"  # ask for the digests' hour
A_OUTAGE_COUNT = "outn"  # ask how many requests suggest an outage
A_OUTAGE_WINDOW = "outm"  # ask within how many minutes
A_RECIPIENTS = "drcp"  # next recipients choice
A_BUILDINGS = "blds"  # arg: page → auto-assignment per building
A_AUTO = "auto"  # arg: building_id.value(0|1).page → set auto-assignment

FLAG_ARGS = {
    "unv": "unverified_residents_may_file",
    "pool": "pool_claim_enabled",
    "dd": "digest_daily",
    "dw": "digest_weekly",
    "paid": "announcements_paid_broadcast",
}
"""Short button data → the yes/no setting."""

URGENCY_ICONS = {Urgency.EMERGENCY: "🔴", Urgency.URGENT: "🟠", Urgency.NORMAL: "🟢"}


class SettingsCb(CallbackData, prefix="cfg"):
    action: str
    arg: str = ""


class SettingsInput(StatesGroup):
    """A typed value is awaited; data: ``settings_field`` (an ``A_*`` action) and ``settings_arg``."""

    value = State()


def pair_arg(category: Category, urgency: Urgency, kind: str | None = None) -> str:
    parts = [category.value, urgency.value] + ([kind] if kind else [])
    return ".".join(parts)


# --------------------------------------------------------------------------- formatting


def format_duration(t: BoundTranslator, minutes: int, *, business: bool = False) -> str:
    """ "1 d 3 h", "4 h", "30 min"; business-hours targets are shown in hours only."""
    days, hours, rest = duration_parts(minutes, days=not business)
    parts = []
    if days:
        parts.append(t("settings-unit-days", n=days))
    if hours:
        parts.append(t("settings-unit-hours", n=hours))
    if rest or not parts:
        parts.append(t("settings-unit-minutes", n=rest))
    return " ".join(parts)


def format_date(day: str) -> str:
    return date.fromisoformat(day).strftime("%d.%m.%Y")


def weekday_name(t: BoundTranslator, weekday: int) -> str:
    return t(f"settings-weekday-{weekday}")


def quiet_text(t: BoundTranslator, settings: DeskSettings) -> str:
    if settings.quiet_start == settings.quiet_end:
        return t("settings-quiet-none")
    return f"{settings.quiet_start}–{settings.quiet_end}"


# --------------------------------------------------------------------------- main screen


def render_home(t: BoundTranslator, settings: DeskSettings) -> str:
    days = ", ".join(weekday_name(t, day) for day in sorted(settings.working_weekdays))
    lines = [
        t("settings-title"),
        "",
        t("settings-sla-hint"),
        t(
            "settings-line-business",
            start=settings.business_day_start,
            end=settings.business_day_end,
        ),
        t("settings-line-weekdays", days=days),
        t("settings-line-holidays", count=len(settings.holidays)),
        t("settings-line-quiet", value=quiet_text(t, settings)),
        t(
            "settings-line-auto-accept",
            hours=settings.auto_accept_hours,
            reminder=settings.auto_accept_reminder_hours,
        ),
        t("settings-line-follow-up", hours=settings.follow_up_hours),
    ]
    return "\n".join(lines)


def home_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("settings-btn-desk"), callback_data=SettingsCb(action=A_DESK))
    for category in Category:
        builder.button(
            text=t("settings-btn-category", category=t(f"category-{category.value}")),
            callback_data=SettingsCb(action=A_CATEGORY, arg=category.value),
        )
    for key, action in (
        ("settings-btn-business", A_BUSINESS_HOURS),
        ("settings-btn-weekdays", A_WEEKDAYS),
        ("settings-btn-holidays", A_HOLIDAYS),
        ("settings-btn-quiet", A_QUIET),
        ("settings-btn-auto-accept", A_AUTO_ACCEPT),
        ("settings-btn-reminder", A_REMINDER),
        ("settings-btn-follow-up", A_FOLLOW_UP),
    ):
        builder.button(text=t(key), callback_data=SettingsCb(action=action))
    builder.button(text=t("audit-btn-open"), callback_data=AuditCb(action="show"))
    builder.button(text=t("api-clients-btn-open"), callback_data=ApiClientsCb(action="list"))
    builder.adjust(1, 2, 2, 2, 2, 2, 2, 2, 2, 1)
    return builder.as_markup()


def _back_button(t: BoundTranslator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("settings-btn-back"), callback_data=SettingsCb(action=A_HOME).pack()
    )


# --------------------------------------------------------------------------- SLA table


def render_category(t: BoundTranslator, category: Category, rows: tuple[SlaRow, ...]) -> str:
    lines = [t("settings-sla-title", category=t(f"category-{category.value}")), ""]
    for row in rows:
        business = row.target.business_hours
        line = t(
            "settings-sla-row",
            icon=URGENCY_ICONS[row.urgency],
            urgency=t(f"urgency-{row.urgency.value}"),
            accept=format_duration(t, row.accept_minutes, business=business),
            complete=format_duration(t, row.complete_minutes, business=business),
            mode=t("settings-mode-business" if business else "settings-mode-calendar"),
        )
        if row.overridden:
            line += " " + t("settings-sla-changed")
        lines.append(line)
    lines += ["", t("settings-sla-note")]
    return "\n".join(lines)


def category_keyboard(
    t: BoundTranslator, category: Category, rows: tuple[SlaRow, ...]
) -> InlineKeyboardMarkup:
    keyboard: list[list[InlineKeyboardButton]] = []
    for row in rows:
        urgency = f"{URGENCY_ICONS[row.urgency]} {t(f'urgency-{row.urgency.value}')}"
        pair = pair_arg(category, row.urgency)
        keyboard.append(
            [
                InlineKeyboardButton(
                    text=t("settings-btn-accept", urgency=urgency),
                    callback_data=SettingsCb(
                        action=A_SLA, arg=pair_arg(category, row.urgency, SLA_KIND_ACCEPT)
                    ).pack(),
                ),
                InlineKeyboardButton(
                    text=t("settings-btn-complete", urgency=urgency),
                    callback_data=SettingsCb(
                        action=A_SLA, arg=pair_arg(category, row.urgency, SLA_KIND_COMPLETE)
                    ).pack(),
                ),
            ]
        )
        flag = [
            InlineKeyboardButton(
                text=t(
                    "settings-btn-business-on"
                    if row.target.business_hours
                    else "settings-btn-business-off",
                    urgency=urgency,
                ),
                callback_data=SettingsCb(action=A_BUSINESS_FLAG, arg=pair).pack(),
            )
        ]
        if row.overridden:
            flag.append(
                InlineKeyboardButton(
                    text=t("settings-btn-reset", urgency=urgency),
                    callback_data=SettingsCb(action=A_RESET, arg=pair).pack(),
                )
            )
        keyboard.append(flag)
    keyboard.append([_back_button(t)])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


# --------------------------------------------------------------------------- weekdays, holidays


def render_weekdays(t: BoundTranslator, settings: DeskSettings) -> str:
    return t("settings-weekdays-title")


def weekdays_keyboard(t: BoundTranslator, settings: DeskSettings) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in range(7):
        on = day in settings.working_weekdays
        builder.button(
            text=t(
                "settings-btn-day-on" if on else "settings-btn-day-off",
                day=weekday_name(t, day),
            ),
            callback_data=SettingsCb(action=A_WEEKDAY, arg=str(day)),
        )
    builder.adjust(4, 3)
    markup = builder.as_markup()
    markup.inline_keyboard.append([_back_button(t)])
    return markup


def render_holidays(t: BoundTranslator, settings: DeskSettings) -> str:
    lines = [t("settings-holidays-title")]
    if not settings.holidays:
        lines.append(t("settings-holidays-empty"))
    lines += [
        t("settings-holiday-line", date=format_date(day)) for day in sorted(settings.holidays)
    ]
    return "\n".join(lines)


def holidays_keyboard(t: BoundTranslator, settings: DeskSettings) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in sorted(settings.holidays):
        builder.button(
            text=t("settings-btn-holiday-remove", date=format_date(day)),
            callback_data=SettingsCb(action=A_HOLIDAY_DEL, arg=day),
        )
    builder.adjust(2)
    markup = builder.as_markup()
    markup.inline_keyboard.append(
        [
            InlineKeyboardButton(
                text=t("settings-btn-holiday-add"),
                callback_data=SettingsCb(action=A_HOLIDAY_ADD).pack(),
            )
        ]
    )
    markup.inline_keyboard.append([_back_button(t)])
    return markup


# --------------------------------------------------------------------------- prompts


def cancel_keyboard(
    t: BoundTranslator, back_to: str = A_HOME, *, quiet_off: bool = False
) -> InlineKeyboardMarkup:
    keyboard: list[list[InlineKeyboardButton]] = []
    if quiet_off:
        keyboard.append(
            [
                InlineKeyboardButton(
                    text=t("settings-btn-quiet-off"),
                    callback_data=SettingsCb(action=A_QUIET_OFF).pack(),
                )
            ]
        )
    keyboard.append(
        [
            InlineKeyboardButton(
                text=t("settings-btn-cancel"),
                callback_data=SettingsCb(action=A_CANCEL, arg=back_to).pack(),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


# --------------------------------------------------------------------------- desk rules


def _yes_no(t: BoundTranslator, value: bool) -> str:
    return t("settings-yes" if value else "settings-no")


def _on_off(t: BoundTranslator, value: bool) -> str:
    return t("settings-on" if value else "settings-off")


def render_desk(t: BoundTranslator, settings: DeskSettings, timezone: str) -> str:
    lines = [
        t("settings-desk-title"),
        "",
        t("settings-line-phone", phone=settings.dispatcher_phone),
        t("settings-line-unverified", value=_yes_no(t, settings.unverified_residents_may_file)),
        t("settings-line-pool", value=_yes_no(t, settings.pool_claim_enabled)),
        t(
            "settings-line-digests",
            daily=_on_off(t, settings.digest_daily),
            weekly=_on_off(t, settings.digest_weekly),
            hour=f"{settings.digest_hour:02d}:00",
        ),
        t(
            "settings-line-recipients",
            who=t(f"settings-recipients-{settings.digest_recipients}"),
        ),
        t(
            "incident-settings-line",
            count=settings.outage_min_requests,
            minutes=settings.outage_window_minutes,
        ),
        t("settings-line-timezone", timezone=timezone),
        "",
        t(
            "settings-line-paid-broadcast",
            value=_on_off(t, settings.announcements_paid_broadcast),
        ),
    ]
    return "\n".join(lines)


def desk_keyboard(t: BoundTranslator, settings: DeskSettings) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("settings-btn-phone"), callback_data=SettingsCb(action=A_PHONE))
    for arg, key in FLAG_ARGS.items():
        builder.button(
            text=t(f"settings-btn-flag-{arg}", value=_yes_no(t, bool(getattr(settings, key)))),
            callback_data=SettingsCb(action=A_FLAG, arg=arg),
        )
    builder.button(
        text=t("settings-btn-digest-hour", hour=f"{settings.digest_hour:02d}:00"),
        callback_data=SettingsCb(action=A_DIGEST_HOUR),
    )
    builder.button(
        text=t(
            "settings-btn-recipients",
            who=t(f"settings-recipients-{settings.digest_recipients}"),
        ),
        callback_data=SettingsCb(action=A_RECIPIENTS),
    )
    builder.button(
        text=t("incident-settings-btn-count", count=settings.outage_min_requests),
        callback_data=SettingsCb(action=A_OUTAGE_COUNT),
    )
    builder.button(
        text=t("incident-settings-btn-window", minutes=settings.outage_window_minutes),
        callback_data=SettingsCb(action=A_OUTAGE_WINDOW),
    )
    builder.button(
        text=t("settings-btn-buildings"), callback_data=SettingsCb(action=A_BUILDINGS, arg="0")
    )
    builder.adjust(1)
    markup = builder.as_markup()
    markup.inline_keyboard.append([_back_button(t)])
    return markup


def render_buildings(t: BoundTranslator, page: BuildingsPage) -> str:
    return t("settings-buildings-title", page=page.page + 1, pages=page.pages)


def buildings_keyboard(t: BoundTranslator, page: BuildingsPage) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in page.items:
        builder.button(
            text=t(
                "settings-btn-auto-on" if item.auto_assign else "settings-btn-auto-off",
                address=item.address[:48],
            ),
            callback_data=SettingsCb(
                action=A_AUTO, arg=f"{item.id}.{int(not item.auto_assign)}.{page.page}"
            ),
        )
    builder.adjust(1)
    nav: list[InlineKeyboardButton] = []
    if page.page > 0:
        nav.append(
            InlineKeyboardButton(
                text=t("nav-prev"),
                callback_data=SettingsCb(action=A_BUILDINGS, arg=str(page.page - 1)).pack(),
            )
        )
    if page.page + 1 < page.pages:
        nav.append(
            InlineKeyboardButton(
                text=t("nav-next"),
                callback_data=SettingsCb(action=A_BUILDINGS, arg=str(page.page + 1)).pack(),
            )
        )
    markup = builder.as_markup()
    if nav:
        markup.inline_keyboard.append(nav)
    markup.inline_keyboard.append(
        [
            InlineKeyboardButton(
                text=t("settings-btn-desk-back"), callback_data=SettingsCb(action=A_DESK).pack()
            )
        ]
    )
    return markup
