"""Filing use cases against in-memory fakes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.access import Actor
from domain.assignment import ExecutorCandidate
from domain.enums import (
    AccessMode,
    ActorRole,
    Category,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    ResidencyKind,
    Role,
    TimeSlot,
    Urgency,
    VerificationState,
)
from domain.errors import NotAllowed, ValidationFailed
from domain.events import RequestCreated
from domain.lifecycle import HistoryEntry
from domain.services.desk_settings import DeskSettings
from domain.services.filing import (
    MAX_DESCRIPTION,
    MAX_MEDIA,
    Contact,
    FiledRequest,
    FilingDraft,
    FilingScope,
    Home,
    NewRequest,
    PlaceChoice,
    SimilarRequest,
    card_media,
    clean_description,
    emergency_phone,
    ensure_room_for_media,
    file_request,
    filing_scope,
    find_similar,
    format_local,
    join_request,
    voice_description,
)
from domain.services.jobs import AssignmentSource, BuildingAssignment
from domain.services.notifications import MediaRef
from domain.services.residents import ResidencyLink, StoredMedia
from domain.sla import BusinessCalendar
from tests.unit.factories import (
    APARTMENT,
    AUTHOR,
    BUILDING,
    MANAGER,
    OTHER_APARTMENT,
    OTHER_BUILDING,
    T0,
    FakeAudit,
    resident,
)
from tests.unit.test_request_services import FakeRequests
from tests.unit.test_request_services import FakeUow as RequestsFakeUow

TASHKENT = ZoneInfo("Asia/Tashkent")
CALENDAR = BusinessCalendar(tz=TASHKENT)
STAFF_CHAT = -100500
ADDRESS = "Navoi street 5"


def link(
    apartment_id: int = APARTMENT,
    verification: VerificationState = VerificationState.APPROVED,
    *,
    building_id: int = BUILDING,
    address: str = ADDRESS,
    number: str = "12",
) -> ResidencyLink:
    return ResidencyLink(
        id=apartment_id,
        user_id=AUTHOR,
        apartment_id=apartment_id,
        building_id=building_id,
        building_address=address,
        apartment_number=number,
        kind=ResidencyKind.OWNER,
        verification=verification,
    )


def photo(index: int, kind: str = MediaKind.PHOTO) -> StoredMedia:
    return StoredMedia(
        kind=kind,
        file_id=f"file-{index}",
        file_unique_id=f"u-{index}",
        storage_chat_id=-1001,
        storage_message_id=index,
    )


def draft(**changes: object) -> FilingDraft:
    base = FilingDraft(
        token="tok1",
        category=Category.PLUMBING,
        place=PlaceChoice(PlaceKind.APARTMENT, BUILDING, APARTMENT),
        description="Water leaks under the sink",
        urgency=Urgency.NORMAL,
        access=AccessMode.CALL_FIRST,
        slot=TimeSlot.MORNING,
        media=(photo(1), photo(2)),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def similar(
    request_id: int = 7,
    *,
    status: RequestStatus = RequestStatus.NEW,
    created_at: datetime = T0 - timedelta(hours=2),
    author_id: int = 555,
    building_id: int = BUILDING,
    category: Category = Category.PLUMBING,
) -> SimilarRequest:
    return SimilarRequest(
        id=request_id,
        number=f"250310-{request_id:03d}",
        status=status,
        category=category,
        building_id=building_id,
        place_kind=PlaceKind.APARTMENT,
        created_at=created_at,
        description="Leak",
        author_id=author_id,
        apartment_number="40",
    )


# --------------------------------------------------------------------------- fakes


class FakeFiling:
    """Filed requests, also shown to the requests' fake (the write path reads them)."""

    def __init__(self, shared: FakeRequests) -> None:
        self.shared = shared
        self.requests: dict[int, NewRequest] = {}
        self.history: list[HistoryEntry] = []
        self.media: list[tuple[int, int, StoredMedia]] = []
        self.similar: list[SimilarRequest] = []
        self.watchers: set[tuple[int, int]] = set()
        self.locks: list[int] = []
        self.next_id = 41
        self.seq = 0

    async def lock_author(self, user_id: int) -> None:
        self.locks.append(user_id)

    async def filed_draft(self, user_id: int, token: str) -> FiledRequest | None:
        for entry in self.history:
            if entry.actor_id == user_id and entry.payload.get("draft") == token:
                row = self.requests[entry.request_id]
                return FiledRequest(
                    id=row.state.id,
                    number=row.state.number,
                    status=row.state.status,
                    category=row.state.category,
                    urgency=row.state.urgency,
                    created_at=row.state.created_at,
                    accept_due_at=row.accept_due_at,
                    complete_due_at=row.complete_due_at,
                )
        return None

    async def new_request_id(self) -> int:
        self.next_id += 1
        return self.next_id

    async def allocate_number(self, now: datetime, tz: ZoneInfo) -> str:
        self.seq += 1
        return f"{now.astimezone(tz):%y%m%d}-{self.seq:03d}"

    async def add_request(self, request: NewRequest) -> None:
        self.requests[request.state.id] = request
        self.shared.states[request.state.id] = request.state

    async def add_history(self, entry: HistoryEntry) -> None:
        self.history.append(entry)

    async def add_media(self, request_id: int, owner_id: int, media: Sequence[StoredMedia]) -> None:
        self.media.extend((request_id, owner_id, m) for m in media)
        stored = self.shared.media.setdefault((request_id, MediaPurpose.REQUEST), [])
        stored.extend(MediaRef(m.kind, m.file_id) for m in media)

    async def similar_open(
        self, building_id: int, category: Category, since: datetime, *, exclude_user: int
    ) -> list[SimilarRequest]:
        return [
            r
            for r in self.similar
            if r.building_id == building_id
            and r.category is category
            and r.created_at >= since
            and r.author_id != exclude_user
            and (r.id, exclude_user) not in self.watchers
        ]

    async def get_similar(self, request_id: int) -> SimilarRequest | None:
        return next((r for r in self.similar if r.id == request_id), None)

    async def add_watcher(self, request_id: int, user_id: int) -> bool:
        if (request_id, user_id) in self.watchers:
            return False
        self.watchers.add((request_id, user_id))
        return True

    async def contact_of(self, user_id: int) -> Contact:
        return Contact("Dilnoza <Karimova>", "+998901234567")


