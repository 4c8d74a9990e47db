"""Announcements: a manager (or an admin) speaks to whole buildings.

Written once, in one language, and sent as written; the frame around it (the header
"Announcement from <organisation>", the kind, the planned works' window) is rendered in
each resident's language at delivery. Each recipient's message is a bulk outbox row
carrying the announcement's id: personal notifications overtake it, the delivery report
is counted from those rows, and a restart continues with the rows still pending (the
dedupe key makes a second enqueue of the same recipient harmless).

Planned works may remind their residents an hour before the start: the deadline sweeper
claims due reminders with ``SKIP LOCKED`` and writes them to the outbox in the same
transaction that marks them sent, so a reminder goes out once however many processes run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.access import NOT_AVAILABLE, Actor
from domain.errors import NotAllowed, ValidationFailed
from domain.services.desk_settings import DeskSettings
from domain.services.notifications import MediaRef, Notification, OutboxPort, Priority, tr
from domain.services.users import AuditLog

MAX_TEXT_LENGTH = 3500
"""Characters of the text as written (its HTML markup included): with the translated
frame around it, the message stays within Telegram's 4,096."""
MAX_PHOTO_MB = 10
"""Telegram's limit for a photo sent by a bot."""
MAX_DOCUMENT_MB = 20
REMINDER_BEFORE = timedelta(hours=1)
REMINDER_BATCH = 20
"""Announcements whose reminder one sweep claims at a time."""

ERROR_EMPTY = "announce-error-empty"
ERROR_TOO_LONG = "announce-error-too-long"
ERROR_PHOTO_TOO_LARGE = "announce-error-photo-too-large"
ERROR_FILE_TOO_LARGE = "announce-error-file-too-large"
ERROR_NO_BUILDINGS = "announce-error-no-buildings"
ERROR_NO_RESIDENTS = "announce-error-no-residents"
ERROR_WINDOW = "announce-error-window"
ERROR_WINDOW_PAST = "announce-error-window-past"
ERROR_WINDOW_ORDER = "announce-error-window-order"
ERROR_REMINDER_LATE = "announce-error-reminder-late"
ERROR_NO_WINDOW = "announce-error-no-window"
ERROR_ENTRANCES_ONE_BUILDING = "announce-error-entrances"

MESSAGE = "announce-message"
MESSAGE_WORKS = "announce-message-works"
REMINDER = "announce-reminder"


class AnnouncementKind(StrEnum):
    INFORMATION = "info"
    PLANNED_WORKS = "works"
    OUTAGE = "outage"


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # MediaKind value: photo or document
    file_id: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "file_id": self.file_id}


