"""Announcements, their buildings, their audience and their delivery report (counted
from the announcement's outbox rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select, text, true, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import OutboxState, UserStatus, VerificationState
from domain.services.announcements import (
    AnnouncementKind,
    DeliveryReport,
    DueReminder,
    HistoryItem,
    NewAnnouncement,
    Recipient,
    Unreachable,
    preview_of,
)
from storage.models import (
    Announcement,
    AnnouncementBuilding,
    Apartment,
    Building,
    Entrance,
    Organisation,
    Outbox,
    ResidentApartment,
    User,
)

LINKED = (
    VerificationState.PENDING,
    VerificationState.DOCUMENT_REQUESTED,
    VerificationState.APPROVED,
)
"""Residents linked to an apartment (all but the rejected)."""
UNREACHABLE_SHOWN = 50


class SqlAnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def buildings(
        self, building_ids: frozenset[int] | None, offset: int, limit: int
    ) -> list[tuple[int, str]]:
        stmt = select(Building.id, Building.address).order_by(Building.address, Building.id)
        if building_ids is not None:
            stmt = stmt.where(Building.id.in_(sorted(building_ids)))
        rows = await self.session.execute(stmt.offset(offset).limit(limit))
        return [(int(row[0]), str(row[1])) for row in rows]

    async def count_buildings(self, building_ids: frozenset[int] | None) -> int:
        stmt = select(func.count()).select_from(Building)
        if building_ids is not None:
            stmt = stmt.where(Building.id.in_(sorted(building_ids)))
        return int(await self.session.scalar(stmt) or 0)

    async def address(self, building_id: int) -> str | None:
        return await self.session.scalar(select(Building.address).where(Building.id == building_id))

    async def entrances(self, building_ids: Sequence[int]) -> list[tuple[int, str]]:
        rows = await self.session.execute(
            select(Entrance.id, Entrance.number)
            .where(Entrance.building_id.in_(list(building_ids)))
            .order_by(func.length(Entrance.number), Entrance.number, Entrance.id)
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    def _audience(
        self, building_ids: Sequence[int], verified_only: bool, entrance_ids: Sequence[int]
    ) -> Select[int, str]:
        states = (VerificationState.APPROVED,) if verified_only else LINKED
        narrowed = (Apartment.entrance_id.in_(list(entrance_ids)),) if entrance_ids else ()
        return (
            select(ResidentApartment.user_id, Organisation.name)
            .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
            .join(Building, Building.id == Apartment.building_id)
            .join(Organisation, Organisation.id == Building.organisation_id)
            .join(User, User.id == ResidentApartment.user_id)
            .where(
                Apartment.building_id.in_(list(building_ids)),
                ResidentApartment.verification.in_(states),
                User.status == UserStatus.ACTIVE,
                *narrowed,
            )
            .ext(distinct_on(ResidentApartment.user_id))
            .order_by(ResidentApartment.user_id, Building.id)
        )

    async def audience(
        self, building_ids: Sequence[int], verified_only: bool, entrance_ids: Sequence[int] = ()
    ) -> list[Recipient]:
        rows = await self.session.execute(self._audience(building_ids, verified_only, entrance_ids))
        return [Recipient(int(row[0]), str(row[1])) for row in rows]

    async def count_audience(
        self, building_ids: Sequence[int], verified_only: bool, entrance_ids: Sequence[int] = ()
    ) -> int:
        inner = self._audience(building_ids, verified_only, entrance_ids).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def by_token(self, token: str) -> int | None:
        return await self.session.scalar(select(Announcement.id).where(Announcement.token == token))

    async def create(self, new: NewAnnouncement) -> int | None:
        stmt = (
            insert(Announcement)
            .values(
                token=new.token,
                author_id=new.author_id,
                kind=new.kind.value,
                text=new.text,
                media=new.media,
                verified_only=new.verified_only,
                entrance_ids=list(new.entrance_ids),
                starts_at=new.starts_at,
                ends_at=new.ends_at,
                reminder_due_at=new.reminder_due_at,
                paid_broadcast=new.paid_broadcast,
                recipients=new.recipients,
            )
            .on_conflict_do_nothing(index_elements=[Announcement.token])
            .returning(Announcement.id)
        )
        found = await self.session.scalar(stmt)
        if found is None:
            return None
        await self.session.execute(
            insert(AnnouncementBuilding),
            [{"announcement_id": found, "building_id": b} for b in new.building_ids],
        )
        return int(found)

    async def building_ids_of(self, announcement_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(AnnouncementBuilding.building_id).where(
                AnnouncementBuilding.announcement_id == announcement_id
            )
        )
        return [int(b) for b in rows]

    async def report(self, announcement_id: int) -> DeliveryReport | None:
        announcement = await self.session.get(Announcement, announcement_id)
        if announcement is None:
            return None
        addresses = await self.session.scalars(
            select(Building.address)
            .join(AnnouncementBuilding, AnnouncementBuilding.building_id == Building.id)
            .where(AnnouncementBuilding.announcement_id == announcement_id)
            .order_by(Building.address)
        )
        entrances: Sequence[str] = ()
        if announcement.entrance_ids:
            found = await self.session.scalars(
                select(Entrance.number)
                .where(Entrance.id.in_(list(announcement.entrance_ids)))
                .order_by(func.length(Entrance.number), Entrance.number)
            )
            entrances = found.all()
        counts = dict(
            (
                await self.session.execute(
                    select(Outbox.state, func.count())
                    .where(Outbox.announcement_id == announcement_id)
                    .group_by(Outbox.state)
                )
            ).all()
        )
        rows = await self.session.execute(_unreachable(announcement_id))
        unreachable = tuple(
            Unreachable(
                name=row.name or "—",
                apartment=row.apartment or "—",
                phone=row.phone or "—",
                blocked=row.state == OutboxState.SKIPPED.value,
            )
            for row in rows
        )
        return DeliveryReport(
            announcement_id=announcement.id,
            kind=AnnouncementKind(announcement.kind),
            created_at=announcement.created_at,
            addresses=tuple(addresses),
            preview=preview_of(announcement.text, 60),
            entrances=tuple(entrances),
            queued=counts.get(OutboxState.PENDING, 0),
            delivered=counts.get(OutboxState.SENT, 0),
            blocked=counts.get(OutboxState.SKIPPED, 0),
            failed=counts.get(OutboxState.FAILED, 0),
            unreachable=unreachable,
            starts_at=announcement.starts_at,
            ends_at=announcement.ends_at,
            reminder_due_at=announcement.reminder_due_at,
            reminder_sent_at=announcement.reminder_sent_at,
            paid_broadcast=announcement.paid_broadcast,
        )

    async def history(self, building_id: int, offset: int, limit: int) -> list[HistoryItem]:
        rows = await self.session.execute(
            select(
                Announcement.id,
                Announcement.kind,
                Announcement.created_at,
                Announcement.text,
                Announcement.recipients,
            )
            .join(AnnouncementBuilding, AnnouncementBuilding.announcement_id == Announcement.id)
            .where(AnnouncementBuilding.building_id == building_id)
            .order_by(Announcement.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [
            HistoryItem(
                id=int(row.id),
                kind=AnnouncementKind(row.kind),
                created_at=row.created_at,
                preview=preview_of(row.text),
                recipients=int(row.recipients),
            )
            for row in rows
        ]

    async def count_history(self, building_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(AnnouncementBuilding)
                .where(AnnouncementBuilding.building_id == building_id)
            )
            or 0
        )

    async def claim_due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        due = (
            await self.session.execute(
                select(Announcement)
                .where(
                    Announcement.reminder_due_at.is_not(None),
                    Announcement.reminder_sent_at.is_(None),
                    Announcement.reminder_due_at <= now,
                )
                .order_by(Announcement.reminder_due_at, Announcement.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
        claimed = []
        for announcement in due:
            assert announcement.starts_at is not None and announcement.ends_at is not None
            rows = await self.session.execute(_REMINDED, {"announcement_id": announcement.id})
            claimed.append(
                DueReminder(
                    id=announcement.id,
                    text=announcement.text,
                    starts_at=announcement.starts_at,
                    ends_at=announcement.ends_at,
                    paid_broadcast=announcement.paid_broadcast,
                    recipients=tuple(Recipient(int(r.user_id), str(r.organisation)) for r in rows),
                )
            )
        return claimed

    async def mark_reminded(self, announcement_ids: Sequence[int], now: datetime) -> None:
        if announcement_ids:
            await self.session.execute(
                update(Announcement)
                .where(Announcement.id.in_(list(announcement_ids)))
                .values(reminder_sent_at=now)
            )


def _unreachable(announcement_id: int) -> Select[str, str | None, str | None, str | None]:
    """Residents the announcement did not reach, with what a manager needs to call them:
    the apartment is their first one in the announcement's buildings."""
    home = (
        select((Building.address + ", " + Apartment.number).label("apartment"))
        .select_from(ResidentApartment)
        .join(Apartment, Apartment.id == ResidentApartment.apartment_id)
        .join(Building, Building.id == Apartment.building_id)
        .join(
            AnnouncementBuilding,
            (AnnouncementBuilding.building_id == Building.id)
            & (AnnouncementBuilding.announcement_id == announcement_id),
        )
        .where(ResidentApartment.user_id == User.id)
        .order_by(Building.address, Apartment.number)
        .limit(1)
        .lateral("home")
    )
    name = func.coalesce(
        User.full_name,
        func.nullif(func.trim(User.first_name + " " + func.coalesce(User.last_name, "")), ""),
    )
    return (
        select(Outbox.state, name.label("name"), User.phone, home.c.apartment)
        .join(User, User.id == Outbox.user_id)
        .outerjoin(home, true())
        .where(
            Outbox.announcement_id == announcement_id,
            Outbox.state.in_([OutboxState.SKIPPED, OutboxState.FAILED]),
        )
        .order_by(home.c.apartment, Outbox.id)
        .limit(UNREACHABLE_SHOWN)
    )


# The recipients a planned works' reminder goes to: those its announcement reached or is
# still reaching (not the ones who blocked the bot or whose message failed).
_REMINDED = text(
    """
    SELECT o.user_id, coalesce(o.params->>'organisation', '') AS organisation
    FROM outbox AS o
    WHERE o.announcement_id = :announcement_id AND o.state IN ('pending', 'sent')
      AND o.user_id IS NOT NULL
    ORDER BY o.id
    """
)
