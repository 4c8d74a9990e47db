"""Filing a request: who may file where, the draft's rules, duplicates, and the filing itself.

The wizard (handlers) collects a ``FilingDraft``; ``file_request`` turns it into a
request in one transaction: number, row with deadlines, ``create`` history entry,
media rows and the cards for the managers and the staff chat (outbox). Filing the
same draft twice returns the first request (``already_filed``): the draft token is
recorded in the history and checked under a per-author lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from domain.access import NOT_AVAILABLE, Actor, ensure_can_file
from domain.catalog import COMMON_AREAS
from domain.clock import ensure_utc
from domain.enums import (
    AccessMode,
    Action,
    Category,
    MediaKind,
    PlaceKind,
    RequestStatus,
    TimeSlot,
    Urgency,
)
from domain.errors import MissingField, NotAllowed, ValidationFailed
from domain.events import DomainEvent
from domain.lifecycle import ACTIVE_STATUSES, HistoryEntry, RequestState, create_request
from domain.schedule import SlaClocks, plan
from domain.services.desk_settings import DeskSettings
from domain.services.jobs import (
    AssignmentSource,
    AutoAssignment,
    plan_auto_assignment,
    reason_text,
)
from domain.services.notifications import MediaRef, Notification, tr
from domain.services.requests import RequestsUnitOfWork, record_action
from domain.services.residents import ResidencyLink, StoredMedia
from domain.services.staff_posts import post_buttons
from domain.services.users import AuditLog
from domain.sla import BusinessCalendar

MAX_MEDIA = 10
"""Files one request may carry (a Telegram album holds at most 10 too)."""
MIN_DESCRIPTION = 3
MAX_DESCRIPTION = 1000
CARD_DESCRIPTION = 500
"""The description is cut in the cards so that a photo caption stays under 1024 characters."""
DUPLICATE_WINDOW = timedelta(hours=24)
MAX_SIMILAR = 3

NOT_REGISTERED = "filing-error-not-registered"
"""Message key of "link your home first" (the handler offers onboarding with it)."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Home:
    """An apartment the user may file for (a counted residency link)."""

    apartment_id: int
    apartment_number: str
    building_id: int
    address: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where the problem is: an apartment, or a common area of a building."""

    building_id: int
    address: str
    kind: PlaceKind
    apartment_id: int | None = None
    apartment_number: str | None = None


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """The place as the wizard keeps it (ids only); resolved against the scope on filing."""

    kind: PlaceKind
    building_id: int
    apartment_id: int | None = None


@dataclass(frozen=True, slots=True)
class FilingScope:
    """Where a user may file: their counted apartments and those apartments' buildings."""

    homes: tuple[Home, ...]

    @property
    def buildings(self) -> list[tuple[int, str]]:
        """``(building_id, address)`` of every home, each building once, in order."""
        seen: dict[int, str] = {}
        for home in self.homes:
            seen.setdefault(home.building_id, home.address)
        return list(seen.items())

    def address_of(self, building_id: int) -> str:
        """The address of one of the user's buildings (``NotAllowed`` for any other)."""
        for known_id, address in self.buildings:
            if known_id == building_id:
                return address
        raise NotAllowed(NOT_AVAILABLE)

    def apartment(self, apartment_id: int) -> Place:
        for home in self.homes:
            if home.apartment_id == apartment_id:
                return Place(
                    building_id=home.building_id,
                    address=home.address,
                    kind=PlaceKind.APARTMENT,
                    apartment_id=home.apartment_id,
                    apartment_number=home.apartment_number,
                )
        raise NotAllowed(NOT_AVAILABLE)

    def common_area(self, building_id: int, kind: PlaceKind) -> Place:
        if kind not in COMMON_AREAS:
            raise NotAllowed(NOT_AVAILABLE)
        return Place(building_id=building_id, address=self.address_of(building_id), kind=kind)

    def resolve(self, choice: PlaceChoice) -> Place:
        if choice.kind is PlaceKind.APARTMENT:
            if choice.apartment_id is None:
                raise NotAllowed(NOT_AVAILABLE)
            place = self.apartment(choice.apartment_id)
            if place.building_id != choice.building_id:
                raise NotAllowed(NOT_AVAILABLE)
            return place
        return self.common_area(choice.building_id, choice.kind)