class FakeLinks:
    def __init__(self, links: list[ResidencyLink]) -> None:
        self.links = links

    async def links_of(self, user_id: int) -> list[ResidencyLink]:
        return list(self.links)


class FakeSettings:
    def __init__(self, settings: DeskSettings) -> None:
        self.value = settings

    async def load(self) -> DeskSettings:
        return self.value


class FakeAutoAssign:
    """A building assigned by hand (automatic assignment is tested with the jobs services)."""

    async def building_assignment(self, building_id: int) -> BuildingAssignment | None:
        return BuildingAssignment(auto_assign=False)

    async def executor_candidates(self) -> list[ExecutorCandidate]:
        return []


class FakeUow(RequestsFakeUow):
    """The requests' fake unit of work (an automatic assignment is an ordinary change)
    with filing's repositories."""

    def __init__(self, links: list[ResidencyLink] | None = None) -> None:
        super().__init__()
        self.jobs: AssignmentSource = FakeAutoAssign()
        self.filing = FakeFiling(self.requests)
        self.residents = FakeLinks([link()] if links is None else links)
        self.directory.managers = {BUILDING: [MANAGER, MANAGER + 1]}
        self.settings = FakeSettings(DeskSettings(dispatcher_phone="+998 71 000-11-22"))
        self.audit = FakeAudit()


# --------------------------------------------------------------------------- who may file


async def test_scope_lists_counted_apartments_only() -> None:
    uow = FakeUow(
        [
            link(),
            link(OTHER_APARTMENT, VerificationState.PENDING, number="13"),
            link(303, building_id=OTHER_BUILDING, address="Temur 1", number="3"),
        ]
    )
    actor = resident(apartment_ids=frozenset({APARTMENT, 303}))
    scope = await filing_scope(uow, actor, AUTHOR)
    assert [home.apartment_id for home in scope.homes] == [APARTMENT, 303]
    assert scope.buildings == [(BUILDING, ADDRESS), (OTHER_BUILDING, "Temur 1")]


