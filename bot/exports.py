"""Export of a period's requests to XLSX or CSV (``bot.export_files``).

The rows come from a server-side cursor in batches; each batch is piped to a worker
process (``python -m bot.export_files``) that writes it to a temporary file. Neither
memory nor the bot's event loop grows with the period: 50,000 requests cost one batch
of rows in memory at a time, and the writing (openpyxl is pure Python) never competes with the bot's event loop
for the interpreter lock. A worker that fails or is killed fails the export; the
temporary file is removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.export_files import Labels, frame
from bot.i18n import BoundTranslator
from domain.enums import Category, RequestStatus, Urgency
from domain.services.reports import (
    EXECUTOR_COLUMNS,
    EXPORT_COLUMNS,
    ExportFormat,
    Period,
    ReportScope,
    SlaOutcome,
)
from storage.repositories.reports import SqlReportsRepository

BATCH = 500
"""Rows fetched from the cursor and written per step."""
MAX_CONCURRENT = 2
"""Exports prepared at once by one bot process; more wait their turn."""
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def labels_of(t: BoundTranslator) -> Labels:
    """Every text of the file, translated here (the worker process has no catalogue)."""
    return Labels(
        header=[t(f"export-col-{key}") for key in EXPORT_COLUMNS],
        executor_header=[t(f"export-exec-{key}") for key in EXECUTOR_COLUMNS],
        executors_sheet=t("export-sheet-executors"),
        requests_sheet=t("export-sheet-requests"),
        categories={c: t(f"category-{c.value}") for c in Category},
        urgencies={u: t(f"urgency-{u.value}") for u in Urgency},
        statuses={s: t(f"status-{s.value}") for s in RequestStatus},
        outcomes={o: t(f"export-sla-{o.value}") for o in SlaOutcome},
    )


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str
    rows: int
    worker_peak_kib: int = 0
    """The worker process's peak resident memory."""

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
    slots = _slots.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(MAX_CONCURRENT))
    async with slots:
        return await _build(session_factory, scope, period, fmt, t, tz, now, batch)


async def _build(
    session_factory: Callable[[], Any],
    scope: ReportScope,
    period: Period,
    fmt: ExportFormat,
    t: BoundTranslator,
    tz: ZoneInfo,
    now: datetime,
    batch: int,
) -> ExportFile:
    labels = labels_of(t)
    handle, name = tempfile.mkstemp(prefix="ukbot-export-", suffix=f".{fmt.value}")
    os.close(handle)
    # A fresh interpreter that imports only the writer: nothing of the bot's state is
    # inherited, and the writing never holds this process's interpreter lock.
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.export_files",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write(frame((fmt, name, labels, tz.key, now)))
        start, end = period.bounds(tz)
        count = 0
        async with session_factory() as session, session.begin():
            repository = SqlReportsRepository(session)
            async for rows in repository.export_rows(scope, start, end, batch=batch):
                worker.stdin.write(frame(rows))
                await worker.stdin.drain()  # the worker writes while the next batch is read
                count += len(rows)
        worker.stdin.write(frame(None))
        await worker.stdin.drain()
        worker.stdin.close()
        answer = await worker.stdout.read()
        if await worker.wait() != 0 or not answer.strip().isdigit():
            raise RuntimeError(f"the export worker failed (exit code {worker.returncode})")
    except BaseException:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
        raise
    filename = f"requests_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.{fmt.value}"
    return ExportFile(Path(name), filename, count, int(answer))