@dataclass(frozen=True, slots=True)
class FilingDraft:
    """Everything the wizard collected; media are already kept in the storage channel."""

    token: str
    category: Category
    place: PlaceChoice
    description: str
    urgency: Urgency
    access: AccessMode = AccessMode.ANY_TIME
    slot: TimeSlot = TimeSlot.ANY
    media: tuple[StoredMedia, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NewRequest:
    """The row ``file_request`` writes."""

    state: RequestState
    place: Place
    description: str
    access: AccessMode
    slot: TimeSlot
    accept_due_at: datetime
    complete_due_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FiledRequest:
    id: int
    number: str
    status: RequestStatus
    category: Category
    urgency: Urgency
    created_at: datetime
    accept_due_at: datetime | None
    complete_due_at: datetime | None
    already_filed: bool = False
    events: tuple[DomainEvent, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SimilarRequest:
    """An open request of a building, as offered to a neighbour to join."""

    id: int
    number: str
    status: RequestStatus
    category: Category
    building_id: int
    place_kind: PlaceKind
    created_at: datetime
    description: str
    author_id: int
    apartment_number: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str | None = None


# --------------------------------------------------------------------------- ports


class FilingRepository(Protocol):
    async def lock_author(self, user_id: int) -> None:
        """Serialises filing by one author until the transaction ends."""

    async def filed_draft(self, user_id: int, token: str) -> FiledRequest | None:
        """The request this author already filed from the draft ``token``."""

    async def new_request_id(self) -> int: ...
    async def allocate_number(self, now: datetime, tz: ZoneInfo) -> str: ...
    async def add_request(self, request: NewRequest) -> None: ...
    async def add_history(self, entry: HistoryEntry) -> None: ...
    async def add_media(
        self, request_id: int, owner_id: int, media: Sequence[StoredMedia]
    ) -> None: ...
    async def similar_open(
        self, building_id: int, category: Category, since: datetime, *, exclude_user: int
    ) -> list[SimilarRequest]:
        """Active requests of the building and category created since ``since``, newest
        first, neither authored nor watched by ``exclude_user``."""

    async def get_similar(self, request_id: int) -> SimilarRequest | None: ...
    async def add_watcher(self, request_id: int, user_id: int) -> bool:
        """False when the user already watches the request."""

    async def contact_of(self, user_id: int) -> Contact: ...


class LinksRepository(Protocol):
    async def links_of(self, user_id: int) -> list[ResidencyLink]: ...


class SettingsRepository(Protocol):
    async def load(self) -> DeskSettings: ...


class FilingUnitOfWork(RequestsUnitOfWork, Protocol):
    """Filing's own repositories, and the requests' write path (an automatic
    assignment is an ordinary change of the request just filed)."""

    @property
    def filing(self) -> FilingRepository: ...
    @property
    def residents(self) -> LinksRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def jobs(self) -> AssignmentSource: ...


# --------------------------------------------------------------------------- rules


async def filing_scope(uow: FilingUnitOfWork, actor: Actor | None, user_id: int) -> FilingScope:
    """The homes ``user_id`` may file for, or a ``NotAllowed`` explaining why there are none.

    ``actor.apartment_ids`` already honours the "unverified residents may file"
    setting; a user without a counted apartment learns whether they wait for a
    verification, were not verified, or never linked a home.
    """
    links = await uow.residents.links_of(user_id)
    counted = actor.apartment_ids if actor is not None and actor.is_active else frozenset()
    homes = tuple(
        Home(link.apartment_id, link.apartment_number, link.building_id, link.building_address)
        for link in links
        if link.apartment_id in counted
    )
    if homes:
        return FilingScope(homes)
    if any(link.is_open for link in links):
        raise NotAllowed("filing-error-pending")
    if links:
        raise NotAllowed("filing-error-rejected")
    raise NotAllowed("filing-error-not-registered")


def place_for_intake(
    scope: FilingScope,
    kind: PlaceKind,
    *,
    apartment_id: int | None = None,
    building_id: int | None = None,
) -> PlaceChoice:
    """Where a request taken on a resident's behalf (the REST API's intake) is: their only
    apartment or building unless told which; an apartment or building that is not theirs
    is ``NotAllowed`` on filing (``FilingScope.resolve``)."""
    if kind is PlaceKind.APARTMENT:
        if apartment_id is None:
            if len(scope.homes) > 1:
                choices = "; ".join(
                    f"{h.apartment_id}: {h.address}, {h.apartment_number}" for h in scope.homes
                )
                raise MissingField("apartment_id", "api-intake-choose-apartment", choices=choices)
            apartment_id = scope.homes[0].apartment_id
        home = next((h for h in scope.homes if h.apartment_id == apartment_id), None)
        if home is None:
            raise NotAllowed(NOT_AVAILABLE)
        return PlaceChoice(kind, home.building_id, apartment_id)
    buildings = scope.buildings
    if building_id is None:
        if len(buildings) > 1:
            choices = "; ".join(f"{b}: {address}" for b, address in buildings)
            raise MissingField("building_id", "api-intake-choose-building", choices=choices)
        building_id = buildings[0][0]
    return PlaceChoice(kind, building_id)


def clean_description(raw: str) -> str:
    text = "\n".join(line.rstrip() for line in raw.strip().splitlines())
    if len(text) < MIN_DESCRIPTION:
        raise ValidationFailed("filing-error-description-short", min=MIN_DESCRIPTION)
    if len(text) > MAX_DESCRIPTION:
        raise ValidationFailed("error-text-too-long", field="description", max=MAX_DESCRIPTION)
    return text


def voice_description(duration_seconds: int | None) -> str:
    """The description of a request told by a voice note (the note itself is kept as media)."""
    seconds = max(0, duration_seconds or 0)
    return f"🎤 {seconds // 60}:{seconds % 60:02d}"


def ensure_room_for_media(count: int, adding: int = 1) -> None:
    if count + adding > MAX_MEDIA:
        raise ValidationFailed("filing-error-too-many-files", max=MAX_MEDIA)


async def emergency_phone(uow: FilingUnitOfWork) -> str:
    """The dispatcher's phone shown at once to a resident reporting an emergency."""
    return (await uow.settings.load()).dispatcher_phone


async def find_similar(
    uow: FilingUnitOfWork, actor: Actor, building_id: int, category: Category, now: datetime
) -> list[SimilarRequest]:
    """Open requests of the same building and category from the last 24 h that the
    resident could join instead of filing a duplicate."""
    since = ensure_utc(now, "now") - DUPLICATE_WINDOW
    found = await uow.filing.similar_open(building_id, category, since, exclude_user=actor.user_id)
    return [r for r in found if r.status in ACTIVE_STATUSES][:MAX_SIMILAR]


async def join_request(uow: FilingUnitOfWork, actor: Actor, request_id: int) -> SimilarRequest:
    """The resident watches an open request of their building instead of filing a duplicate."""
    request = await uow.filing.get_similar(request_id)
    if request is None or not (
        request.building_id in actor.home_building_ids or actor.is_manager_of(request.building_id)
    ):
        raise NotAllowed(NOT_AVAILABLE)
    if request.status not in ACTIVE_STATUSES:
        raise ValidationFailed("filing-error-join-closed", number=request.number)
    if request.author_id != actor.user_id and await uow.filing.add_watcher(
        request.id, actor.user_id
    ):
        await uow.audit.record(
            actor.user_id, "request.joined", "request", str(request.id), {"number": request.number}
        )
    await uow.commit()
    return request


async def file_request(
    uow: FilingUnitOfWork,
    actor: Actor,
    draft: FilingDraft,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    staff_chat_id: int | None = None,
    taken_by: str | None = None,
) -> FiledRequest:
    """Files the draft: number, request with deadlines, history, media, manager cards.

    ``taken_by``: the request was taken on the resident's behalf (the call centre's
    name, through the REST API): the resident is told in their chat, and the history
    says who took it.

    Deadlines follow the desk's SLA settings (``uow.schedule.config()``);
    ``calendar`` gives the timezone of numbers and of the cards.

    Filing the same draft again returns the first request with ``already_filed``.
    """
    now = ensure_utc(now, "now")
    description = clean_description(draft.description)
    if len(draft.media) > MAX_MEDIA:
        raise ValidationFailed("filing-error-too-many-files", max=MAX_MEDIA)
    place = (await filing_scope(uow, actor, actor.user_id)).resolve(draft.place)
    ensure_can_file(actor, place.building_id, place.apartment_id)

    await uow.filing.lock_author(actor.user_id)
    existing = await uow.filing.filed_draft(actor.user_id, draft.token)
    if existing is not None:
        return dataclasses.replace(existing, already_filed=True)

    # Read before the number: allocating it locks the day's counter until the commit,
    # so everything between the two is time every other filing of the day waits.
    contact = await uow.filing.contact_of(actor.user_id)
    managers = await uow.directory.managers_of(place.building_id)
    config = await uow.schedule.config()
    request_id = await uow.filing.new_request_id()
    number = await uow.filing.allocate_number(now, calendar.tz)
    creation = create_request(
        request_id=request_id,
        number=number,
        author_id=actor.user_id,
        building_id=place.building_id,
        apartment_id=place.apartment_id,
        category=draft.category,
        urgency=draft.urgency,
        actor=actor,
        now=now,
    )
    clocks = SlaClocks.started(now)
    deadlines = plan(creation.state, clocks, config)
    await uow.filing.add_request(
        NewRequest(
            state=creation.state,
            place=place,
            description=description,
            access=draft.access,
            slot=draft.slot,
            accept_due_at=deadlines.accept_due,
            complete_due_at=deadlines.complete_due,
        )
    )
    history = dataclasses.replace(
        creation.history,
        payload={
            **creation.history.payload,
            "draft": draft.token,
            "place": place.kind.value,
            **({"taken_by": taken_by} if taken_by else {}),
        },
    )
    await uow.filing.add_history(history)
    await uow.schedule.save(request_id, clocks, deadlines, now)
    await uow.filing.add_media(request_id, actor.user_id, draft.media)
    state, events = creation.state, list(creation.events)
    auto = await plan_auto_assignment(uow.jobs, state)
    if auto.chosen is not None:
        # The executor's card and the resident's news come with the change.
        assigned = await record_action(
            uow,
            Actor.system(),
            request_id,
            Action.ASSIGN,
            now,
            assignee_id=auto.chosen.user_id,
            reason=reason_text(auto.chosen),
        )
        state = assigned.new
        events.extend(assigned.events)
    params = card_params(
        number=number,
        draft=draft,
        place=place,
        description=description,
        contact=contact,
        accept_due=deadlines.accept_due,
        complete_due=deadlines.complete_due,
        tz=calendar.tz,
    )
    media = card_media(draft.media)
    recipients: list[tuple[int, int | None]] = [(manager_id, manager_id) for manager_id in managers]
    if staff_chat_id is not None:
        recipients.append((staff_chat_id, None))
    await uow.outbox.add(
        *(
            Notification(
                chat_id=chat_id,
                user_id=user_id,
                template="filing-card",
                params=params,
                media=media,
                # Open the staff card / the executor picker in the presser's private chat.
                buttons=post_buttons(request_id, state.status),
                dedupe_key=f"filing-card:{request_id}:{chat_id}",
            )
            for chat_id, user_id in recipients
        )
    )
    await uow.outbox.add(*_auto_assignment_notes(auto, number, managers))
    if taken_by:
        await uow.outbox.add(
            Notification(
                chat_id=actor.user_id,
                user_id=actor.user_id,
                template="api-intake-filed",
                params={
                    "number": number,
                    "by": taken_by,
                    "category": tr(f"category-{draft.category.value}"),
                    "description": _short(description, CARD_DESCRIPTION),
                    "accept_due": format_local(deadlines.accept_due, calendar.tz),
                    "complete_due": format_local(deadlines.complete_due, calendar.tz),
                },
                dedupe_key=f"api-intake-filed:{request_id}",
            )
        )
    await uow.audit.record(
        actor.user_id,
        "request.filed",
        "request",
        str(request_id),
        {"number": number, "media": len(draft.media)},
    )
    await uow.commit()
    return FiledRequest(
        id=request_id,
        number=number,
        status=state.status,
        category=draft.category,
        urgency=draft.urgency,
        created_at=now,
        accept_due_at=deadlines.accept_due,
        complete_due_at=deadlines.complete_due,
        events=tuple(events),
    )


def _auto_assignment_notes(
    auto: AutoAssignment, number: str, managers: Sequence[int]
) -> list[Notification]:
    """The managers' note of who was chosen and why, or "nobody suitable", when the
    building auto-assigns (the executor and the resident hear of it with the change)."""
    if not auto.enabled:
        return []
    chosen = auto.chosen
    if chosen is None:
        return [
            Notification(
                chat_id=manager_id,
                user_id=manager_id,
                template="job-auto-none",
                params={"number": number},
            )
            for manager_id in managers
        ]
    specialization = chosen.matched_specialization
    return [
        Notification(
            chat_id=manager_id,
            user_id=manager_id,
            template="job-auto-assigned",
            params={
                "number": number,
                "executor": chosen.candidate.first_name or "—",
                "specialization": tr(f"specialization-{specialization}")
                if specialization is not None
                else "—",
                "count": chosen.candidate.open_jobs,
                "km": f"{chosen.distance_km:.1f}" if chosen.distance_km is not None else "—",
            },
        )
        for manager_id in managers
        if manager_id != chosen.user_id
    ]


# --------------------------------------------------------------------------- the card


def format_local(instant: datetime | None, tz: ZoneInfo) -> str:
    """``dd.mm.yyyy HH:MM`` in the business timezone ("—" when unknown)."""
    if instant is None:
        return "—"
    return ensure_utc(instant, "instant").astimezone(tz).strftime("%d.%m.%Y %H:%M")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def card_params(
    *,
    number: str,
    draft: FilingDraft,
    place: Place,
    description: str,
    contact: Contact,
    accept_due: datetime,
    complete_due: datetime | None,
    tz: ZoneInfo,
) -> dict[str, Any]:
    """Parameters of ``filing-card`` (keys are translated at delivery)."""
    return {
        "number": number,
        "category": tr(f"category-{draft.category}"),
        "urgency": tr(f"urgency-{draft.urgency}"),
        "address": place.address,
        "kind": place.kind.value,
        "place": tr(f"place-{place.kind}"),
        "apartment": place.apartment_number or "",
        "name": contact.name,
        "phone": contact.phone or "—",
        "description": _short(description, CARD_DESCRIPTION),
        "access": tr(f"access-{draft.access}"),
        "slot": tr(f"timeslot-{draft.slot}"),
        "files": len(draft.media),
        "accept_due": format_local(accept_due, tz),
        "complete_due": format_local(complete_due, tz),
    }


_VISUAL = (MediaKind.PHOTO, MediaKind.VIDEO)


def card_media(media: Sequence[StoredMedia]) -> tuple[MediaRef, ...]:
    """What the card shows: photos and videos (an album may mix only those); a single
    voice note or document when it is the only file."""
    visual = [MediaRef(m.kind, m.file_id) for m in media if m.kind in _VISUAL]
    if visual:
        return tuple(visual[:MAX_MEDIA])
    if len(media) == 1:
        return (MediaRef(media[0].kind, media[0].file_id),)
    return ()