async def test_pending_apartment_counts_when_the_actor_includes_it() -> None:
    uow = FakeUow([link(verification=VerificationState.PENDING)])
    scope = await filing_scope(uow, resident(), AUTHOR)
    assert scope.homes == (Home(APARTMENT, "12", BUILDING, ADDRESS),)


@pytest.mark.parametrize(
    ("links", "key"),
    [
        ([link(verification=VerificationState.PENDING)], "filing-error-pending"),
        ([link(verification=VerificationState.DOCUMENT_REQUESTED)], "filing-error-pending"),
        ([link(verification=VerificationState.REJECTED)], "filing-error-rejected"),
        ([], "filing-error-not-registered"),
    ],
)
async def test_without_a_counted_apartment_the_reason_is_told(
    links: list[ResidencyLink], key: str
) -> None:
    actor = resident(apartment_ids=frozenset(), home_building_ids=frozenset())
    with pytest.raises(NotAllowed) as error:
        await filing_scope(FakeUow(links), actor, AUTHOR)
    assert error.value.key == key


async def test_unknown_or_deactivated_user_has_no_scope() -> None:
    with pytest.raises(NotAllowed) as error:
        await filing_scope(FakeUow([link()]), None, AUTHOR)
    assert error.value.key == "filing-error-rejected"
    with pytest.raises(NotAllowed):
        await filing_scope(FakeUow([link()]), resident(is_active=False), AUTHOR)


def test_scope_resolves_only_the_users_places() -> None:
    scope = FilingScope((Home(APARTMENT, "12", BUILDING, ADDRESS),))
    place = scope.resolve(PlaceChoice(PlaceKind.APARTMENT, BUILDING, APARTMENT))
    assert (place.kind, place.apartment_number, place.address) == (
        PlaceKind.APARTMENT,
        "12",
        ADDRESS,
    )
    area = scope.resolve(PlaceChoice(PlaceKind.ELEVATOR, BUILDING))
    assert area.apartment_id is None and area.kind is PlaceKind.ELEVATOR
    forged = [
        PlaceChoice(PlaceKind.APARTMENT, BUILDING, OTHER_APARTMENT),
        PlaceChoice(PlaceKind.APARTMENT, OTHER_BUILDING, APARTMENT),
        PlaceChoice(PlaceKind.APARTMENT, BUILDING, None),
        PlaceChoice(PlaceKind.ROOF, OTHER_BUILDING),
    ]
    for choice in forged:
        with pytest.raises(NotAllowed):
            scope.resolve(choice)
    with pytest.raises(NotAllowed):
        scope.common_area(BUILDING, PlaceKind.APARTMENT)


# --------------------------------------------------------------------------- draft rules


def test_description_is_trimmed_and_bounded() -> None:
    assert clean_description("  Leak   \n under the sink  \n") == "Leak\n under the sink"
    with pytest.raises(ValidationFailed) as short:
        clean_description(" ok ")
    assert short.value.key == "filing-error-description-short"
    with pytest.raises(ValidationFailed) as long:
        clean_description("x" * (MAX_DESCRIPTION + 1))
    assert long.value.params == {"field": "description", "max": MAX_DESCRIPTION}


def test_voice_description_and_media_limit() -> None:
    assert voice_description(75) == "🎤 1:15"
    assert voice_description(None) == "🎤 0:00"
    ensure_room_for_media(MAX_MEDIA - 1)
    with pytest.raises(ValidationFailed) as error:
        ensure_room_for_media(MAX_MEDIA)
    assert error.value.key == "filing-error-too-many-files"


def test_card_media_shows_what_telegram_can_group() -> None:
    mixed = [photo(1), photo(2, MediaKind.VOICE), photo(3, MediaKind.VIDEO)]
    assert card_media(mixed) == (
        MediaRef(MediaKind.PHOTO, "file-1"),
        MediaRef(MediaKind.VIDEO, "file-3"),
    )
    assert card_media([photo(1, MediaKind.VOICE)]) == (MediaRef(MediaKind.VOICE, "file-1"),)
    assert card_media([photo(1, MediaKind.DOCUMENT), photo(2, MediaKind.DOCUMENT)]) == ()
    assert card_media([]) == ()


