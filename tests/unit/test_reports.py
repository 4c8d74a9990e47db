"""Reports' pure rules: periods, typed dates, scope, the met/missed verdict, due digests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digests import due_digests
from domain.access import Actor
from domain.enums import Category, RequestStatus, Role, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.reports import (
    DigestKind,
    ExportRow,
    Period,
    SlaOutcome,
    digest_period,
    parse_period,
    period_for,
    report_scope,
    sla_outcome,
)

WEDNESDAY = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("td", date(2026, 12, 9), date(2026, 12, 9)),
        ("yd", date(2026, 12, 8), date(2026, 12, 8)),
        ("tw", date(2026, 12, 7), date(2026, 12, 13)),
        ("lw", date(2026, 11, 30), date(2026, 12, 6)),
        ("tm", date(2026, 12, 1), date(2026, 12, 31)),
        ("lm", date(2026, 11, 1), date(2026, 11, 30)),
        ("20260101-20260131", date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_named_periods(key: str, start: date, end: date) -> None:
    assert period_for(key, WEDNESDAY) == Period(start, end)


def test_last_month_in_january_and_this_month_in_february() -> None:
    assert period_for("lm", date(2027, 1, 15)) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert period_for("tm", date(2028, 2, 3)) == Period(date(2028, 2, 1), date(2028, 2, 29))


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("01.12.2026 - 07.12.2026", Period(date(2026, 12, 1), date(2026, 12, 7))),
        ("2026-12-01 2026-12-07", Period(date(2026, 12, 1), date(2026, 12, 7))),
        ("1/12/2026–7/12/2026", Period(date(2026, 12, 1), date(2026, 12, 7))),
        ("05.12.2026", Period(date(2026, 12, 5), date(2026, 12, 5))),
    ],
)
def test_typed_dates(text: str, period: Period) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize(
    "text",
    ["", "last week", "31.02.2026", "07.12.2026 - 01.12.2026", "01.12.2026 x 02.12.2026", None],
)
def test_typed_dates_refused(text: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_period(text)
    assert caught.value.key == "reports-error-dates"


def test_a_period_over_a_year_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_period("01.01.2025 - 01.02.2026")
    assert caught.value.key == "reports-error-too-long"
    with pytest.raises(ValidationFailed):
        period_for("2026123-2026", WEDNESDAY)


def test_bounds_are_local_midnights() -> None:
    tz = ZoneInfo("Asia/Tashkent")
    start, end = Period(date(2026, 12, 7), date(2026, 12, 13)).bounds(tz)
    assert start.astimezone(UTC) == datetime(2026, 12, 6, 19, tzinfo=UTC)
    assert end - start == timedelta(days=7)


def test_scope_managers_get_their_buildings_admins_everything() -> None:
    manager = Actor(user_id=1, roles=frozenset({Role.MANAGER}), managed_building_ids=frozenset({5}))
    assert report_scope(manager).building_ids == frozenset({5})
    assert report_scope(manager, 5).building_ids == frozenset({5})
    with pytest.raises(NotAllowed):
        report_scope(manager, 6)
    admin = Actor(user_id=2, roles=frozenset({Role.ADMIN}))
    assert report_scope(admin).building_ids is None
    assert report_scope(admin, 6).building_ids == frozenset({6})
    with pytest.raises(NotAllowed):
        report_scope(Actor(user_id=3, roles=frozenset({Role.EXECUTOR})))


NOW = datetime(2026, 12, 9, 12, tzinfo=UTC)


def _row(status: RequestStatus, **times: datetime | None) -> ExportRow:
    values: dict[str, datetime | None] = {
        "accepted_at": None,
        "completed_at": None,
        "closed_at": None,
        "accept_due_at": NOW - timedelta(hours=1),
        "complete_due_at": NOW + timedelta(hours=5),
    }
    values.update(times)
    return ExportRow(
        number="261209-001",
        created_at=NOW - timedelta(hours=3),
        category=Category.PLUMBING,
        urgency=Urgency.NORMAL,
        status=status,
        building="b",
        entrance=None,
        apartment=None,
        resident="r",
        executor_id=None,
        executor=None,
        rating=None,
        rating_text=None,
        **values,
    )


def test_sla_outcome() -> None:
    early = NOW - timedelta(hours=2)
    done = {"accepted_at": early, "completed_at": early}
    assert sla_outcome(_row(RequestStatus.CLOSED, **done), NOW) is SlaOutcome.MET
    late_accept = {"accepted_at": NOW - timedelta(minutes=30), "completed_at": NOW}
    assert sla_outcome(_row(RequestStatus.CLOSED, **late_accept), NOW) is SlaOutcome.MISSED
    assert sla_outcome(_row(RequestStatus.NEW), NOW) is SlaOutcome.MISSED  # not accepted, due
    within = {"accept_due_at": NOW + timedelta(hours=1)}
    assert sla_outcome(_row(RequestStatus.NEW, **within), NOW) is SlaOutcome.PENDING
    assert sla_outcome(_row(RequestStatus.CANCELLED), NOW) is SlaOutcome.PENDING
    late_done = {"accepted_at": early, "completed_at": NOW + timedelta(hours=6)}
    assert sla_outcome(_row(RequestStatus.COMPLETED, **late_done), NOW) is SlaOutcome.MISSED


def test_due_digests_and_their_periods() -> None:
    tz = ZoneInfo("Asia/Tashkent")
    monday = datetime(2026, 12, 7, 9, 30, tzinfo=tz)
    settings = DeskSettings()
    assert due_digests(settings, monday) == [DigestKind.DAILY, DigestKind.WEEKLY]
    assert due_digests(settings, monday.replace(hour=8)) == []
    assert due_digests(settings, monday + timedelta(days=1)) == [DigestKind.DAILY]
    assert due_digests(DeskSettings(digest_daily=False, digest_weekly=False), monday) == []
    assert digest_period(DigestKind.WEEKLY, monday.date()) == Period(
        date(2026, 11, 30), date(2026, 12, 6)
    )
    assert digest_period(DigestKind.DAILY, monday.date()) == Period(
        date(2026, 12, 6), date(2026, 12, 6)
    )
