"""The XLSX export's writer, used by the export's worker process only: openpyxl, and the
numpy and PIL it imports, stay out of the bot's own start (about 0.35 s of it)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.export_files import Labels, RowValues
from domain.services.reports import EXPORT_COLUMNS, ExportRow

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

_DATE_COLUMNS = frozenset(
    {"created", "accepted", "completed", "closed", "accept-due", "complete-due"}
)


class XlsxWriter(RowValues):
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