@dataclass(frozen=True, slots=True)
class Draft:
    """What the manager has put together so far (kept in the conversation)."""

    token: str  # sent once: a second Send of the same draft finds the announcement
    building_ids: tuple[int, ...]
    verified_only: bool = True
    entrance_ids: tuple[int, ...] = ()  # narrowed to these entrances (of one building)
    kind: AnnouncementKind = AnnouncementKind.INFORMATION
    text: str = ""  # HTML as Telegram allows it
    attachment: Attachment | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    remind: bool = False


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    organisation: str


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    token: str
    author_id: int
    kind: AnnouncementKind
    text: str
    media: dict[str, str] | None
    verified_only: bool
    building_ids: tuple[int, ...]
    entrance_ids: tuple[int, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    reminder_due_at: datetime | None
    paid_broadcast: bool
    recipients: int


@dataclass(frozen=True, slots=True)
class Unreachable:
    name: str
    apartment: str
    phone: str
    blocked: bool  # blocked the bot (else: Telegram refused the message)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    announcement_id: int
    kind: AnnouncementKind
    created_at: datetime
    addresses: tuple[str, ...]
    preview: str
    entrances: tuple[str, ...] = ()  # the entrances' numbers, when narrowed
    queued: int = 0
    delivered: int = 0
    blocked: int = 0
    failed: int = 0
    unreachable: tuple[Unreachable, ...] = ()
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    reminder_due_at: datetime | None = None
    reminder_sent_at: datetime | None = None
    paid_broadcast: bool = False

    @property
    def total(self) -> int:
        return self.queued + self.delivered + self.blocked + self.failed

    @property
    def done(self) -> bool:
        return self.queued == 0


@dataclass(frozen=True, slots=True)
class HistoryItem:
    id: int
    kind: AnnouncementKind
    created_at: datetime
    preview: str
    recipients: int


@dataclass(frozen=True, slots=True)
class HistoryPage:
    building_id: int
    address: str
    items: tuple[HistoryItem, ...]
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class DueReminder:
    id: int
    text: str
    starts_at: datetime
    ends_at: datetime
    paid_broadcast: bool
    recipients: tuple[Recipient, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SendResult:
    announcement_id: int
    recipients: int
    already_sent: bool = False


class AnnouncementRepository(Protocol):
    async def buildings(
        self, building_ids: frozenset[int] | None, offset: int, limit: int
    ) -> list[tuple[int, str]]:
        """(id, address) of the buildings (``None``: all of them), by address."""
        ...

    async def count_buildings(self, building_ids: frozenset[int] | None) -> int: ...

    async def address(self, building_id: int) -> str | None: ...

    async def entrances(self, building_ids: Sequence[int]) -> list[tuple[int, str]]:
        """(id, number) of the buildings' entrances, in order."""
        ...

    async def audience(
        self, building_ids: Sequence[int], verified_only: bool, entrance_ids: Sequence[int] = ()
    ) -> list[Recipient]: ...

    async def count_audience(
        self, building_ids: Sequence[int], verified_only: bool, entrance_ids: Sequence[int] = ()
    ) -> int: ...

    async def by_token(self, token: str) -> int | None: ...

    async def create(self, new: NewAnnouncement) -> int | None:
        """The new announcement's id; ``None`` when its token was sent already."""
        ...

    async def building_ids_of(self, announcement_id: int) -> list[int]: ...

    async def report(self, announcement_id: int) -> DeliveryReport | None: ...

    async def history(self, building_id: int, offset: int, limit: int) -> list[HistoryItem]: ...

    async def count_history(self, building_id: int) -> int: ...

    async def claim_due_reminders(self, now: datetime, limit: int) -> list[DueReminder]:
        """Due, unsent reminders, locked for this transaction (other sweepers skip them),
        with the recipients still reachable (their announcement not blocked or failed)."""
        ...

    async def mark_reminded(self, announcement_ids: Sequence[int], now: datetime) -> None: ...


class AnnouncementsUnitOfWork(Protocol):
    @property
    def announcements(self) -> AnnouncementRepository: ...
    @property
    def outbox(self) -> OutboxPort: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def settings(self) -> _SettingsLoader: ...

    async def commit(self) -> None: ...


class _SettingsLoader(Protocol):
    async def load(self) -> DeskSettings: ...


# --------------------------------------------------------------------------- rules


def ensure_staff(actor: Actor) -> None:
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)


def scope_of(actor: Actor) -> frozenset[int] | None:
    """The buildings the actor may speak to (``None``: all, an admin)."""
    ensure_staff(actor)
    return None if actor.is_admin else actor.managed_building_ids


def check_buildings(actor: Actor, building_ids: Sequence[int]) -> tuple[int, ...]:
    """The chosen buildings, each one the actor's (a forged one is "not available")."""
    ensure_staff(actor)
    if not building_ids:
        raise ValidationFailed(ERROR_NO_BUILDINGS)
    for building_id in building_ids:
        if not actor.is_manager_of(building_id):
            raise NotAllowed(NOT_AVAILABLE)
    return tuple(sorted(set(building_ids)))


async def check_entrances(
    repository: AnnouncementRepository, building_ids: Sequence[int], entrance_ids: Sequence[int]
) -> tuple[int, ...]:
    """Entrances narrow the audience of one building; each one of that building (a forged
    one is "not available")."""
    if not entrance_ids:
        return ()
    if len(building_ids) != 1:
        raise ValidationFailed(ERROR_ENTRANCES_ONE_BUILDING)
    known = {entrance_id for entrance_id, _ in await repository.entrances(building_ids)}
    if not set(entrance_ids) <= known:
        raise NotAllowed(NOT_AVAILABLE)
    return tuple(sorted(set(entrance_ids)))


def check_text(html: str | None) -> str:
    """The announcement's text as written (HTML as Telegram produced it from the
    manager's formatting): not empty, not longer than ``MAX_TEXT_LENGTH``."""
    text = (html or "").strip()
    if not text:
        raise ValidationFailed(ERROR_EMPTY)
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationFailed(ERROR_TOO_LONG, max=MAX_TEXT_LENGTH, length=len(text))
    return text


def check_attachment(kind: str, file_id: str, size: int | None) -> Attachment:
    """One photo (at most ``MAX_PHOTO_MB``) or document (``MAX_DOCUMENT_MB``)."""
    if kind == "photo":
        if size is not None and size > MAX_PHOTO_MB * 1024 * 1024:
            raise ValidationFailed(ERROR_PHOTO_TOO_LARGE, max=MAX_PHOTO_MB)
    elif size is not None and size > MAX_DOCUMENT_MB * 1024 * 1024:
        raise ValidationFailed(ERROR_FILE_TOO_LARGE, max=MAX_DOCUMENT_MB)
    return Attachment(kind=kind, file_id=file_id)


_WINDOW = re.compile(
    r"^\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+(\d{1,2})[:.](\d{2})\s*[-–—]\s*"
    r"(?:(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?\s+)?(\d{1,2})[:.](\d{2})\s*$"
)


def parse_window(text: str | None, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``08.12 10:00-16:00`` or ``08.12 22:00 - 09.12 06:00`` (a year may follow the
    day: ``08.12.2026``), local time; a date without a year is the next such date.
    The start is in the future and before the end. Returned in UTC."""
    found = _WINDOW.match(text or "")
    if found is None:
        raise ValidationFailed(ERROR_WINDOW)
    day, month, year, hour, minute, day2, month2, year2, hour2, minute2 = found.groups()
    local_now = now.astimezone(tz)
    try:
        start = _local(tz, local_now, day, month, year, hour, minute)
        if day2 is None:
            end = start.replace(hour=int(hour2), minute=int(minute2))
        else:
            end = _local(tz, start, day2, month2, year2, hour2, minute2)
    except ValueError as error:
        raise ValidationFailed(ERROR_WINDOW) from error
    if start <= local_now:
        raise ValidationFailed(ERROR_WINDOW_PAST)
    if end <= start:
        raise ValidationFailed(ERROR_WINDOW_ORDER)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def _local(
    tz: ZoneInfo,
    after: datetime,
    day: str,
    month: str,
    year: str | None,
    hour: str,
    minute: str,
) -> datetime:
    moment = datetime(
        int(year) if year else after.year, int(month), int(day), int(hour), int(minute), tzinfo=tz
    )
    if year is None and moment.date() < after.date():
        moment = moment.replace(year=after.year + 1)
    return moment


def format_window(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> str:
    """``08.12.2026 10:00–16:00`` (the end's date too when it is another day)."""
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    tail = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%d.%m.%Y %H:%M")
    return f"{start.strftime('%d.%m.%Y %H:%M')}–{tail}"


def reminder_due(draft: Draft) -> datetime | None:
    if draft.kind is not AnnouncementKind.PLANNED_WORKS or not draft.remind:
        return None
    assert draft.starts_at is not None
    return draft.starts_at - REMINDER_BEFORE


def reminder_possible(starts_at: datetime, now: datetime) -> bool:
    """A reminder an hour before the start needs the start more than an hour away."""
    return starts_at - REMINDER_BEFORE > now


def check_reminder(starts_at: datetime | None, now: datetime) -> None:
    if starts_at is None:
        raise ValidationFailed(ERROR_NO_WINDOW)
    if not reminder_possible(starts_at, now):
        raise ValidationFailed(ERROR_REMINDER_LATE)


def preview_of(text: str, limit: int = 40) -> str:
    """The first words of a text, without its markup (history lines)."""
    plain = " ".join(re.sub(r"<[^>]+>", "", text).split())
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if " " in cut and plain[limit - 1] != " ":  # not in the middle of a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def announcement_params(
    kind: AnnouncementKind,
    text: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    tz: ZoneInfo,
) -> dict[str, object]:
    """The parameters of ``announce-message`` but the organisation (the recipient's):
    the frame is translated at delivery, the text is sent as written."""
    window = format_window(starts_at, ends_at, tz) if starts_at and ends_at else ""
    return {
        "kind": tr(f"announce-kind-{kind.value}"),
        "window": window,
        "text": text,
    }


def message_template(kind: AnnouncementKind) -> str:
    return MESSAGE_WORKS if kind is AnnouncementKind.PLANNED_WORKS else MESSAGE


def recipient_note(
    announcement_id: int,
    kind: AnnouncementKind,
    recipient: Recipient,
    params: dict[str, object],
    attachment: dict[str, str] | None,
    paid: bool,
) -> Notification:
    return Notification(
        chat_id=recipient.user_id,
        user_id=recipient.user_id,
        template=message_template(kind),
        params={**params, "organisation": escape(recipient.organisation)},
        media=(MediaRef(attachment["kind"], attachment["file_id"]),) if attachment else (),
        dedupe_key=f"ann:{announcement_id}:{recipient.user_id}",
        priority=Priority.BULK,
        paid_broadcast=paid,
        html=True,
        announcement_id=announcement_id,
    )


# --------------------------------------------------------------------------- use cases


async def count_audience(
    uow: AnnouncementsUnitOfWork,
    actor: Actor,
    building_ids: Sequence[int],
    verified_only: bool,
    entrance_ids: Sequence[int] = (),
) -> int:
    chosen = check_buildings(actor, building_ids)
    entrances = await check_entrances(uow.announcements, chosen, entrance_ids)
    return await uow.announcements.count_audience(chosen, verified_only, entrances)


async def send_announcement(
    uow: AnnouncementsUnitOfWork, actor: Actor, draft: Draft, now: datetime, tz: ZoneInfo
) -> SendResult:
    """Stores the announcement and one outbox row per resident, in one transaction.
    The same draft sent again (Send pressed twice) finds the first one."""
    buildings = check_buildings(actor, draft.building_ids)
    entrances = await check_entrances(uow.announcements, buildings, draft.entrance_ids)
    text = check_text(draft.text)
    existing = await uow.announcements.by_token(draft.token)
    if existing is not None:
        return SendResult(existing, 0, already_sent=True)
    if draft.kind is AnnouncementKind.PLANNED_WORKS:
        if draft.starts_at is None or draft.ends_at is None:
            raise ValidationFailed(ERROR_NO_WINDOW)
        if draft.starts_at <= now:  # the draft waited past the start of the works
            raise ValidationFailed(ERROR_WINDOW_PAST)
        if draft.remind:
            check_reminder(draft.starts_at, now)
    recipients = await uow.announcements.audience(buildings, draft.verified_only, entrances)
    if not recipients:
        raise ValidationFailed(ERROR_NO_RESIDENTS)
    settings = await uow.settings.load()
    paid = settings.announcements_paid_broadcast
    media = draft.attachment.to_json() if draft.attachment else None
    works = draft.kind is AnnouncementKind.PLANNED_WORKS
    announcement_id = await uow.announcements.create(
        NewAnnouncement(
            token=draft.token,
            author_id=actor.user_id,
            kind=draft.kind,
            text=text,
            media=media,
            verified_only=draft.verified_only,
            building_ids=buildings,
            entrance_ids=entrances,
            starts_at=draft.starts_at if works else None,
            ends_at=draft.ends_at if works else None,
            reminder_due_at=reminder_due(draft),
            paid_broadcast=paid,
            recipients=len(recipients),
        )
    )
    if announcement_id is None:  # a second Send of this draft, at the same moment
        existing = await uow.announcements.by_token(draft.token)
        assert existing is not None
        return SendResult(existing, 0, already_sent=True)
    params = announcement_params(
        draft.kind,
        text,
        draft.starts_at if works else None,
        draft.ends_at if works else None,
        tz,
    )
    await uow.outbox.add(
        *(recipient_note(announcement_id, draft.kind, r, params, media, paid) for r in recipients)
    )
    await uow.audit.record(
        actor.user_id,
        "announcement.sent",
        "announcement",
        str(announcement_id),
        {
            "kind": draft.kind.value,
            "buildings": list(buildings),
            "entrances": list(entrances),
            "recipients": len(recipients),
        },
    )
    await uow.commit()
    return SendResult(announcement_id, len(recipients))


async def delivery_report(
    uow: AnnouncementsUnitOfWork, actor: Actor, announcement_id: int
) -> DeliveryReport:
    """Counts and the residents who could not be reached; only for the announcement's
    managers (an announcement to several buildings: any one of them)."""
    ensure_staff(actor)
    buildings = await uow.announcements.building_ids_of(announcement_id)
    if not buildings or not any(actor.is_manager_of(b) for b in buildings):
        raise NotAllowed(NOT_AVAILABLE)
    report = await uow.announcements.report(announcement_id)
    if report is None:
        raise NotAllowed(NOT_AVAILABLE)
    return report


HISTORY_PAGE = 5


async def history(
    uow: AnnouncementsUnitOfWork, actor: Actor, building_id: int, page: int
) -> HistoryPage:
    check_buildings(actor, [building_id])
    address = await uow.announcements.address(building_id)
    if address is None:
        raise NotAllowed(NOT_AVAILABLE)
    total = await uow.announcements.count_history(building_id)
    pages = max(1, -(-total // HISTORY_PAGE))
    page = min(max(page, 0), pages - 1)
    items = await uow.announcements.history(building_id, page * HISTORY_PAGE, HISTORY_PAGE)
    return HistoryPage(building_id, address, tuple(items), page, pages)


@dataclass(frozen=True, slots=True)
class Reminded:
    announcements: int
    """Reminders claimed (and marked done): none means none is due."""
    messages: int


async def send_due_reminders(
    uow: AnnouncementsUnitOfWork, now: datetime, tz: ZoneInfo, *, limit: int = REMINDER_BATCH
) -> Reminded:
    """The planned works starting within the hour remind their residents (once: the
    claim locks the announcements, and they are marked reminded in the same commit).
    Works that started already (the bot was down at the reminder's time) are marked
    without a message: "they start in an hour" would be wrong."""
    due = await uow.announcements.claim_due_reminders(now, limit)
    if not due:
        return Reminded(0, 0)
    written = 0
    for item in due:
        if item.starts_at <= now:
            continue
        window = format_window(item.starts_at, item.ends_at, tz)
        notes = [
            Notification(
                chat_id=r.user_id,
                user_id=r.user_id,
                template=REMINDER,
                params={"organisation": r.organisation, "window": window, "text": item.text},
                dedupe_key=f"annr:{item.id}:{r.user_id}",
                priority=Priority.BULK,
                paid_broadcast=item.paid_broadcast,
                html=True,
            )
            for r in item.recipients
        ]
        await uow.outbox.add(*notes)
        written += len(notes)
    await uow.announcements.mark_reminded([item.id for item in due], now)
    await uow.commit()
    return Reminded(len(due), written)
