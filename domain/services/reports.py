"""Reports: the period and scope of an export or a digest, the export's columns and
the met/missed verdict of a row, and the digest's numbers.

Pure rules: the numbers themselves are computed in SQL by the storage layer
(its reports repository) over the period, in the business timezone, within the
viewer's scope (a manager: the buildings they manage; an admin: everything).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.access import NOT_AVAILABLE, Actor
from domain.enums import Category, RequestStatus, Urgency
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk import Scope, scope_of

ERROR_DATES = "reports-error-dates"
ERROR_TOO_LONG = "reports-error-too-long"
MAX_PERIOD_DAYS = 366


class PeriodKey(StrEnum):
    TODAY = "td"
    YESTERDAY = "yd"
    THIS_WEEK = "tw"
    LAST_WEEK = "lw"
    THIS_MONTH = "tm"
    LAST_MONTH = "lm"


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class Period:
    """Business days ``start`` … ``end`` (both included)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as [from, to) instants in the business timezone."""
        return (
            datetime.combine(self.start, time(0), tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz),
        )

    @property
    def key(self) -> str:
        """Compact button data: ``20261201-20261207``."""
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def period_for(key: str, today: date) -> Period:
    """A named period (``PeriodKey``) or ``YYYYMMDD-YYYYMMDD`` of button data."""
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    if key == PeriodKey.TODAY:
        return Period(today, today)
    if key == PeriodKey.YESTERDAY:
        return Period(today - timedelta(days=1), today - timedelta(days=1))
    if key == PeriodKey.THIS_WEEK:
        return Period(monday, monday + timedelta(days=6))
    if key == PeriodKey.LAST_WEEK:
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    if key == PeriodKey.THIS_MONTH:
        next_first = (first + timedelta(days=32)).replace(day=1)
        return Period(first, next_first - timedelta(days=1))
    if key == PeriodKey.LAST_MONTH:
        last_day = first - timedelta(days=1)
        return Period(last_day.replace(day=1), last_day)
    found = re.fullmatch(r"(\d{8})-(\d{8})", key)
    if found is None:
        raise ValidationFailed(ERROR_DATES)
    try:
        start = datetime.strptime(found.group(1), "%Y%m%d").date()
        end = datetime.strptime(found.group(2), "%Y%m%d").date()
    except ValueError as error:
        raise ValidationFailed(ERROR_DATES) from error
    return _checked(start, end)


_DATE = r"(\d{1,2})[./](\d{1,2})[./](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})"


def _date_of(match: re.Match[str]) -> date:
    groups = match.groups()
    try:
        if groups[0] is not None:
            return date(int(groups[2]), int(groups[1]), int(groups[0]))
        return date(int(groups[3]), int(groups[4]), int(groups[5]))
    except ValueError as error:
        raise ValidationFailed(ERROR_DATES) from error


def parse_period(text: str | None) -> Period:
    """Typed dates: ``01.12.2026 - 07.12.2026``, ``2026-12-01 2026-12-07`` or one day."""
    found = list(re.finditer(_DATE, text or ""))
    rest = re.sub(_DATE, "", text or "")
    if not found or len(found) > 2 or re.search(r"[^\s\-–—]", rest):
        raise ValidationFailed(ERROR_DATES)
    start = _date_of(found[0])
    end = _date_of(found[-1])
    return _checked(start, end)


def _checked(start: date, end: date) -> Period:
    if end < start:
        raise ValidationFailed(ERROR_DATES)
    period = Period(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise ValidationFailed(ERROR_TOO_LONG, max=MAX_PERIOD_DAYS)
    return period


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a report covers: the viewer's buildings, narrowed to one when chosen."""

    scope: Scope
    building_id: int | None = None

    @property
    def building_ids(self) -> frozenset[int] | None:
        if self.building_id is not None:
            return frozenset({self.building_id})
        return self.scope.building_ids


def report_scope(actor: Actor, building_id: int | None = None) -> ReportScope:
    """The viewer's scope (managers and admins only); a building outside it is refused."""
    scope = scope_of(actor)
    if building_id is not None and not scope.covers(building_id):
        raise NotAllowed(NOT_AVAILABLE)
    return ReportScope(scope, building_id)


