"""The export files themselves: XLSX (openpyxl's write-only workbook: frozen header,
column widths, dates as real dates, a second sheet with per-executor totals) and CSV
(UTF-8 with a BOM so Excel opens Cyrillic correctly).

This module is the export's worker process (``python -m bot.export_files``, started
by ``bot.exports``): it imports only what writing needs.
"""

from __future__ import annotations

import csv
import io
import pickle
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.enums import Category, RequestStatus, Urgency
from domain.services.reports import (
    EXPORT_COLUMNS,
    ExecutorTotals,
    ExportFormat,
    ExportRow,
    SlaOutcome,
    sla_outcome,
)

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
    (the writer runs in a worker process)."""

    header: list[str]
    executor_header: list[str]
    executors_sheet: str
    requests_sheet: str
    categories: dict[Category, str]
    urgencies: dict[Urgency, str]
    statuses: dict[RequestStatus, str]
    outcomes: dict[SlaOutcome, str]


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
        self.csv.writerows(self.lines(rows))

    def lines(self, rows: list[ExportRow]) -> list[list[Any]]:
        return [
            [
                f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value
                for value in self.values(row)
            ]
            for row in rows
        ]

    def close(self) -> None:
        self.file.close()


class CsvChunks(CsvWriter):
    """The CSV export as bytes, a batch at a time (the REST API streams it): the same
    columns and values as the file."""

    def __init__(self, labels: Labels, tz: ZoneInfo, now: datetime) -> None:
        _Base.__init__(self, Path(), labels, tz, now)
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer)

    def _take(self) -> bytes:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text.encode("utf-8")

    def header(self) -> bytes:
        self.csv.writerow(self.labels.header)
        return "\ufeff".encode() + self._take()

    def chunk(self, rows: list[ExportRow]) -> bytes:
        self.csv.writerows(self.lines(rows))
        return self._take()

    def close(self) -> None:
        return None


# --------------------------------------------------------------------------- worker process
#
# ``python -m bot.export_files`` reads length-prefixed pickles from stdin: first
# ``(format, path, labels, timezone, now)``, then lists of rows, then ``None``; it
# answers its peak resident memory (KiB) on stdout when the file is complete. Only
# the parent (the bot, which pickled them) ever writes to its stdin.


def _read_frame(stream: Any) -> Any:
    size = stream.read(8)
    if len(size) < 8:
        raise EOFError("the export was abandoned")
    return pickle.loads(stream.read(int.from_bytes(size, "big")))


def frame(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "big") + data


def _peak_kib() -> int:
    with open("/proc/self/status") as status:  # this process's own high-water mark
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def serve(stdin: Any, stdout: Any) -> None:
    fmt, path, labels, tz, now = _read_frame(stdin)
    kind = XlsxWriter if fmt is ExportFormat.XLSX else CsvWriter
    writer: _Writer = kind(Path(path), labels, ZoneInfo(tz), now)
    while (rows := _read_frame(stdin)) is not None:
        writer.write(rows)
    writer.close()
    stdout.write(f"{_peak_kib()}\n".encode())
    stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
