"""Desk-wide settings an admin changes from the bot (stored as key → JSON value)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.enums import Category, Urgency
from domain.sla import BusinessCalendar, QuietHours, SlaConfig, SlaPolicy, SlaTarget

#: Settings stored as JSON lists and kept as tuples.
_TUPLE_FIELDS = {"reject_templates", "working_weekdays", "holidays"}


@dataclass(frozen=True, slots=True)
class DeskSettings:
    unverified_residents_may_file: bool = False
    pool_claim_enabled: bool = True
    auto_accept_hours: int = 72
    auto_accept_reminder_hours: int = 24
    follow_up_hours: int = 24
    dispatcher_phone: str = "+998 71 200-00-00"
    reject_templates: tuple[str, ...] = ()
    """The manager's rejection reasons as typed; empty: the built-in translated ones."""
    quiet_start: str = "22:00"
    quiet_end: str = "08:00"
    """Quiet hours (local time, may wrap midnight; equal: none)."""
    business_day_start: str = "09:00"
    business_day_end: str = "18:00"
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    """Monday = 0."""
    holidays: tuple[str, ...] = ()
    """ISO dates (``2026-12-08``) that are not working days."""
    digest_daily: bool = True
    digest_weekly: bool = True
    digest_hour: int = 9
    """Local hour the digests go out (the weekly one on Mondays, for the week before)."""
    announcements_paid_broadcast: bool = False
    """Announcements go with Telegram's paid broadcast (up to 1,000 messages/s instead of
    30, charged in Stars per message from the bot's balance)."""
    digest_recipients: str = "all"
    """``managers`` (their buildings), ``admins`` (everything) or ``all`` of them."""
    outage_min_requests: int = 3
    outage_window_minutes: int = 30
    """A possible outage: this many open requests of one category in one building
    within this many minutes (``domain.services.incidents``)."""
    sla_overrides: dict[str, dict[str, Any]] | None = None
    """``"category:urgency"`` → ``{"accept_minutes", "complete_minutes", "business_hours"}``;
    a pair without an override uses the product defaults for its urgency."""

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> DeskSettings:
        known = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        for name in _TUPLE_FIELDS & known.keys():
            items = known[name] or ()
            known[name] = tuple(
                int(item) if name == "working_weekdays" else str(item) for item in items
            )
        return cls(**known)

    def calendar(self, tz: ZoneInfo) -> BusinessCalendar:
        return BusinessCalendar(
            tz=tz,
            day_start=time.fromisoformat(self.business_day_start),
            day_end=time.fromisoformat(self.business_day_end),
            working_weekdays=frozenset(self.working_weekdays),
            holidays=frozenset(date.fromisoformat(day) for day in self.holidays),
        )

    def sla_targets(self) -> dict[tuple[Category, Urgency], SlaTarget]:
        """The admin's overrides (unknown categories of an older catalogue are skipped)."""
        targets: dict[tuple[Category, Urgency], SlaTarget] = {}
        for key, value in (self.sla_overrides or {}).items():
            category, _, urgency = key.partition(":")
            if (
                category not in Category._value2member_map_
                or urgency not in Urgency._value2member_map_
            ):
                continue
            targets[Category(category), Urgency(urgency)] = SlaTarget(
                accept=timedelta(minutes=int(value["accept_minutes"])),
                complete=timedelta(minutes=int(value["complete_minutes"])),
                business_hours=bool(value["business_hours"]),
            )
        return targets

    def sla_config(self, tz: ZoneInfo) -> SlaConfig:
        calendar = self.calendar(tz)
        return SlaConfig(
            calendar=calendar,
            policy=SlaPolicy.for_calendar(calendar, self.sla_targets()),
            quiet=QuietHours(
                time.fromisoformat(self.quiet_start), time.fromisoformat(self.quiet_end)
            ),
            auto_accept_after=timedelta(hours=self.auto_accept_hours),
            auto_accept_reminder_before=timedelta(hours=self.auto_accept_reminder_hours),
            follow_up_within=timedelta(hours=self.follow_up_hours),
        )
