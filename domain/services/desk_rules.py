"""Desk rules an admin changes from Settings (what used to need SQL): the dispatcher
phone, whether unverified residents may file, whether executors may claim from the
pool, the digests' schedule and recipients, and auto-assignment per building.

Each use case checks that the actor is an admin, validates the value, and saves it
with its audit entry in one transaction; a refused value changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from domain.access import Actor
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.sla_settings import ERROR_ADMINS_ONLY, ERROR_OUTDATED, SettingsStore
from domain.services.users import AuditLog

ERROR_PHONE = "settings-error-phone"
ERROR_HOUR = "settings-error-hour"

FLAGS: tuple[str, ...] = (
    "unverified_residents_may_file",
    "pool_claim_enabled",
    "digest_daily",
    "digest_weekly",
    "announcements_paid_broadcast",
)
"""Yes/no settings, toggled by one press."""

RECIPIENTS: tuple[str, ...] = ("all", "managers", "admins")
"""Who gets the scheduled digests, in the order a press cycles through them."""

BUILDINGS_PAGE = 8

_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+$")


@dataclass(frozen=True, slots=True)
class BuildingRule:
    id: int
    address: str
    auto_assign: bool


class BuildingRules(Protocol):
    async def count_buildings(self) -> int: ...
    async def auto_assign_page(self, offset: int, limit: int) -> list[BuildingRule]: ...
    async def set_auto_assign(self, building_id: int, value: bool) -> BuildingRule | None:
        """The building after the change; ``None``: no such building."""
        ...


class DeskRulesUnitOfWork(Protocol):
    @property
    def settings(self) -> SettingsStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def directory(self) -> BuildingRules: ...

    async def commit(self) -> None: ...


def _ensure_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed(ERROR_ADMINS_ONLY)


async def _save(
    uow: DeskRulesUnitOfWork, actor: Actor, key: str, value: Any, previous: Any
) -> DeskSettings:
    await uow.settings.save(key, value, by=actor.user_id)
    data: dict[str, object] = {"value": value, "previous": previous}
    await uow.audit.record(actor.user_id, "setting.changed", "setting", key, data)
    await uow.commit()
    return await uow.settings.load()


def parse_phone(text: str | None) -> str:
    """A phone number as people type it (``+998 71 200-00-00``): 7 to 15 digits, an
    optional leading ``+``, spaces, dashes and brackets; kept as typed, trimmed."""
    value = " ".join((text or "").split())
    digits = sum(char.isdigit() for char in value)
    if not _PHONE_CHARS.match(value) or not 7 <= digits <= 15:
        raise ValidationFailed(ERROR_PHONE)
    return value


async def set_dispatcher_phone(
    uow: DeskRulesUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    _ensure_admin(actor)
    phone = parse_phone(text)
    settings = await uow.settings.load()
    return await _save(uow, actor, "dispatcher_phone", phone, settings.dispatcher_phone)


async def toggle_flag(uow: DeskRulesUnitOfWork, actor: Actor, key: str) -> DeskSettings:
    _ensure_admin(actor)
    if key not in FLAGS:
        raise ValidationFailed(ERROR_OUTDATED)
    previous = bool(getattr(await uow.settings.load(), key))
    return await _save(uow, actor, key, not previous, previous)


def parse_hour(text: str | None) -> int:
    """``9``, ``09``, ``9:00`` or ``09:00``: an hour of the day, 0..23."""
    found = re.fullmatch(r"\s*(\d{1,2})(?:[:.]00)?\s*", text or "")
    if found is None or int(found.group(1)) > 23:
        raise ValidationFailed(ERROR_HOUR)
    return int(found.group(1))


async def set_digest_hour(uow: DeskRulesUnitOfWork, actor: Actor, text: str | None) -> DeskSettings:
    _ensure_admin(actor)
    hour = parse_hour(text)
    settings = await uow.settings.load()
    return await _save(uow, actor, "digest_hour", hour, settings.digest_hour)


OUTAGE_COUNT_RANGE = (2, 50)
OUTAGE_WINDOW_RANGE = (5, 1440)
ERROR_OUTAGE_COUNT = "incident-settings-error-count"
ERROR_OUTAGE_WINDOW = "incident-settings-error-window"


def parse_whole(text: str | None, low: int, high: int, key: str) -> int:
    found = re.fullmatch(r"\s*(\d{1,5})\s*", text or "")
    if found is None or not low <= int(found.group(1)) <= high:
        raise ValidationFailed(key, min=low, max=high)
    return int(found.group(1))


async def set_outage_min_requests(
    uow: DeskRulesUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """How many open requests of one category in one building suggest an outage."""
    _ensure_admin(actor)
    count = parse_whole(text, *OUTAGE_COUNT_RANGE, ERROR_OUTAGE_COUNT)
    settings = await uow.settings.load()
    return await _save(uow, actor, "outage_min_requests", count, settings.outage_min_requests)


async def set_outage_window(
    uow: DeskRulesUnitOfWork, actor: Actor, text: str | None
) -> DeskSettings:
    """Within how many minutes those requests must arrive."""
    _ensure_admin(actor)
    minutes = parse_whole(text, *OUTAGE_WINDOW_RANGE, ERROR_OUTAGE_WINDOW)
    settings = await uow.settings.load()
    return await _save(uow, actor, "outage_window_minutes", minutes, settings.outage_window_minutes)


async def next_digest_recipients(uow: DeskRulesUnitOfWork, actor: Actor) -> DeskSettings:
    _ensure_admin(actor)
    current = (await uow.settings.load()).digest_recipients
    index = RECIPIENTS.index(current) if current in RECIPIENTS else -1
    following = RECIPIENTS[(index + 1) % len(RECIPIENTS)]
    return await _save(uow, actor, "digest_recipients", following, current)


@dataclass(frozen=True, slots=True)
class BuildingsPage:
    items: list[BuildingRule]
    page: int
    pages: int


async def buildings_page(uow: DeskRulesUnitOfWork, actor: Actor, page: int) -> BuildingsPage:
    _ensure_admin(actor)
    total = await uow.directory.count_buildings()
    pages = max(1, -(-total // BUILDINGS_PAGE))
    page = min(max(page, 0), pages - 1)
    items = await uow.directory.auto_assign_page(page * BUILDINGS_PAGE, BUILDINGS_PAGE)
    return BuildingsPage(items, page, pages)


async def toggle_auto_assign(
    uow: DeskRulesUnitOfWork, actor: Actor, building_id: int, value: bool
) -> BuildingRule:
    """Set the building's auto-assignment to ``value`` (the state the pressed button
    showed, inverted: two admins pressing at once both get what they asked for)."""
    _ensure_admin(actor)
    building = await uow.directory.set_auto_assign(building_id, value)
    if building is None:
        raise ValidationFailed(ERROR_OUTDATED)
    await uow.audit.record(
        actor.user_id,
        "building.auto_assign",
        "building",
        str(building_id),
        {"value": value, "address": building.address},
    )
    await uow.commit()
    return building
