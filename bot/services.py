"""The composition root's container: what handlers and workers share."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import Update, User
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.classifier import OpenAIClassifier
from bot.commands import CommandsMenu
from bot.i18n import Translator
from bot.media_store import TelegramMediaStore
from bot.settings import Settings
from domain.access import Actor
from domain.clock import Clock
from domain.enums import Language
from domain.ports import Geocoder
from domain.services.incidents import after_filing
from domain.services.users import UserProfile
from storage.repositories.inbox import detached_context
from storage.repositories.settings import SqlSettingsRepository
from storage.repositories.users import load_person
from storage.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


class ProfileCache:
    """Profiles and actors read on every update, cached briefly; writers call ``forget``.

    Within this process a change is seen at once (the writer forgets the user);
    other processes see it within ``ttl`` seconds.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], ttl: float = 5.0) -> None:
        self.session_factory = session_factory
        self.ttl = ttl
        self._people: dict[int, tuple[float, tuple[UserProfile | None, Actor | None]]] = {}

    async def get_profile(self, user_id: int) -> UserProfile | None:
        return (await self._person(user_id))[0]

    async def get_actor(self, user_id: int) -> Actor | None:
        """Who the user is for the access rules: roles, buildings, apartments."""
        return (await self._person(user_id))[1]

    async def _person(self, user_id: int) -> tuple[UserProfile | None, Actor | None]:
        """Profile and actor are read together: most updates need both."""
        hit = self._people.get(user_id)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        async with self.session_factory() as session:
            desk = await SqlSettingsRepository(session).load()
            person = await load_person(
                session, user_id, pending_apartments_count=desk.unverified_residents_may_file
            )
        if len(self._people) > 50_000:
            self._people.clear()
        found = person or (None, None)
        self._people[user_id] = (now + self.ttl, found)
        return found

    def forget(self, user_id: int) -> None:
        self._people.pop(user_id, None)

    def clear(self) -> None:
        self._people.clear()


class LanguageCache:
    """Each person's language as last seen in this process: read without I/O, so a
    person is answered in their own language even while Postgres and Redis are down.

    ``UserMiddleware`` remembers the language of every update's profile; ``of`` falls
    back to the Telegram client's language when it is one the bot speaks, then to the
    default.
    """

    LIMIT = 200_000

    def __init__(self, default: str) -> None:
        self.default = default
        self._known: dict[int, str] = {}

    def remember(self, user_id: int, language: str) -> None:
        if self._known.get(user_id) == language:
            return
        if len(self._known) >= self.LIMIT:
            self._known.clear()
        self._known[user_id] = language

    def of(self, user_id: int | None, telegram_language_code: str | None = None) -> str:
        """The person's language: remembered, else their Telegram client's (ru, uz or
        en), else the default."""
        known = self._known.get(user_id) if user_id is not None else None
        if known is not None:
            return known
        code = (telegram_language_code or "")[:2]
        return code if code in _LANGUAGES else self.default

    def of_update(self, update: Update) -> str:
        """The language of the person an update comes from (``of`` for its sender)."""
        user = _sender(update)
        return self.of(user.id, user.language_code) if user is not None else self.default


_LANGUAGES = frozenset(language.value for language in Language)


def _sender(update: Update) -> User | None:
    event = update.event
    user = getattr(event, "from_user", None)
    return user if isinstance(user, User) else None


def _no_wake() -> None:
    return None


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]
    """Read-only sessions on the same pool (``storage.db.create_reader_factory``)."""
    translator: Translator
    clock: Clock
    profiles: ProfileCache
    commands: CommandsMenu
    geocoder: Geocoder
    media_store: TelegramMediaStore
    classifier: OpenAIClassifier
    outbox_wake: Callable[[], None] = field(default=_no_wake)
    deadline_settings_changed: Callable[[], None] = field(default=_no_wake)
    """Re-plans open requests after an admin changed SLA or calendar settings."""
    background: set[asyncio.Task[None]] = field(default_factory=set)
    languages: LanguageCache = field(init=False)
    """Each person's language without I/O (for answers while a backing service is down)."""

    def __post_init__(self) -> None:
        self.languages = LanguageCache(self.translator.default)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory, self.tz, after_outbox_commit=lambda: self.outbox_wake()
        )

    def reader(self) -> SqlUnitOfWork:
        """A unit of work for screens that only read: no transaction, no writes
        (``storage.db.ReadOnlySession``)."""
        return SqlUnitOfWork(self.readers, self.tz)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Work that must not hold up the user's answer (e.g. asking a slow model)."""
        task = asyncio.create_task(work, name=name, context=detached_context())
        self.background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "background task failed", exc_info=task.exception(), extra={"task": task.get_name()}
            )

    def check_outage(self, request_id: int, number: str) -> None:
        """After a request is filed, in the chat or through the API: link it to its
        building's open incident, or suggest one. In the background, after the answer
        (the request is filed whatever happens here)."""
        self.spawn(self._outage_check(request_id), name=f"outage-{number}")

    async def _outage_check(self, request_id: int) -> None:
        try:
            async with self.uow() as uow:
                settings = await uow.settings.load()
                await after_filing(uow, request_id, self.clock.now(), settings, self.tz)
        except Exception:
            log.exception("outage check after filing failed", extra={"request_id": request_id})

    async def actor(self, user_id: int) -> Actor | None:
        return await self.profiles.get_actor(user_id)
