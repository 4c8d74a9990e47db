"""API clients: integrations (a call centre, an accounting system) allowed to call the REST
API. An admin creates one with a name and scopes (in the bot or ``ukbot api-client``);
its secret is shown once and only a hash of it is kept; revoking it refuses the
client's next call whatever tokens it still holds.

Each client acts as its own user row with a negative id (no Telegram user has one), so
a comment it writes is shown under its name in the request's timeline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.access import Actor
from domain.enums import Role
from domain.errors import NotAllowed, ValidationFailed
from domain.services.users import AuditLog

ERROR_ADMINS_ONLY = "api-clients-error-admins-only"
MAX_NAME = 64
SECRET_PREFIX = "ukc_"


class ApiScope(StrEnum):
    REQUESTS_READ = "requests:read"
    REQUESTS_WRITE = "requests:write"
    EXPORT = "export"


@dataclass(frozen=True, slots=True)
class ApiClient:
    id: int
    name: str
    scopes: frozenset[ApiScope]
    building_ids: frozenset[int]
    """Buildings the client sees; empty: every building."""
    user_id: int
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def covers(self, building_id: int) -> bool:
        return not self.building_ids or building_id in self.building_ids

    def actor(self) -> Actor:
        """Who the client is for the access rules: the desk of its buildings."""
        if self.building_ids:
            return Actor(
                user_id=self.user_id,
                roles=frozenset({Role.MANAGER}),
                managed_building_ids=self.building_ids,
            )
        return Actor(user_id=self.user_id, roles=frozenset({Role.ADMIN}))


@dataclass(frozen=True, slots=True)
class NewClient:
    client: ApiClient
    secret: str
    """Shown once; never stored."""


class ApiClientRepository(Protocol):
    async def add(
        self,
        name: str,
        scopes: Sequence[str],
        building_ids: Sequence[int],
        secret_hash: str,
        created_by: int | None,
        now: datetime,
    ) -> ApiClient: ...
    async def get(self, client_id: int) -> ApiClient | None: ...
    async def secret_hash_of(self, client_id: int) -> tuple[ApiClient, str] | None: ...
    async def list(self) -> list[ApiClient]: ...
    async def revoke(self, client_id: int, by: int | None, now: datetime) -> ApiClient | None:
        """Marks the client revoked; None when unknown or already revoked."""


class ApiClientsUnitOfWork(Protocol):
    @property
    def api_clients(self) -> ApiClientRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    async def commit(self) -> None: ...


# --------------------------------------------------------------------------- rules


def parse_scopes(raw: Iterable[str]) -> frozenset[ApiScope]:
    """Scopes named by an admin (``requests:read`` …); an unknown name is refused."""
    scopes = set()
    for item in raw:
        name = item.strip()
        if not name:
            continue
        if name not in ApiScope._value2member_map_:
            raise ValidationFailed("api-clients-error-scope", scope=name)
        scopes.add(ApiScope(name))
    if not scopes:
        raise ValidationFailed("api-clients-error-no-scope")
    return frozenset(scopes)


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not 2 <= len(name) <= MAX_NAME:
        raise ValidationFailed("api-clients-error-name", max=MAX_NAME)
    return name


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>``: a leaked table gives no usable secret."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    scheme, _, rest = stored.partition("$")
    salt_hex, _, _digest = rest.partition("$")
    if scheme != "scrypt" or not salt_hex:
        return False
    return hmac.compare_digest(hash_secret(secret, bytes.fromhex(salt_hex)), stored)


def ensure_admin(actor: Actor | None) -> None:
    """The CLI passes ``None`` (whoever runs it owns the installation)."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed(ERROR_ADMINS_ONLY)


async def create_client(
    uow: ApiClientsUnitOfWork,
    actor: Actor | None,
    name: str,
    scopes: Iterable[str],
    now: datetime,
    *,
    building_ids: Iterable[int] = (),
) -> NewClient:
    ensure_admin(actor)
    cleaned = clean_name(name)
    chosen = parse_scopes(scopes)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    by = actor.user_id if actor is not None else None
    client = await uow.api_clients.add(
        cleaned,
        sorted(chosen),
        sorted(set(building_ids)),
        hash_secret(secret),
        by,
        now,
    )
    await uow.audit.record(
        by,
        "api_client.created",
        "api_client",
        str(client.id),
        {"name": cleaned, "scopes": sorted(chosen)},
    )
    await uow.commit()
    return NewClient(client, secret)


async def revoke_client(
    uow: ApiClientsUnitOfWork, actor: Actor | None, client_id: int, now: datetime
) -> ApiClient:
    ensure_admin(actor)
    by = actor.user_id if actor is not None else None
    client = await uow.api_clients.revoke(client_id, by, now)
    if client is None:
        raise ValidationFailed("api-clients-error-unknown", id=client_id)
    await uow.audit.record(by, "api_client.revoked", "api_client", str(client_id), {})
    await uow.commit()
    return client


async def list_clients(uow: ApiClientsUnitOfWork, actor: Actor | None) -> list[ApiClient]:
    ensure_admin(actor)
    return await uow.api_clients.list()