def test_format_local() -> None:
    assert format_local(T0, TASHKENT) == "10.03.2025 11:00"
    assert format_local(None, TASHKENT) == "—"


async def test_emergency_phone_comes_from_the_desk_settings() -> None:
    assert await emergency_phone(FakeUow()) == "+998 71 000-11-22"


# --------------------------------------------------------------------------- filing


async def test_file_request_writes_everything_in_one_transaction() -> None:
    uow = FakeUow()
    filed = await file_request(
        uow, resident(), draft(), now=T0, calendar=CALENDAR, staff_chat_id=STAFF_CHAT
    )
    assert filed.number == "250310-001" and not filed.already_filed
    assert filed.status is RequestStatus.NEW
    # normal: 4 business hours from Monday 11:00 local; 27 business hours to complete
    assert filed.accept_due_at == T0 + timedelta(hours=4)
    assert filed.complete_due_at is not None
    assert filed.complete_due_at.astimezone(TASHKENT).strftime("%a %H:%M") == "Thu 11:00"
    [event] = filed.events
    assert isinstance(event, RequestCreated) and event.number == filed.number

    row = uow.filing.requests[filed.id]
    assert row.state.apartment_id == APARTMENT and row.place.kind is PlaceKind.APARTMENT
    assert (row.access, row.slot) == (AccessMode.CALL_FIRST, TimeSlot.MORNING)
    assert row.description == "Water leaks under the sink"
    [history] = uow.filing.history
    assert history.actor_role is ActorRole.RESIDENT and history.to_status is RequestStatus.NEW
    assert history.payload["draft"] == "tok1" and history.payload["place"] == "apartment"
    assert [(rid, owner) for rid, owner, _ in uow.filing.media] == [(filed.id, AUTHOR)] * 2
    assert uow.filing.locks == [AUTHOR]

    chats = [(n.chat_id, n.user_id) for n in uow.outbox.notes]
    assert chats == [(MANAGER, MANAGER), (MANAGER + 1, MANAGER + 1), (STAFF_CHAT, None)]
    card = uow.outbox.notes[0]
    assert card.template == "filing-card"
    assert card.media == (MediaRef("photo", "file-1"), MediaRef("photo", "file-2"))
    assert card.dedupe_key == f"filing-card:{filed.id}:{MANAGER}"
    assert card.params["category"] == {"key": "category-plumbing"}
    assert card.params["access"] == {"key": "access-call_first"}
    assert card.params["slot"] == {"key": "timeslot-morning"}
    assert card.params["name"] == "Dilnoza <Karimova>"  # plain-text messages: shown as typed
    assert card.params["apartment"] == "12" and card.params["files"] == 2
    assert card.params["accept_due"] == "10.03.2025 15:00"
    assert uow.audit.records[0][1] == "request.filed"
    assert uow.commits == 1


async def test_the_same_draft_is_filed_once() -> None:
    uow = FakeUow()
    first = await file_request(uow, resident(), draft(), now=T0, calendar=CALENDAR)
    again = await file_request(
        uow, resident(), draft(), now=T0 + timedelta(seconds=1), calendar=CALENDAR
    )
    assert again.already_filed and again.number == first.number and again.id == first.id
    assert len(uow.filing.requests) == 1 and uow.commits == 1
    other = await file_request(uow, resident(), draft(token="tok2"), now=T0, calendar=CALENDAR)
    assert other.number == "250310-002"


