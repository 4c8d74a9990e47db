"""Desk-wide settings an admin changes from the bot (stored as key → JSON value)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class DeskSettings:
    unverified_residents_may_file: bool = False
    pool_claim_enabled: bool = True
    auto_accept_hours: int = 72
    dispatcher_phone: str = "+998 71 200-00-00"
    reject_templates: tuple[str, ...] = ()
    """The manager's rejection reasons as typed; empty: the built-in translated ones."""

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> DeskSettings:
        known = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        if "reject_templates" in known:  # stored as a JSON list
            known["reject_templates"] = tuple(str(text) for text in known["reject_templates"] or ())
        return cls(**known)
