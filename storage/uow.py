"""Unit of work: one transaction; repositories never commit, rollback unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories.announcements import SqlAnnouncementRepository
from storage.repositories.api import SqlApiClientRepository
from storage.repositories.audit import SqlAuditLog
from storage.repositories.desk import SqlDeskRepository
from storage.repositories.directory import SqlDirectoryRepository
from storage.repositories.filing import SqlFilingRepository
from storage.repositories.inbox import current_claim, mark_handled
from storage.repositories.incidents import SqlIncidentRepository
from storage.repositories.invites import SqlInviteRepository
from storage.repositories.jobs import SqlJobsRepository
from storage.repositories.media import SqlMediaRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.requests import SqlRequestRepository
from storage.repositories.residents import SqlResidentRepository
from storage.repositories.schedule import SqlScheduleRepository
from storage.repositories.settings import SqlSettingsRepository
from storage.repositories.staff import SqlStaffRepository
from storage.repositories.users import SqlUserRepository


class SqlUnitOfWork:
    session: AsyncSession
    users: SqlUserRepository
    invites: SqlInviteRepository
    audit: SqlAuditLog
    outbox: OutboxRepository
    directory: SqlDirectoryRepository
    residents: SqlResidentRepository
    media: SqlMediaRepository
    settings: SqlSettingsRepository
    filing: SqlFilingRepository
    requests: SqlRequestRepository
    staff: SqlStaffRepository
    jobs: SqlJobsRepository
    schedule: SqlScheduleRepository
    api_clients: SqlApiClientRepository
    announcements: SqlAnnouncementRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tz: ZoneInfo | None = None,
        *,
        after_outbox_commit: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        # Delivery starts right after a commit that wrote notifications, not at the next poll.
        self._after_outbox_commit = after_outbox_commit
        self._tz = tz or ZoneInfo("Asia/Tashkent")  # the business timezone: deadlines, quiet hours

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        self.users = SqlUserRepository(self.session)
        self.audit = SqlAuditLog(self.session)
        self.outbox = OutboxRepository(self.session)
        self.directory = SqlDirectoryRepository(self.session)
        self.residents = SqlResidentRepository(self.session)
        self.media = SqlMediaRepository(self.session)
        self.settings = SqlSettingsRepository(self.session)
        self.filing = SqlFilingRepository(self.session)
        self.requests = SqlRequestRepository(self.session)
        self.staff = SqlStaffRepository(self.session)
        self.desk = SqlDeskRepository(self.session)
        self.jobs = SqlJobsRepository(self.session)
        self.schedule = SqlScheduleRepository(self.session, self._tz)
        self.invites = SqlInviteRepository(self.session)
        self.api_clients = SqlApiClientRepository(self.session)
        self.incidents = SqlIncidentRepository(self.session)
        self.announcements = SqlAnnouncementRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()  # no-op after commit; undoes everything otherwise
        finally:
            await self.session.close()

    async def commit(self) -> None:
        claim = current_claim.get()
        if claim is not None:
            # The update that caused this change is handled by it: both or neither.
            await mark_handled(self.session, claim)
        await self.session.commit()
        if self.outbox.wrote:
            self.outbox.wrote = False
            if self._after_outbox_commit is not None:
                self._after_outbox_commit()

    async def rollback(self) -> None:
        await self.session.rollback()
