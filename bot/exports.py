"""Export files: requests of a period to XLSX (openpyxl, write-only) or CSV (UTF-8 with
a BOM so Excel opens Cyrillic correctly).

The rows come from a server-side cursor in batches; each batch is written to a
temporary file in a worker thread, so neither memory nor the event loop grows with
the period: 50,000 requests cost one batch of rows in memory at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.i18n import BoundTranslator
from domain.enums import Category, RequestStatus, Urgency
from domain.services.reports import (
    EXECUTOR_COLUMNS,
    EXPORT_COLUMNS,
    ExecutorTotals,
    ExportFormat,
    ExportRow,
    Period,
    ReportScope,
    SlaOutcome,
    sla_outcome,
)
from storage.repositories.reports import SqlReportsRepository

BATCH = 500
"""Rows fetched from the cursor and written per step."""

_WIDTHS = {
    "number": 13,
    "created": 17,
    "category": 16,
    "urgency": 12,
    "status": 16,
    "building": 32,
    "entrance": 9,
    "apartment": 9,
    "resident": 24,
    "executor": 24,
    "accepted": 17,
    "completed": 17,
    "closed": 17,
    "accept-due": 17,
    "complete-due": 17,
    "sla": 12,
    "rating": 8,
    "rating-comment": 40,
}
_DATE_FORMAT = "dd.mm.yyyy hh:mm"


@dataclass(frozen=True)
class Labels:
    """Everything a writer shows as text, translated beforehand in the event loop
    (the writer runs in a thread)."""

    header: list[str]
    executor_header: list[str]
    executors_sheet: str
    requests_sheet: str
    categories: dict[Category, str]
    urgencies: dict[Urgency, str]
    statuses: dict[RequestStatus, str]
    outcomes: dict[SlaOutcome, str]

    @classmethod
    def of(cls, t: BoundTranslator) -> Labels:
        return cls(
            header=[t(f"export-col-{key}") for key in EXPORT_COLUMNS],
            executor_header=[t(f"export-exec-{key}") for key in EXECUTOR_COLUMNS],
            executors_sheet=t("export-sheet-executors"),
            requests_sheet=t("export-sheet-requests"),
            categories={c: t(f"category-{c.value}") for c in Category},
            urgencies={u: t(f"urgency-{u.value}") for u in Urgency},
            statuses={s: t(f"status-{s.value}") for s in RequestStatus},
            outcomes={o: t(f"export-sla-{o.value}") for o in SlaOutcome},
        )


class _Writer(Protocol):
    def write(self, rows: list[ExportRow]) -> None: ...

    def close(self) -> None: ...


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A naive local time: spreadsheets have no time zones."""
    return value.astimezone(tz).replace(tzinfo=None, microsecond=0) if value else None


class _Base:
    def __init__(self, path: Path, labels: Labels, tz: ZoneInfo, now: datetime) -> None:
        self.path = path
        self.labels = labels
        self.tz = tz
        self.now = now
        self.totals: dict[int, ExecutorTotals] = {}
        self.count = 0

    def values(self, row: ExportRow) -> list[Any]:
        outcome = sla_outcome(row, self.now)
        if row.executor_id is not None:
            totals = self.totals.setdefault(row.executor_id, ExecutorTotals(row.executor or ""))
            totals.add(row, outcome)
        self.count += 1
        labels, tz = self.labels, self.tz
        return [
            row.number,
            _local(row.created_at, tz),
            labels.categories[row.category],
            labels.urgencies[row.urgency],
            labels.statuses[row.status],
            row.building,
            row.entrance,
            row.apartment,
            row.resident,
            row.executor,
            _local(row.accepted_at, tz),
            _local(row.completed_at, tz),
            _local(row.closed_at, tz),
            _local(row.accept_due_at, tz),
            _local(row.complete_due_at, tz),
            labels.outcomes[outcome] if outcome is not SlaOutcome.PENDING else None,
            row.rating,
            row.rating_text,
        ]

    def executor_lines(self) -> list[list[Any]]:
        lines = sorted(self.totals.values(), key=lambda item: (-item.closed, item.name))
        return [[e.name, e.total, e.closed, e.late, e.rating, e.open] for e in lines]


class XlsxWriter(_Base):
    """A write-only workbook: rows go to a temporary file as they come."""

    def __init__(self, path: Path, labels: Labels, tz: ZoneInfo, now: datetime) -> None:
        super().__init__(path, labels, tz, now)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(labels.requests_sheet[:31])
        for index, key in enumerate(EXPORT_COLUMNS, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[key]
        self.sheet.freeze_panes = "A2"
        self.sheet.append(self._header(self.sheet, labels.header))
        self.dates = {index for index, value in enumerate(EXPORT_COLUMNS) if value in _DATE_COLUMNS}

    @staticmethod
    def _header(sheet: Any, titles: list[str]) -> list[WriteOnlyCell]:
        cells = []
        for title in titles:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            cells.append(cell)
        return cells

    def write(self, rows: list[ExportRow]) -> None:
        for row in rows:
            values = self.values(row)
            for index in self.dates:
                if values[index] is not None:
                    cell = WriteOnlyCell(self.sheet, value=values[index])
                    cell.number_format = _DATE_FORMAT
                    values[index] = cell
            self.sheet.append(values)

    def close(self) -> None:
        sheet = self.book.create_sheet(self.labels.executors_sheet[:31])
        for index, width in enumerate((28, 10, 10, 10, 10, 10), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append(self._header(sheet, self.labels.executor_header))
        for line in self.executor_lines():
            sheet.append(line)
        self.book.save(self.path)


_DATE_COLUMNS = frozenset(
    {"created", "accepted", "completed", "closed", "accept-due", "complete-due"}
)


class CsvWriter(_Base):
    def __init__(self, path: Path, labels: Labels, tz: ZoneInfo, now: datetime) -> None:
        super().__init__(path, labels, tz, now)
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.file)
        self.csv.writerow(labels.header)

    def write(self, rows: list[ExportRow]) -> None:
        self.csv.writerows(
            [
                [
                    f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value
                    for value in self.values(row)
                ]
                for row in rows
            ]
        )

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str
    rows: int

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


async def build_export(
    session_factory: Callable[[], Any],
    scope: ReportScope,
    period: Period,
    fmt: ExportFormat,
    t: BoundTranslator,
    tz: ZoneInfo,
    now: datetime,
    *,
    batch: int = BATCH,
) -> ExportFile:
    """Stream the period's requests into a temporary file; the caller removes it."""
    labels = Labels.of(t)
    handle, name = tempfile.mkstemp(prefix="ukbot-export-", suffix=f".{fmt.value}")
    os.close(handle)
    path = Path(name)
    writer: _Writer
    try:
        if fmt is ExportFormat.XLSX:
            writer = await asyncio.to_thread(XlsxWriter, path, labels, tz, now)
        else:
            writer = await asyncio.to_thread(CsvWriter, path, labels, tz, now)
        start, end = period.bounds(tz)
        count = 0
        async with session_factory() as session, session.begin():
            repository = SqlReportsRepository(session)
            async for rows in repository.export_rows(scope, start, end, batch=batch):
                await asyncio.to_thread(writer.write, rows)
                count += len(rows)
        await asyncio.to_thread(writer.close)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
        raise
    filename = f"requests_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.{fmt.value}"
    return ExportFile(path, filename, count)
