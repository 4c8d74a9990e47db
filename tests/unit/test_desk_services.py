"""The manager's desk use cases against fakes: scope, queues, search, the picker,
duplicates and the staff chat post."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from domain.access import Actor
from domain.assignment import ExecutorCandidate
from domain.enums import Action, Category, RequestStatus, Specialization, Urgency
from domain.errors import InvalidTransition, NotAllowed, ValidationFailed
from domain.services.desk import (
    DESK_OPEN_DATA,
    PAGE_SIZE,
    DeskItem,
    ExecutorItem,
    PendingLink,
    PostFacts,
    Queue,
    Scope,
    SearchQuery,
    executor_picker,
    find_executors,
    link_duplicate,
    open_panel,
    parse_query,
    picked_candidate,
    queue_page,
    scope_of,
    search_requests,
    staff_post_notes,
)
from fsm.desk import DeskCb
from tests.unit.factories import (
    AUTHOR,
    BUILDING,
    EXECUTOR,
    MANAGER,
    OTHER_BUILDING,
    OTHER_EXECUTOR,
    STRANGER,
    T0,
    admin,
    executor,
    make_request,
    manager,
    resident,
)
from tests.unit.test_request_services import FakeUow


def _item(request_id: int, number: str, building: int = BUILDING) -> DeskItem:
    return DeskItem(
        id=request_id,
        number=number,
        status=RequestStatus.NEW,
        category=Category.PLUMBING,
        urgency=Urgency.NORMAL,
        address="Navoi 5",
        apartment="12",
        created_at=T0,
        building_id=building,
    )


class FakeDesk:
    def __init__(self) -> None:
        self.items: dict[Queue, list[DeskItem]] = {}
        self.links: list[PendingLink] = []
        self.catalogue: list[DeskItem] = []
        self.candidates: list[ExecutorCandidate] = []
        self.posts: dict[int, list[tuple[int, int]]] = {}
        self.cards: dict[int, list[tuple[int, int]]] = {}
        self.duplicates: dict[int, int] = {}
        self.watchers: list[tuple[int, int]] = []
        self.scopes: list[Scope] = []

    async def count_queue(self, scope: Scope, queue: Queue, now: datetime) -> int:
        self.scopes.append(scope)
        if queue is Queue.VERIFICATION:
            return len(self.links)
        return len([i for i in self.items.get(queue, []) if scope.covers(i.building_id)])

    async def list_queue(
        self, scope: Scope, queue: Queue, now: datetime, offset: int, limit: int
    ) -> list[DeskItem]:
        items = [i for i in self.items.get(queue, []) if scope.covers(i.building_id)]
        return items[offset : offset + limit]

    async def pending_links(self, scope: Scope, offset: int, limit: int) -> list[PendingLink]:
        return self.links[offset : offset + limit]

    async def search(self, scope: Scope, query: SearchQuery, limit: int) -> list[DeskItem]:
        return [
            i
            for i in self.catalogue
            if scope.covers(i.building_id) and i.number.startswith(query.text)
        ][:limit]

    async def by_number(self, scope: Scope, number: str) -> DeskItem | None:
        for item in self.catalogue:
            if item.number == number and scope.covers(item.building_id):
                return item
        return None

    async def executor_candidates(self) -> list[ExecutorCandidate]:
        return list(self.candidates)

    async def building_point(self, building_id: int) -> tuple[float | None, float | None]:
        return 41.3, 69.2

    async def find_executors(self, name: str, limit: int) -> list[ExecutorItem]:
        return [
            ExecutorItem(c.user_id, c.first_name, None, c.on_duty, c.open_jobs)
            for c in self.candidates
            if name.lower() in c.first_name.lower()
        ][:limit]

    async def mark_duplicate(self, request_id: int, original_id: int) -> None:
        self.duplicates[request_id] = original_id

    async def add_watcher(self, request_id: int, user_id: int) -> None:
        self.watchers.append((request_id, user_id))

    async def delivered_cards(self, request_id: int) -> list[tuple[int, int]]:
        return list(self.cards.get(request_id, []))

    async def record_staff_post(self, request_id: int, chat_id: int, message_id: int) -> None:
        self.posts.setdefault(request_id, []).append((chat_id, message_id))


class DeskUow(FakeUow):
    desk: FakeDesk

    def __init__(self) -> None:
        super().__init__()
        self.desk = FakeDesk()


@pytest.fixture
def uow() -> DeskUow:
    return DeskUow()


def test_scope_of_roles() -> None:
    assert scope_of(admin()).building_ids is None
    assert scope_of(manager()).building_ids == frozenset({BUILDING})
    for outsider in (resident(), executor(), Actor(user_id=STRANGER)):
        with pytest.raises(NotAllowed) as error:
            scope_of(outsider)
        assert error.value.key == "error-not-available"
    with pytest.raises(NotAllowed):
        scope_of(manager(is_active=False))


async def test_panel_counts_every_queue_within_the_scope(uow: DeskUow) -> None:
    uow.desk.items[Queue.NEW] = [_item(1, "a"), _item(2, "b"), _item(3, "c", OTHER_BUILDING)]
    uow.desk.links = [PendingLink(1, "Aziz", "Navoi 5", "13")]
    panel = await open_panel(uow, manager(), T0)
    assert set(panel.counts) == set(Queue)
    assert panel.counts[Queue.NEW] == 2
    assert panel.counts[Queue.VERIFICATION] == 1
    assert (await open_panel(uow, admin(), T0)).counts[Queue.NEW] == 3
    with pytest.raises(NotAllowed):
        await open_panel(uow, resident(), T0)


async def test_queue_pages_are_clamped(uow: DeskUow) -> None:
    uow.desk.items[Queue.OVERDUE] = [_item(n, f"n{n}") for n in range(PAGE_SIZE + 3)]
    first = await queue_page(uow, manager(), Queue.OVERDUE, T0, 0)
    assert (len(first.items), first.pages, first.total) == (PAGE_SIZE, 2, PAGE_SIZE + 3)
    last = await queue_page(uow, manager(), Queue.OVERDUE, T0, 99)  # the list shrank meanwhile
    assert last.page == 1 and len(last.items) == 3
    empty = await queue_page(uow, manager(), Queue.RETURNED, T0, -5)
    assert (empty.page, empty.pages, empty.total) == (0, 1, 0)
    uow.desk.links = [PendingLink(7, "Aziz", "Navoi 5", "13")]
    links = await queue_page(uow, manager(), Queue.VERIFICATION, T0)
    assert links.links[0].link_id == 7 and links.items == ()


def test_parse_query() -> None:
    assert parse_query("   ") is None
    assert parse_query("№ 2503") == SearchQuery("2503", "2503")
    assert parse_query("+998 90 123-45-67") == SearchQuery("+998 90 123-45-67", "998901234567")
    long = parse_query("x" * 500)
    assert long is not None and len(long.text) == 100


async def test_search_and_executors(uow: DeskUow) -> None:
    uow.desk.catalogue = [_item(1, "250310-001"), _item(2, "250310-002", OTHER_BUILDING)]
    assert [i.id for i in await search_requests(uow, manager(), "2503")] == [1]
    assert [i.id for i in await search_requests(uow, admin(), "2503")] == [1, 2]
    assert await search_requests(uow, manager(), "  ") == []
    with pytest.raises(NotAllowed):
        await search_requests(uow, executor(), "2503")
    uow.desk.candidates = [ExecutorCandidate(user_id=EXECUTOR, first_name="Bobur")]
    assert [e.name for e in await find_executors(uow, manager(), " bob ")] == ["Bobur"]
    with pytest.raises(NotAllowed):
        await find_executors(uow, resident(), "bob")


def _candidates() -> list[ExecutorCandidate]:
    return [
        ExecutorCandidate(
            user_id=EXECUTOR,
            first_name="Bobur",
            specializations=frozenset({Specialization.PLUMBER}),
            on_duty=True,
        ),
        ExecutorCandidate(
            user_id=OTHER_EXECUTOR,
            first_name="Jasur",
            specializations=frozenset({Specialization.ELECTRICIAN}),
            on_duty=True,
        ),
        ExecutorCandidate(user_id=5555, first_name="Gone", is_active=False),
    ]


async def test_picker_ranks_and_excludes_the_current_assignee(uow: DeskUow) -> None:
    uow.desk.candidates = _candidates()
    uow.put(make_request(RequestStatus.NEW))
    picker = await executor_picker(uow, manager(), 1)
    assert picker.action is Action.ASSIGN
    assert [r.user_id for r in picker.items] == [EXECUTOR, OTHER_EXECUTOR]
    assert picker.items[0].reason[0].key == "assign-reason-specialization"

    uow.put(make_request(RequestStatus.ACCEPTED))
    picker = await executor_picker(uow, manager(), 1)
    assert picker.action is Action.REASSIGN
    assert [r.user_id for r in picker.items] == [OTHER_EXECUTOR]

    uow.put(make_request(RequestStatus.CLOSED))
    with pytest.raises(InvalidTransition):
        await executor_picker(uow, manager(), 1)
    uow.put(make_request(RequestStatus.NEW, building_id=OTHER_BUILDING))
    with pytest.raises(NotAllowed):
        await executor_picker(uow, manager(), 1)


async def test_picked_candidate_must_be_a_ranked_executor(uow: DeskUow) -> None:
    uow.desk.candidates = _candidates()
    uow.put(make_request(RequestStatus.NEW))
    action, ranked = await picked_candidate(uow, manager(), 1, OTHER_EXECUTOR)
    assert action is Action.ASSIGN and ranked.user_id == OTHER_EXECUTOR
    for forged in (AUTHOR, 5555, MANAGER):  # a resident, an inactive executor, a manager
        with pytest.raises(NotAllowed):
            await picked_candidate(uow, manager(), 1, forged)


async def test_link_duplicate_cancels_and_makes_the_author_watch(uow: DeskUow) -> None:
    uow.put(make_request(RequestStatus.NEW, id=1, number="250310-001"))
    uow.put(make_request(RequestStatus.NEW, id=2, number="250310-002", author_id=STRANGER))
    uow.desk.catalogue = [_item(1, "250310-001"), _item(2, "250310-002")]

    with pytest.raises(ValidationFailed) as error:
        await link_duplicate(uow, manager(), 2, "250310-002", T0, reason=str)
    assert error.value.key == "desk-error-same-request"
    with pytest.raises(ValidationFailed) as error:
        await link_duplicate(uow, manager(), 2, "999", T0, reason=str)
    assert error.value.key == "desk-error-no-such-request"
    assert uow.commits == 0

    transition, original = await link_duplicate(
        uow, manager(), 2, " №250310-001 ", T0, reason=lambda n: f"duplicate of {n}"
    )
    assert original.id == 1
    assert transition.new.status is RequestStatus.CANCELLED
    assert transition.history.reason == "duplicate of 250310-001"
    assert uow.desk.duplicates == {2: 1}
    assert uow.desk.watchers == [(1, STRANGER)]
    assert uow.commits == 1


async def test_link_duplicate_of_a_finished_request_is_refused(uow: DeskUow) -> None:
    uow.put(make_request(RequestStatus.NEW, id=2, number="250310-002"))
    uow.desk.catalogue = [replace(_item(1, "250310-001"), status=RequestStatus.CLOSED)]
    with pytest.raises(ValidationFailed) as error:
        await link_duplicate(uow, manager(), 2, "250310-001", T0, reason=str)
    assert error.value.key == "desk-error-original-finished"
    assert uow.desk.duplicates == {}


POST_FACTS = PostFacts(
    number="250310-001",
    status=RequestStatus.ASSIGNED,
    category=Category.PLUMBING,
    urgency=Urgency.URGENT,
    address="Navoi 5",
    apartment="12",
    executor="Bobur",
)


async def test_staff_post_is_recorded_once_and_edited(uow: DeskUow) -> None:
    # not delivered yet: nothing to edit
    assert await staff_post_notes(uow.desk, 1, posts=(), facts=POST_FACTS) == []
    uow.desk.cards[1] = [(-100, 55)]
    notes = await staff_post_notes(uow.desk, 1, posts=(), facts=POST_FACTS)
    assert uow.desk.posts == {1: [(-100, 55)]}
    (note,) = notes
    assert (note.chat_id, note.edit_of_message_id, note.template) == (-100, 55, "desk-staff-post")
    assert note.params["status"] == {"key": "status-assigned"}
    assert note.params["executor"] == "Bobur"
    assert note.buttons[0][0].callback_data == DESK_OPEN_DATA.format(request_id=1)
    # the data the domain writes is what the handlers' button factory reads
    assert DeskCb.unpack(note.buttons[0][0].callback_data or "") == DeskCb(
        action="open", request_id=1
    )
    assert DeskCb.unpack(note.buttons[0][1].callback_data or "").action == "assign"
    # once recorded, the post comes with the request and the outbox is not searched again
    uow.desk.cards[1] = [(-100, 99)]
    (again,) = await staff_post_notes(uow.desk, 1, posts=uow.desk.posts[1], facts=POST_FACTS)
    assert again.edit_of_message_id == 55
    assert uow.desk.posts == {1: [(-100, 55)]}  # recorded once
