"""What every log line of the work in progress carries (an update's id, who wrote, the
handler, the request), bound once per task instead of passed to each call.

It lives here, below the composition root, because storage is where the request a
change is about is first known (``bind_log_context(request=number)``)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_log_context: ContextVar[dict[str, Any] | None] = ContextVar("ukbot_log_context", default=None)


def bind_log_context(**fields: Any) -> None:
    """Adds ``fields`` to every line logged from now on in this task (each update runs
    in a task of its own, which starts with a copy of its creator's context)."""
    _log_context.set({**(_log_context.get() or {}), **fields})


def log_context() -> dict[str, Any]:
    return dict(_log_context.get() or {})
