"""Logging: one JSON object per line in production, readable lines in development.

Every line written while an update is handled carries what is known of it (the
update's id, who wrote, the handler, the request: ``storage.log_context``). Phone numbers and bot tokens
never reach the output, whatever a library or a traceback puts in a line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from storage.log_context import log_context

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# A bot token (digits, a colon, 35 characters), an API client's secret (``ukc_…``) or
# a JWT (three base64url parts, the first a JSON object: ``eyJ…``).
_TOKEN = re.compile(
    r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}|\bukc_[A-Za-z0-9_-]{20,}|\beyJ[\w-]+\.[\w-]+\.[\w-]+"
)
# Something a phone number may be: digits with an optional + and spaces, dashes or
# brackets between (``_is_phone`` decides).
_PHONE_LIKE = re.compile(r"(?<![\w.:/-])\+?\(?\d[\d\s()-]{7,24}\d(?![\w:/]|\.\d)")


_REQUEST_NUMBER = re.compile(r"\d{6}-\d{3,}")  # "261207-001": a request, not a phone


def _is_phone(candidate: str) -> bool:
    digits = sum(char.isdigit() for char in candidate)
    if _REQUEST_NUMBER.fullmatch(candidate):
        return False
    if candidate.startswith("+") or not candidate.isdigit():
        return 9 <= digits <= 15  # "+998 90 123-45-67", "8 (900) 123-45-67"
    # Bare digits: Telegram's ids (user ids, update ids) have up to 10, phones 11 to 15
    # ("998901234567", as a shared contact gives it).
    return 11 <= digits <= 15


def _phone_or_not(match: re.Match[str]) -> str:
    return "[phone]" if _is_phone(match.group()) else match.group()


def redact(text: str) -> str:
    return _PHONE_LIKE.sub(_phone_or_not, _TOKEN.sub("[token]", text))


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


class ContextFilter(logging.Filter):
    """Puts the update's context on the record and redacts phones and tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in log_context().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.msg = redact(record.getMessage())
        record.args = None
        for key in vars(record).keys() - _STANDARD:
            setattr(record, key, _redacted(getattr(record, key)))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info or record.exc_text:
            payload["traceback"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        return f"{base} {extra}" if extra else base


def log_handler(fmt: str = "console", stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(ConsoleFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ContextFilter())
    return handler


def setup_logging(fmt: str = "console", level: str = "INFO") -> None:
    root = logging.getLogger()
    root.handlers[:] = [log_handler(fmt)]
    root.setLevel(level.upper())
    # aiogram logs every handled update at INFO; that is noise on the hot path.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # APScheduler says "running job ... executed successfully" at every tick (15 s).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
