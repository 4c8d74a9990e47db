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

from domain.enums import Category, RequestStatus, Urgency
from domain.services.reports import (
    ExecutorTotals,
    ExportFormat,
    ExportRow,
    SlaOutcome,
    sla_outcome,
)


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


class RowValues:
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


class CsvWriter(RowValues):
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
        RowValues.__init__(self, Path(), labels, tz, now)
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
    writer: _Writer
    if fmt is ExportFormat.XLSX:
        from bot.export_xlsx import XlsxWriter  # openpyxl only where a workbook is written

        writer = XlsxWriter(Path(path), labels, ZoneInfo(tz), now)
    else:
        writer = CsvWriter(Path(path), labels, ZoneInfo(tz), now)
    while (rows := _read_frame(stdin)) is not None:
        writer.write(rows)
    writer.close()
    stdout.write(f"{_peak_kib()}\n".encode())
    stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
