"""Rejection reason templates: the reasons the desk offers when a request is rejected.

The list is desk-wide (``DeskSettings.reject_templates``, one settings row).
While nothing is stored the built-in reasons are offered, as message keys the
edge translates into the presser's language. Once a manager adds a reason the
stored list replaces them: every text is kept as typed and shown as is in every
language; removing the last one brings the built-in reasons back.

Managers and admins edit the list; every change goes to the audit log in the
same transaction. Buttons name a template by its index and the list's
``version``: a press on a list that has changed since is "outdated".
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Protocol

from domain.access import NOT_AVAILABLE, Actor
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.users import AuditLog

__all__ = [
    "DEFAULT_REJECT_TEMPLATES",
    "MAX_TEMPLATES",
    "MAX_TEMPLATE_LENGTH",
    "MIN_TEMPLATE_LENGTH",
    "RejectTemplate",
    "RejectTemplates",
    "TemplatesUnitOfWork",
    "add_reject_template",
    "list_reject_templates",
    "pick_reject_template",
    "remove_reject_template",
]

SETTING_KEY = "reject_templates"
DEFAULT_REJECT_TEMPLATES: tuple[str, ...] = (
    "desk-reject-tpl-1",
    "desk-reject-tpl-2",
    "desk-reject-tpl-3",
    "desk-reject-tpl-4",
)
"""Message keys of the built-in reasons (offered while nothing is stored)."""
MIN_TEMPLATE_LENGTH = 3
MAX_TEMPLATE_LENGTH = 200
MAX_TEMPLATES = 12

ERROR_TOO_SHORT = "templates-error-too-short"
ERROR_TOO_LONG = "templates-error-too-long"
ERROR_DUPLICATE = "templates-error-duplicate"
ERROR_TOO_MANY = "templates-error-too-many"
ERROR_OUTDATED = "templates-error-outdated"


@dataclass(frozen=True, slots=True)
class RejectTemplate:
    """One reason: ``text`` as typed, or ``key`` of a built-in reason to translate."""

    text: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class RejectTemplates:
    """The reasons offered now; ``defaults``: the built-in ones (nothing stored)."""

    items: tuple[RejectTemplate, ...]
    defaults: bool
    version: str

    @property
    def can_add(self) -> bool:
        return self.defaults or len(self.items) < MAX_TEMPLATES


class SettingsStore(Protocol):
    async def load(self) -> DeskSettings: ...
    async def save(self, key: str, value: Any, *, by: int | None) -> None: ...


class TemplatesUnitOfWork(Protocol):
    @property
    def settings(self) -> SettingsStore: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


def _version(stored: tuple[str, ...]) -> str:
    """A short fingerprint of the stored list (8 hex digits) for button data."""
    return f"{zlib.crc32(chr(0).join(stored).encode()):08x}"


def _templates(stored: tuple[str, ...]) -> RejectTemplates:
    if not stored:
        return RejectTemplates(
            tuple(RejectTemplate(key=key) for key in DEFAULT_REJECT_TEMPLATES),
            defaults=True,
            version=_version(()),
        )
    return RejectTemplates(
        tuple(RejectTemplate(text=text) for text in stored),
        defaults=False,
        version=_version(stored),
    )


def _ensure_editor(actor: Actor) -> None:
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)


def clean_template(text: str | None) -> str:
    """Trimmed (inner runs of spaces and line breaks become one space), 3..200 characters."""
    cleaned = " ".join((text or "").split())
    if len(cleaned) < MIN_TEMPLATE_LENGTH:
        raise ValidationFailed(ERROR_TOO_SHORT, min=MIN_TEMPLATE_LENGTH)
    if len(cleaned) > MAX_TEMPLATE_LENGTH:
        raise ValidationFailed(ERROR_TOO_LONG, max=MAX_TEMPLATE_LENGTH)
    return cleaned


async def _stored(uow: TemplatesUnitOfWork) -> tuple[str, ...]:
    return (await uow.settings.load()).reject_templates


async def list_reject_templates(uow: TemplatesUnitOfWork) -> RejectTemplates:
    """The reasons the reject picker offers now."""
    return _templates(await _stored(uow))


async def pick_reject_template(
    uow: TemplatesUnitOfWork, index: int, version: str | None = None
) -> RejectTemplate:
    """The reason behind a pressed button; "outdated" when the list changed since."""
    templates = await list_reject_templates(uow)
    if (version is not None and version != templates.version) or not (
        0 <= index < len(templates.items)
    ):
        raise ValidationFailed(ERROR_OUTDATED)
    return templates.items[index]


async def add_reject_template(
    uow: TemplatesUnitOfWork, actor: Actor, text: str | None
) -> RejectTemplates:
    """Adds a reason typed by a manager or an admin (replacing the built-in ones)."""
    _ensure_editor(actor)
    cleaned = clean_template(text)
    stored = await _stored(uow)
    if cleaned.casefold() in {existing.casefold() for existing in stored}:
        raise ValidationFailed(ERROR_DUPLICATE)
    if len(stored) >= MAX_TEMPLATES:
        raise ValidationFailed(ERROR_TOO_MANY, max=MAX_TEMPLATES)
    updated = (*stored, cleaned)
    await uow.settings.save(SETTING_KEY, list(updated), by=actor.user_id)
    await uow.audit.record(
        actor.user_id,
        "reject_template.added",
        "setting",
        SETTING_KEY,
        {"text": cleaned, "count": len(updated)},
    )
    await uow.commit()
    return _templates(updated)


async def remove_reject_template(
    uow: TemplatesUnitOfWork, actor: Actor, index: int, *, version: str | None = None
) -> RejectTemplates:
    """Removes a stored reason (the built-in ones cannot be removed: "outdated")."""
    _ensure_editor(actor)
    stored = await _stored(uow)
    if (
        not stored
        or not 0 <= index < len(stored)
        or (version is not None and version != _version(stored))
    ):
        raise ValidationFailed(ERROR_OUTDATED)
    removed = stored[index]
    updated = stored[:index] + stored[index + 1 :]
    await uow.settings.save(SETTING_KEY, list(updated), by=actor.user_id)
    await uow.audit.record(
        actor.user_id,
        "reject_template.removed",
        "setting",
        SETTING_KEY,
        {"text": removed, "count": len(updated)},
    )
    await uow.commit()
    return _templates(updated)