async def test_common_area_request_without_staff_chat() -> None:
    uow = FakeUow()
    filed = await file_request(
        uow,
        resident(),
        draft(
            place=PlaceChoice(PlaceKind.ELEVATOR, BUILDING),
            urgency=Urgency.EMERGENCY,
            media=(),
            description=voice_description(12),
        ),
        now=T0,
        calendar=CALENDAR,
    )
    row = uow.filing.requests[filed.id]
    assert row.state.apartment_id is None and row.place.kind is PlaceKind.ELEVATOR
    assert filed.accept_due_at == T0 + timedelta(minutes=15)
    assert [n.chat_id for n in uow.outbox.notes] == [MANAGER, MANAGER + 1]
    assert uow.outbox.notes[0].params["kind"] == "elevator"
    assert uow.outbox.notes[0].media == ()


async def test_filing_for_a_foreign_place_changes_nothing() -> None:
    uow = FakeUow()
    foreign = draft(place=PlaceChoice(PlaceKind.APARTMENT, BUILDING, OTHER_APARTMENT))
    with pytest.raises(NotAllowed):
        await file_request(uow, resident(), foreign, now=T0, calendar=CALENDAR)
    assert uow.filing.requests == {} and uow.outbox.notes == [] and uow.commits == 0


async def test_bad_drafts_are_refused() -> None:
    uow = FakeUow()
    with pytest.raises(ValidationFailed):
        await file_request(
            uow,
            resident(),
            draft(media=tuple(photo(i) for i in range(MAX_MEDIA + 1))),
            now=T0,
            calendar=CALENDAR,
        )
    with pytest.raises(ValidationFailed):
        await file_request(uow, resident(), draft(description="  "), now=T0, calendar=CALENDAR)
    assert uow.commits == 0


async def test_a_manager_of_the_building_files_from_their_own_home() -> None:
    actor = resident(roles=frozenset({Role.RESIDENT, Role.MANAGER}))
    actor = dataclasses.replace(actor, managed_building_ids=frozenset({BUILDING}))
    uow = FakeUow()
    filed = await file_request(uow, actor, draft(), now=T0, calendar=CALENDAR)
    assert uow.filing.history[0].actor_role is ActorRole.RESIDENT
    assert filed.number.endswith("-001")


# --------------------------------------------------------------------------- duplicates


async def test_similar_requests_of_the_last_day() -> None:
    uow = FakeUow()
    uow.filing.similar = [
        similar(1),
        similar(2, created_at=T0 - timedelta(hours=25)),  # too old
        similar(3, author_id=AUTHOR),  # one's own
        similar(4, status=RequestStatus.CLOSED),
        similar(5, building_id=OTHER_BUILDING),
        similar(6, category=Category.HEATING),
        similar(7, status=RequestStatus.COMPLETED),
        similar(8, status=RequestStatus.ON_HOLD),
        similar(9),
    ]
    uow.filing.watchers.add((9, AUTHOR))
    found = await find_similar(uow, resident(), BUILDING, Category.PLUMBING, T0)
    assert [r.id for r in found] == [1, 7, 8]


async def test_join_adds_a_watcher_once() -> None:
    uow = FakeUow()
    uow.filing.similar = [similar(7)]
    joined = await join_request(uow, resident(), 7)
    assert joined.number == "250310-007"
    assert uow.filing.watchers == {(7, AUTHOR)}
    assert [r[1] for r in uow.audit.records] == ["request.joined"]
    await join_request(uow, resident(), 7)
    assert len(uow.audit.records) == 1 and uow.commits == 2


async def test_join_checks_the_request() -> None:
    uow = FakeUow()
    uow.filing.similar = [
        similar(1, building_id=OTHER_BUILDING),
        similar(2, status=RequestStatus.CANCELLED),
        similar(3, author_id=AUTHOR),
    ]
    for request_id in (1, 99):
        with pytest.raises(NotAllowed):
            await join_request(uow, resident(), request_id)
    with pytest.raises(ValidationFailed) as closed:
        await join_request(uow, resident(), 2)
    assert closed.value.key == "filing-error-join-closed"
    await join_request(uow, resident(), 3)  # one's own request: nothing to add
    assert uow.filing.watchers == set()
    manager = Actor(
        user_id=MANAGER,
        roles=frozenset({Role.MANAGER}),
        managed_building_ids=frozenset({OTHER_BUILDING}),
    )
    await join_request(uow, manager, 1)
    assert uow.filing.watchers == {(1, MANAGER)}