# --------------------------------------------------------------------------- export


EXPORT_COLUMNS: tuple[str, ...] = (
    "number",
    "created",
    "category",
    "urgency",
    "status",
    "building",
    "entrance",
    "apartment",
    "resident",
    "executor",
    "accepted",
    "completed",
    "closed",
    "accept-due",
    "complete-due",
    "sla",
    "rating",
    "rating-comment",
)
"""Column keys; the header is ``export-col-<key>`` in the requester's language."""

EXECUTOR_COLUMNS: tuple[str, ...] = ("executor", "total", "closed", "late", "rating", "open")
"""Columns of the per-executor sheet (``export-exec-<key>``)."""


class SlaOutcome(StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class ExportRow:
    number: str
    created_at: datetime
    category: Category
    urgency: Urgency
    status: RequestStatus
    building: str
    entrance: str | None
    apartment: str | None
    resident: str
    executor_id: int | None
    executor: str | None
    accepted_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    accept_due_at: datetime | None
    complete_due_at: datetime | None
    rating: int | None
    rating_text: str | None


_DONE = frozenset({RequestStatus.COMPLETED, RequestStatus.CLOSED})
_DROPPED = frozenset({RequestStatus.CANCELLED, RequestStatus.REJECTED})


def sla_outcome(row: ExportRow, now: datetime) -> SlaOutcome:
    """Missed: accepted or completed after its deadline, or not yet and the deadline has
    passed; met: done within both; pending: still within its deadlines (or dropped)."""
    if row.accept_due_at is not None:
        accepted = row.accepted_at or (None if row.status in _DROPPED else now)
        if accepted is not None and accepted > row.accept_due_at:
            return SlaOutcome.MISSED
    if row.complete_due_at is not None:
        completed = row.completed_at or (None if row.status in _DROPPED else now)
        if completed is not None and completed > row.complete_due_at:
            return SlaOutcome.MISSED
    if row.status in _DONE or row.completed_at is not None:
        return SlaOutcome.MET
    return SlaOutcome.PENDING


@dataclass
class ExecutorTotals:
    """One executor's line of the export's second sheet (over the exported rows)."""

    name: str
    total: int = 0
    closed: int = 0
    late: int = 0
    open: int = 0
    stars: list[int] = field(default_factory=list)

    @property
    def rating(self) -> float | None:
        return round(sum(self.stars) / len(self.stars), 2) if self.stars else None

    def add(self, row: ExportRow, outcome: SlaOutcome) -> None:
        self.total += 1
        if row.status is RequestStatus.CLOSED:
            self.closed += 1
        if row.status not in _DONE and row.status not in _DROPPED:
            self.open += 1
        if outcome is SlaOutcome.MISSED:
            self.late += 1
        if row.rating is not None:
            self.stars.append(row.rating)


# --------------------------------------------------------------------------- digest


class DigestKind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


def digest_period(kind: DigestKind, today: date) -> Period:
    """The period a digest sent ``today`` reports on: yesterday, or last week."""
    return period_for(
        PeriodKey.YESTERDAY if kind is DigestKind.DAILY else PeriodKey.LAST_WEEK, today
    )


@dataclass(frozen=True, slots=True)
class SlaShare:
    """Of the requests whose deadline outcome is known, how many were on time."""

    urgency: Urgency
    accept_met: int
    accept_total: int
    complete_met: int
    complete_total: int


@dataclass(frozen=True, slots=True)
class ExecutorLine:
    name: str
    closed: int
    late: int
    rating: float | None
    open_now: int


@dataclass(frozen=True, slots=True)
class DayLine:
    day: date
    created: int
    closed: int
    completed: int
    completed_on_time: int


@dataclass(frozen=True, slots=True)
class DigestNumbers:
    created: int
    closed: int
    cancelled: int
    open_now: int
    overdue_now: int
    sla: tuple[SlaShare, ...]
    median_accept: timedelta | None
    median_complete: timedelta | None
    average_rating: float | None
    ratings: int
    low_ratings: int
    executors: tuple[ExecutorLine, ...]
    categories: tuple[tuple[Category, int], ...]
    days: tuple[DayLine, ...]


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
