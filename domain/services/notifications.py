"""Notifications as data: written to the outbox with the change, rendered at delivery.

Text is a message key plus parameters; the recipient's language is applied only
when the message is sent, so everyone reads their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol


class Priority(IntEnum):
    """Which rows the outbox claims first: a personal notification (an assignment, a status
    change) is never kept waiting behind an announcement to thousands of residents."""

    PERSONAL = 0
    BULK = 1


def tr(key: str) -> dict[str, str]:
    """A parameter that is itself translated at delivery (e.g. a status name)."""
    return {"key": key}


@dataclass(frozen=True, slots=True)
class Button:
    text_key: str
    callback_data: str | None = None
    url: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text_key}
        if self.params:
            data["params"] = self.params
        if self.callback_data is not None:
            data["data"] = self.callback_data
        if self.url is not None:
            data["url"] = self.url
        return data


@dataclass(frozen=True, slots=True)
class MediaRef:
    kind: str  # MediaKind value
    file_id: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "file_id": self.file_id}


@dataclass(frozen=True, slots=True)
class Notification:
    chat_id: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    user_id: int | None = None  # the person behind a private chat; None for groups/channels
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: tuple[MediaRef, ...] = ()
    edit_of_message_id: int | None = None
    dedupe_key: str | None = None
    priority: Priority = Priority.PERSONAL
    paid_broadcast: bool = False
    """Sent with Telegram's paid broadcast option (beyond the free 30 messages/s)."""
    html: bool = False
    """The rendered text is Telegram HTML (parameters that are not must be escaped)."""
    announcement_id: int | None = None
    """The announcement this row delivers (its delivery report counts the row)."""

    @classmethod
    def to_user(cls, user_id: int, template: str, **params: Any) -> Notification:
        return cls(chat_id=user_id, user_id=user_id, template=template, params=params)


class OutboxPort(Protocol):
    """Where notifications are written, in the unit of work's transaction (delivered
    later by the outbox worker, in the recipient's language)."""

    async def add(self, *notes: Notification) -> None: ...
