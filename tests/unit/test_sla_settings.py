"""Deadline settings: parsing typed values, validation, saving with an audit entry,
bad input changing nothing, and only admins changing anything (fakes, no database)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from domain.access import Actor
from domain.enums import Category, Role, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.services import sla_settings as uc
from domain.services.desk_settings import DeskSettings
from tests.unit.factories import ADMIN, MANAGER, FakeAudit

ADMIN_ACTOR = Actor(user_id=ADMIN, roles=frozenset({Role.ADMIN}))
MANAGER_ACTOR = Actor(user_id=MANAGER, roles=frozenset({Role.MANAGER}))
INACTIVE_ADMIN = Actor(user_id=ADMIN, roles=frozenset({Role.ADMIN}), is_active=False)
TZ = ZoneInfo("Asia/Tashkent")


class FakeSettings:
    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.saved: list[tuple[str, Any, int | None]] = []

    async def load(self) -> DeskSettings:
        return DeskSettings.from_values(self.values)

    async def save(self, key: str, value: Any, *, by: int | None) -> None:
        self.values[key] = value
        self.saved.append((key, value, by))


class FakeUow:
    def __init__(self, **values: Any) -> None:
        self.settings = FakeSettings(values)
        self.audit = FakeAudit()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1


def _unchanged(uow: FakeUow) -> None:
    assert uow.settings.saved == []
    assert uow.audit.records == []
    assert uow.commits == 0


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("4h", 240),
        ("3d", 3 * 24 * 60),
        ("1h30m", 90),
        ("1h 30m", 90),
        (" 2 H ", 120),
        ("1 h 30 min", 90),
        ("45 мин", 45),
        ("4 ч", 240),
        ("2 д", 2 * 24 * 60),
        ("2 soat", 120),
        ("1 kun", 24 * 60),
        ("15 daq", 15),
        ("1d2h", 26 * 60),
    ],
)
def test_durations_are_parsed(text: str, minutes: int) -> None:
    assert uc.parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "30", "abc", "h", "5x", "1h1h", "1h and 30m", "-5m", "1.5h", "m30"],
)
def test_garbage_durations_are_refused(text: str | None) -> None:
    with pytest.raises(ValidationFailed) as raised:
        uc.parse_duration(text)
    assert raised.value.key == "settings-error-duration"


@pytest.mark.parametrize("text", ["0m", "0h", "91d", "999999h"])
def test_durations_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        uc.parse_duration(text)
    assert raised.value.key == "settings-error-duration-range"
    assert raised.value.params == {"max": 90}


def test_a_business_day_is_a_working_day() -> None:
    assert uc.parse_duration("3d", day=timedelta(hours=9)) == 27 * 60
    assert uc.parse_duration("1d 2h", day=timedelta(hours=9)) == 11 * 60


def test_duration_parts() -> None:
    assert uc.duration_parts(90) == (0, 1, 30)
    assert uc.duration_parts(27 * 60) == (1, 3, 0)
    assert uc.duration_parts(27 * 60, days=False) == (0, 27, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-18:00", ("09:00", "18:00")),
        ("9:00 - 18:30", ("09:00", "18:30")),
        ("08.30–17.00", ("08:30", "17:00")),
        ("22:00 08:00", ("22:00", "08:00")),
        ("10:00 до 19:00", ("10:00", "19:00")),
    ],
)
def test_time_ranges_are_parsed(text: str, expected: tuple[str, str]) -> None:
    assert uc.parse_time_range(text) == expected


@pytest.mark.parametrize(
    "text", ["", "9-18", "09:00", "25:00-18:00", "09:60-18:00", "from 09:00-18:00", "09:00 x 18:00"]
)
def test_bad_time_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        uc.parse_time_range(text)
    assert raised.value.key == "settings-error-time-range"


@pytest.mark.parametrize("text", ["08.12.2026", "2026-12-08", " 08/12/2026 ", "08-12-2026"])
def test_dates_are_parsed(text: str) -> None:
    assert uc.parse_date(text) == date(2026, 12, 8)


@pytest.mark.parametrize("text", ["", "31.02.2026", "2026-13-01", "tomorrow", "08.12.26"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        uc.parse_date(text)
    assert raised.value.key == "settings-error-date"


# --------------------------------------------------------------------------- SLA targets


async def test_setting_the_accept_time_stores_an_override_and_audits_it() -> None:
    uow = FakeUow()
    settings = await uc.set_sla_duration(
        uow, ADMIN_ACTOR, Category.PLUMBING, Urgency.NORMAL, "accept", "30m", TZ
    )
    stored = {"accept_minutes": 30, "complete_minutes": 27 * 60, "business_hours": True}
    assert uow.settings.values["sla_overrides"] == {"plumbing:normal": stored}
    assert uow.settings.saved == [("sla_overrides", {"plumbing:normal": stored}, ADMIN)]
    assert uow.commits == 1
    [(actor_id, action, entity, entity_id, data)] = uow.audit.records
    assert (actor_id, action, entity, entity_id) == (
        ADMIN,
        "setting.changed",
        "setting",
        "sla_overrides",
    )
    assert data["pair"] == "plumbing:normal" and data["target"] == stored
    target = settings.sla_config(TZ).policy.target_for(Category.PLUMBING, Urgency.NORMAL)
    assert target.accept == timedelta(minutes=30)
    assert target.complete == timedelta(hours=27)
    # another category keeps the default
    other = settings.sla_config(TZ).policy.target_for(Category.HEATING, Urgency.NORMAL)
    assert other.accept == timedelta(hours=4)


async def test_complete_time_in_business_days_and_calendar_days() -> None:
    uow = FakeUow()
    settings = await uc.set_sla_duration(
        uow, ADMIN_ACTOR, Category.HEATING, Urgency.NORMAL, "complete", "2d", TZ
    )
    target = settings.sla_config(TZ).policy.target_for(Category.HEATING, Urgency.NORMAL)
    assert target.complete == timedelta(hours=18)  # two working days of 09:00-18:00
    settings = await uc.set_sla_duration(
        uow, ADMIN_ACTOR, Category.HEATING, Urgency.URGENT, "complete", "2d", TZ
    )
    target = settings.sla_config(TZ).policy.target_for(Category.HEATING, Urgency.URGENT)
    assert target.complete == timedelta(days=2)


async def test_garbage_duration_changes_nothing() -> None:
    uow = FakeUow()
    for text in ("soon", "", "0m", "100d"):
        with pytest.raises(ValidationFailed):
            await uc.set_sla_duration(
                uow, ADMIN_ACTOR, Category.PLUMBING, Urgency.NORMAL, "accept", text, TZ
            )
    _unchanged(uow)


async def test_accept_may_not_exceed_complete() -> None:
    uow = FakeUow()
    with pytest.raises(ValidationFailed) as raised:
        await uc.set_sla_duration(
            uow, ADMIN_ACTOR, Category.PLUMBING, Urgency.EMERGENCY, "accept", "5h", TZ
        )
    assert raised.value.key == "settings-error-accept-after-complete"
    _unchanged(uow)


async def test_unknown_kind_is_outdated() -> None:
    uow = FakeUow()
    with pytest.raises(ValidationFailed) as raised:
        await uc.set_sla_duration(
            uow, ADMIN_ACTOR, Category.PLUMBING, Urgency.NORMAL, "lunch", "1h", TZ
        )
    assert raised.value.key == "settings-error-outdated"
    _unchanged(uow)


async def test_business_flag_toggles_and_reset_restores_the_default() -> None:
    uow = FakeUow()
    settings = await uc.toggle_sla_business_hours(
        uow, ADMIN_ACTOR, Category.ELEVATOR, Urgency.URGENT, TZ
    )
    [row] = [
        r
        for r in uc.effective_targets(settings, Category.ELEVATOR, TZ)
        if r.urgency is Urgency.URGENT
    ]
    assert row.overridden and row.target.business_hours
    assert row.target.accept == timedelta(hours=1)
    settings = await uc.reset_sla_target(uow, ADMIN_ACTOR, Category.ELEVATOR, Urgency.URGENT)
    assert settings.sla_overrides == {}
    rows = uc.effective_targets(settings, Category.ELEVATOR, TZ)
    assert [r.urgency for r in rows] == [Urgency.EMERGENCY, Urgency.URGENT, Urgency.NORMAL]
    assert not any(r.overridden for r in rows)
    assert rows[1].target.business_hours is False
    # nothing left to reset: outdated, nothing saved
    saved = len(uow.settings.saved)
    with pytest.raises(ValidationFailed) as raised:
        await uc.reset_sla_target(uow, ADMIN_ACTOR, Category.ELEVATOR, Urgency.URGENT)
    assert raised.value.key == "settings-error-outdated"
    assert len(uow.settings.saved) == saved


# --------------------------------------------------------------------------- calendar


async def test_business_hours() -> None:
    uow = FakeUow()
    settings = await uc.set_business_hours(uow, ADMIN_ACTOR, "08:30-17:30")
    assert (settings.business_day_start, settings.business_day_end) == ("08:30", "17:30")
    calendar = settings.sla_config(TZ).calendar
    assert (calendar.day_start, calendar.day_end) == (time(8, 30), time(17, 30))
    assert uow.commits == 1 and len(uow.audit.records) == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("18:00-09:00", "settings-error-business-order"),
        ("09:00-09:00", "settings-error-business-order"),
        ("nine to six", "settings-error-time-range"),
    ],
)
async def test_bad_business_hours_change_nothing(text: str, key: str) -> None:
    uow = FakeUow()
    with pytest.raises(ValidationFailed) as raised:
        await uc.set_business_hours(uow, ADMIN_ACTOR, text)
    assert raised.value.key == key
    _unchanged(uow)


async def test_weekdays_toggle_and_the_last_one_stays() -> None:
    uow = FakeUow(working_weekdays=[0, 1])
    settings = await uc.toggle_working_weekday(uow, ADMIN_ACTOR, 5)
    assert settings.working_weekdays == (0, 1, 5)
    settings = await uc.toggle_working_weekday(uow, ADMIN_ACTOR, 0)
    settings = await uc.toggle_working_weekday(uow, ADMIN_ACTOR, 1)
    assert settings.working_weekdays == (5,)
    saved = list(uow.settings.saved)
    with pytest.raises(ValidationFailed) as raised:
        await uc.toggle_working_weekday(uow, ADMIN_ACTOR, 5)
    assert raised.value.key == "settings-error-last-weekday"
    with pytest.raises(ValidationFailed):
        await uc.toggle_working_weekday(uow, ADMIN_ACTOR, 7)
    assert uow.settings.saved == saved
    assert settings.sla_config(TZ).calendar.working_weekdays == frozenset({5})


async def test_holidays_are_added_sorted_and_removed() -> None:
    uow = FakeUow()
    await uc.add_holiday(uow, ADMIN_ACTOR, "08.12.2026")
    settings = await uc.add_holiday(uow, ADMIN_ACTOR, "2026-01-01")
    assert settings.holidays == ("2026-01-01", "2026-12-08")
    assert date(2026, 12, 8) in settings.sla_config(TZ).calendar.holidays
    saved = list(uow.settings.saved)
    with pytest.raises(ValidationFailed) as raised:
        await uc.add_holiday(uow, ADMIN_ACTOR, "2026-12-08")
    assert raised.value.key == "settings-error-holiday-exists"
    with pytest.raises(ValidationFailed) as raised:
        await uc.add_holiday(uow, ADMIN_ACTOR, "32.12.2026")
    assert raised.value.key == "settings-error-date"
    assert uow.settings.saved == saved
    settings = await uc.remove_holiday(uow, ADMIN_ACTOR, "2026-12-08")
    assert settings.holidays == ("2026-01-01",)
    with pytest.raises(ValidationFailed) as raised:
        await uc.remove_holiday(uow, ADMIN_ACTOR, "2026-12-08")
    assert raised.value.key == "settings-error-outdated"


async def test_holidays_are_limited() -> None:
    days = [(date(2030, 1, 1) + timedelta(days=i)).isoformat() for i in range(uc.MAX_HOLIDAYS)]
    uow = FakeUow(holidays=days)
    with pytest.raises(ValidationFailed) as raised:
        await uc.add_holiday(uow, ADMIN_ACTOR, "01.01.2031")
    assert raised.value.key == "settings-error-too-many-holidays"
    _unchanged(uow)


async def test_quiet_hours() -> None:
    uow = FakeUow()
    settings = await uc.set_quiet_hours(uow, ADMIN_ACTOR, "23:00-07:00")
    assert (settings.quiet_start, settings.quiet_end) == ("23:00", "07:00")
    quiet = settings.sla_config(TZ).quiet
    assert (quiet.start, quiet.end) == (time(23), time(7))
    settings = await uc.set_quiet_hours(uow, ADMIN_ACTOR, "10:00-10:00")
    assert settings.quiet_start == settings.quiet_end  # none
    settings = await uc.set_quiet_hours(uow, ADMIN_ACTOR, "22:00-08:00")
    settings = await uc.turn_off_quiet_hours(uow, ADMIN_ACTOR)
    assert settings.quiet_start == settings.quiet_end == "00:00"
    saved = list(uow.settings.saved)
    with pytest.raises(ValidationFailed):
        await uc.set_quiet_hours(uow, ADMIN_ACTOR, "late evening")
    assert uow.settings.saved == saved


# --------------------------------------------------------------------------- hours


async def test_auto_accept_and_reminder() -> None:
    uow = FakeUow()
    settings = await uc.set_auto_accept_hours(uow, ADMIN_ACTOR, "48")
    assert settings.auto_accept_hours == 48
    settings = await uc.set_auto_accept_reminder_hours(uow, ADMIN_ACTOR, "12 h")
    assert settings.auto_accept_reminder_hours == 12
    config = settings.sla_config(TZ)
    assert config.auto_accept_after == timedelta(hours=48)
    assert config.auto_accept_reminder_before == timedelta(hours=12)
    saved = list(uow.settings.saved)
    for text in ("0", "721", "two days", "-1", "1.5"):
        with pytest.raises(ValidationFailed) as raised:
            await uc.set_auto_accept_hours(uow, ADMIN_ACTOR, text)
        assert raised.value.key == "settings-error-hours"
        assert raised.value.params == {"min": 1, "max": 720}
    with pytest.raises(ValidationFailed) as raised:
        await uc.set_auto_accept_hours(uow, ADMIN_ACTOR, "12")  # not above the reminder
    assert raised.value.key == "settings-error-delay-below-reminder"
    assert raised.value.params == {"reminder": 12}
    for text in ("48", "100", "0", "x"):
        with pytest.raises(ValidationFailed) as raised:
            await uc.set_auto_accept_reminder_hours(uow, ADMIN_ACTOR, text)
        assert raised.value.key == "settings-error-reminder"
        assert raised.value.params == {"delay": 48}
    assert uow.settings.saved == saved


async def test_follow_up_hours() -> None:
    uow = FakeUow()
    settings = await uc.set_follow_up_hours(uow, ADMIN_ACTOR, "720")
    assert settings.sla_config(TZ).follow_up_within == timedelta(hours=720)
    with pytest.raises(ValidationFailed):
        await uc.set_follow_up_hours(uow, ADMIN_ACTOR, "721")
    assert len(uow.settings.saved) == 1


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("actor", [MANAGER_ACTOR, INACTIVE_ADMIN, Actor(user_id=1)])
async def test_only_admins_change_settings(actor: Actor) -> None:
    uow = FakeUow()
    attempts = [
        uc.set_sla_duration(uow, actor, Category.PLUMBING, Urgency.NORMAL, "accept", "30m", TZ),
        uc.toggle_sla_business_hours(uow, actor, Category.PLUMBING, Urgency.NORMAL, TZ),
        uc.reset_sla_target(uow, actor, Category.PLUMBING, Urgency.NORMAL),
        uc.set_business_hours(uow, actor, "08:00-17:00"),
        uc.toggle_working_weekday(uow, actor, 5),
        uc.add_holiday(uow, actor, "08.12.2026"),
        uc.remove_holiday(uow, actor, "2026-12-08"),
        uc.set_quiet_hours(uow, actor, "23:00-07:00"),
        uc.turn_off_quiet_hours(uow, actor),
        uc.set_auto_accept_hours(uow, actor, "48"),
        uc.set_auto_accept_reminder_hours(uow, actor, "12"),
        uc.set_follow_up_hours(uow, actor, "12"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed) as raised:
            await attempt
        assert raised.value.key == "settings-error-admins-only"
    _unchanged(uow)
