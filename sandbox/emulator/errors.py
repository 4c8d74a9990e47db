"""Telegram-shaped API errors.

Every failure of a Bot API call is raised as :class:`ApiError` and rendered by
the server as ``{"ok": false, "error_code", "description", "parameters"}`` with
the HTTP status equal to ``error_code`` — aiogram maps the status code to its
exception classes, so both must match what Telegram sends.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answered to the caller exactly as Telegram would."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        params: dict[str, int] = {}
        if self.retry_after is not None:
            params["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            params["migrate_to_chat_id"] = self.migrate_to_chat_id
        if params:
            body["parameters"] = params
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def forbidden(text: str) -> ApiError:
    return ApiError(403, f"Forbidden: {text}")


def conflict(text: str) -> ApiError:
    return ApiError(409, f"Conflict: {text}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


NOT_FOUND = ApiError(404, "Not Found")
UNAUTHORIZED = ApiError(401, "Unauthorized")

# Descriptions reused in several places; kept verbatim as Telegram sends them.
CHAT_NOT_FOUND = "chat not found"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BOT_BLOCKED = "bot was blocked by the user"


def default_description(error_code: int, retry_after: int | None = None) -> str:
    """Description Telegram uses for a bare error code (used by fault injection)."""
    if error_code == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    return {
        400: "Bad Request: injected fault",
        401: "Unauthorized",
        403: "Forbidden: injected fault",
        404: "Not Found",
        409: "Conflict: injected fault",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
    }.get(error_code, f"Error {error_code}")
