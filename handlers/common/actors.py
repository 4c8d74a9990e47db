"""Who is pressing, as the rules know them: every handler starts from it; and the parts
of the bot's services most handler modules need (``*Services`` Protocols build on them).

An unknown or deactivated person, or one without the role a screen needs, gets the
translated refusal instead (the screens of other roles look "not available", the
admin's say "admins only")."""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from domain.access import NOT_AVAILABLE, Actor
from domain.clock import Clock
from domain.errors import NotAllowed
from domain.services.audit_view import ERROR_ADMINS_ONLY
from storage.uow import SqlUnitOfWork


class ActorSource(Protocol):
    async def actor(self, user_id: int) -> Actor | None: ...


class Transactions(Protocol):
    """Units of work: ``uow`` for a change, ``reader`` for a screen that only reads."""

    def uow(self) -> SqlUnitOfWork: ...
    def reader(self) -> SqlUnitOfWork: ...


class Timekeeping(Protocol):
    @property
    def clock(self) -> Clock: ...
    @property
    def tz(self) -> ZoneInfo: ...


async def acting(services: ActorSource, user_id: int) -> Actor:
    actor = await services.actor(user_id)
    if actor is None:
        raise NotAllowed(NOT_AVAILABLE)
    return actor


async def acting_manager(services: ActorSource, user_id: int) -> Actor:
    """A manager (or admin) of the desk."""
    actor = await services.actor(user_id)
    if actor is None or not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    return actor


async def acting_admin(services: ActorSource, user_id: int) -> Actor:
    actor = await services.actor(user_id)
    if actor is None or not actor.is_admin:
        raise NotAllowed(ERROR_ADMINS_ONLY)
    return actor
