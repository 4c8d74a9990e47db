"""Role filter: a router of a role only sees users who hold that role."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from domain.enums import Role
from domain.services.users import UserProfile


class HasRole(Filter):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, profile: UserProfile | None = None) -> bool:
        return profile is not None and profile.is_active and bool(profile.roles & self.roles)
