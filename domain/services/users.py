"""Use cases about people: first contact, language, roles."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from domain.enums import Language, Role, UserStatus


@dataclass(frozen=True, slots=True)
class TelegramIdentity:
    """What Telegram tells us about a person on every update."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class UserProfile:
    id: int
    first_name: str
    language: Language | None
    status: UserStatus = UserStatus.ACTIVE
    roles: frozenset[Role] = field(default_factory=frozenset)
    last_name: str | None = None
    username: str | None = None
    phone: str | None = None
    full_name: str | None = None
    has_residency: bool = False  # linked to at least one apartment (any verification state)

    @property
    def needs_onboarding(self) -> bool:
        """A person who is neither staff nor linked to an apartment yet."""
        return not self.is_staff and not self.has_residency

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & {Role.EXECUTOR, Role.MANAGER, Role.ADMIN})

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class UserRepository(Protocol):
    async def get_profile(self, user_id: int) -> UserProfile | None: ...

    async def save_identity(self, identity: TelegramIdentity, language: Language) -> None:
        """Create the user or refresh their Telegram names; sets the language."""

    async def grant_role(self, user_id: int, role: Role) -> bool:
        """Give a role; False when the user already had it."""


class AuditLog(Protocol):
    async def record(
        self,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: str,
        data: dict[str, object],
    ) -> None: ...


class UsersUnitOfWork(Protocol):
    @property
    def users(self) -> UserRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


async def choose_language(
    uow: UsersUnitOfWork,
    identity: TelegramIdentity,
    language: Language,
    admin_ids: Collection[int],
) -> UserProfile:
    """First contact and every later language change; bootstraps configured admins."""
    await uow.users.save_identity(identity, language)
    if identity.id in admin_ids and await uow.users.grant_role(identity.id, Role.ADMIN):
        await uow.audit.record(None, "role.granted", "user", str(identity.id), {"role": Role.ADMIN})
    profile = await uow.users.get_profile(identity.id)
    assert profile is not None  # written just above, in the same transaction
    await uow.commit()
    return profile
