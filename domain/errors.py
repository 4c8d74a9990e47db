"""Domain errors carry a message key and parameters, never display text.

The edge (handlers, REST API) translates ``key`` with ``params`` in the user's
language; the domain never formats a sentence.
"""

from __future__ import annotations

from typing import ClassVar

ParamValue = str | int


class DomainError(Exception):
    """A business rule refused the operation.

    ``key`` is a locale message key (``error-...``); ``params`` are the values
    the message interpolates.
    """

    default_key: ClassVar[str] = "error-generic"

    def __init__(self, key: str | None = None, /, **params: ParamValue) -> None:
        self.key: str = key or self.default_key
        self.params: dict[str, ParamValue] = dict(params)
        super().__init__(self.key, self.params)

    def __str__(self) -> str:
        if not self.params:
            return self.key
        rendered = ", ".join(f"{name}={value}" for name, value in sorted(self.params.items()))
        return f"{self.key} ({rendered})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, params={self.params!r})"


class NotAllowed(DomainError):
    """The actor may not do this (role, ownership, deactivated, ...)."""

    default_key = "error-not-allowed"


class NotFound(DomainError):
    """The thing referred to does not exist (or is not visible)."""

    default_key = "error-not-found"


class InvalidTransition(DomainError):
    """No row of the lifecycle table matches; params: ``status``, ``action``."""

    default_key = "error-invalid-transition"


class MissingField(DomainError):
    """A required field is missing or invalid; params: ``field``."""

    default_key = "error-missing-field"

    def __init__(self, field: str, key: str | None = None, /, **params: ParamValue) -> None:
        super().__init__(key, field=field, **params)
        self.field = field


class ValidationFailed(DomainError):
    """Input is present but unacceptable (too long, unchanged, out of range)."""

    default_key = "error-validation"
