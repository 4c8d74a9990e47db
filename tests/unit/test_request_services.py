"""Request use cases (the write path, comments, lists, the card) and the notification
mapping, against in-memory fakes."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.access import Actor
from domain.enums import (
    Action,
    ActorRole,
    Category,
    ClosedBy,
    CommentVisibility,
    HoldReason,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    Urgency,
)
from domain.errors import InvalidTransition, MissingField, NotAllowed, ValidationFailed
from domain.events import (
    CategoryChanged,
    DomainEvent,
    RequestAccepted,
    RequestAssigned,
    RequestCancelled,
    RequestClaimed,
    RequestClosed,
    RequestCreated,
    RequestDeclined,
    RequestRejected,
    RequestReturned,
    RequestUnassigned,
    UrgencyChanged,
    WorkCompleted,
    WorkPaused,
    WorkResumed,
    WorkStarted,
)
from domain.lifecycle import HistoryEntry, RequestState
from domain.services.deadlines import OpenFollowUp
from domain.services.notifications import MediaRef
from domain.services.request_notifications import (
    ACCEPT_WORK_DATA,
    OPEN_REQUEST_DATA,
    RETURN_WORK_DATA,
    Audience,
    comment_notifications,
    notifications_for,
)
from domain.services.requests import (
    MAX_FILES_PER_COMMENT,
    ChangeContext,
    CommentItem,
    HistoryItem,
    RequestDetails,
    RequestSummary,
    add_comment,
    check_action,
    check_comment,
    list_requests,
    open_card,
    perform_action,
)
from domain.services.residents import StoredMedia
from domain.services.staff_posts import StaffPostRepository
from tests.unit.factories import (
    APARTMENT,
    AUTHOR,
    BUILDING,
    EXECUTOR,
    MANAGER,
    NEIGHBOUR,
    OTHER_EXECUTOR,
    STRANGER,
    T0,
    FakeOutbox,
    FakeSchedule,
    executor,
    make_request,
    manager,
    resident,
)

WATCHER = 1500
OTHER_MANAGER = 3001

# --------------------------------------------------------------------------- fakes


class FakeRequests:
    def __init__(self) -> None:
        self.states: dict[int, RequestState] = {}
        self.watchers: dict[int, list[int]] = {}
        self.history: list[HistoryEntry] = []
        self.stored_history: dict[int, list[HistoryItem]] = {}
        self.assignments: list[tuple[str, int, int | None, str | None]] = []
        self.ratings: list[tuple[int, int, int, str | None]] = []
        self.comments: list[tuple[int, int, CommentVisibility, str, datetime]] = []
        self.media: dict[tuple[int, MediaPurpose], list[MediaRef]] = {}
        self.names: dict[int, str] = {EXECUTOR: "Bobur", OTHER_EXECUTOR: "Jasur"}
        self.locked: list[int] = []
        self.summaries: list[tuple[int, RequestSummary]] = []
        self.details_extra: dict[int, dict[str, Any]] = {}
        self.schedule = FakeSchedule()
        """Where the request rows' clocks and follow-ups are (the unit of work's)."""

    async def get_state(self, request_id: int, *, for_update: bool = False) -> RequestState | None:
        if for_update:
            self.locked.append(request_id)
        return self.states.get(request_id)

    async def save_change(self, state: RequestState, entry: HistoryEntry) -> OpenFollowUp | None:
        self.states[state.id] = state
        self.history.append(entry)
        return await self.schedule.open_follow_up(state.id)

    async def watchers_of(self, request_id: int) -> list[int]:
        return list(self.watchers.get(request_id, []))

    async def state_and_watchers(self, request_id: int) -> tuple[RequestState, list[int]] | None:
        state = await self.get_state(request_id)
        return None if state is None else (state, await self.watchers_of(request_id))

    async def lock_for_change(self, request_id: int) -> ChangeContext | None:
        state = await self.get_state(request_id, for_update=True)
        if state is None:
            return None
        return ChangeContext(
            state=state,
            clocks=await self.schedule.clocks(request_id),
            watcher_ids=tuple(await self.watchers_of(request_id)),
            manager_ids=(),  # as if nobody managed the building: the directory is asked
            assignee_name=self.names.get(state.assignee_id or 0),
            address="Navoi 5",
            apartment_number="12",
            staff_posts=(),
        )

    async def end_assignment(self, request_id: int, at: datetime, reason: str) -> None:
        self.assignments.append(("end", request_id, None, reason))

    async def start_assignment(
        self,
        request_id: int,
        executor_id: int,
        *,
        by: int | None,
        at: datetime,
        reason: str | None,
    ) -> None:
        self.assignments.append(("start", request_id, executor_id, reason))

    async def add_rating(
        self, request_id: int, resident_id: int, stars: int, text: str | None
    ) -> None:
        self.ratings.append((request_id, resident_id, stars, text))

    async def add_comment(
        self,
        request_id: int,
        author_id: int,
        visibility: CommentVisibility,
        text: str,
        at: datetime,
    ) -> int:
        self.comments.append((request_id, author_id, visibility, text, at))
        return len(self.comments)

    async def media_of(self, request_id: int, purpose: MediaPurpose) -> list[MediaRef]:
        return list(self.media.get((request_id, purpose), []))

    async def count_media(self, request_id: int, purpose: MediaPurpose | None = None) -> int:
        return sum(
            len(items)
            for (rid, kind), items in self.media.items()
            if rid == request_id and purpose in (None, kind)
        )

    async def first_name_of(self, user_id: int) -> str | None:
        return self.names.get(user_id)

    async def list_for_user(
        self, user_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[RequestSummary]]:
        mine = [s for owner, s in self.summaries if owner == user_id and s.status in statuses]
        mine.sort(key=lambda s: s.created_at, reverse=True)
        return len(mine), mine[offset : offset + limit]

    async def details(self, request_id: int) -> RequestDetails | None:
        state = self.states.get(request_id)
        if state is None:
            return None
        extra = self.details_extra.get(request_id, {})
        return RequestDetails(
            state=state,
            description="Leak",
            place_kind=PlaceKind.APARTMENT,
            address="Navoi 5",
            apartment_number="12",
            entrance_number="1",
            executor_first_name=self.names.get(state.assignee_id or 0),
            accept_due_at=extra.get("accept_due_at"),
            complete_due_at=extra.get("complete_due_at"),
            media_count=await self.count_media(request_id),
            rating_text=None,
            history=tuple(self.stored_history.get(request_id, [])),
            comments=tuple(extra.get("comments", ())),
            watcher_ids=tuple(self.watchers.get(request_id, [])),
            lat=extra.get("lat"),
            lon=extra.get("lon"),
            author_name=extra.get("author_name"),
            author_phone=extra.get("author_phone"),
        )


class FakeDirectory:
    def __init__(self) -> None:
        self.managers: dict[int, list[int]] = {BUILDING: [MANAGER, OTHER_MANAGER]}

    async def managers_of(self, building_id: int) -> list[int]:
        return list(self.managers.get(building_id, []))


class FakeMedia:
    def __init__(self, requests: FakeRequests) -> None:
        self.requests = requests
        self.rows: list[tuple[int, MediaPurpose, StoredMedia, int | None, int | None]] = []

    async def add(
        self,
        owner_id: int,
        purpose: MediaPurpose,
        media: StoredMedia,
        *,
        request_id: int | None = None,
        comment_id: int | None = None,
    ) -> int:
        self.rows.append((owner_id, purpose, media, request_id, comment_id))
        if request_id is not None:
            self.requests.media.setdefault((request_id, purpose), []).append(
                MediaRef(media.kind, media.file_id)
            )
        return len(self.rows)


class NoStaffPosts:
    """No staff chat configured: nothing to edit."""

    async def delivered_cards(self, request_id: int) -> list[tuple[int, int]]:
        return []

    async def record_staff_post(self, request_id: int, chat_id: int, message_id: int) -> None:
        raise AssertionError("nothing to record")


class FakeUow:
    def __init__(self) -> None:
        self.requests = FakeRequests()
        self.directory = FakeDirectory()
        self.media = FakeMedia(self.requests)
        self.outbox = FakeOutbox()
        self.desk: StaffPostRepository = NoStaffPosts()
        self.schedule = FakeSchedule()
        self.schedule.states = self.requests.states
        self.requests.schedule = self.schedule
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    def put(self, state: RequestState, watchers: tuple[int, ...] = ()) -> RequestState:
        self.requests.states[state.id] = state
        self.requests.watchers[state.id] = list(watchers)
        return state

    def sent(self) -> list[tuple[int, str]]:
        return [(n.chat_id, n.template) for n in self.outbox.notes]


@pytest.fixture
def uow() -> FakeUow:
    return FakeUow()


def photo(n: int = 1) -> StoredMedia:
    return StoredMedia(kind=MediaKind.PHOTO, file_id=f"file-{n}", file_unique_id=f"u-{n}")


# --------------------------------------------------------------------------- perform_action


async def test_perform_action_saves_history_assignment_and_notifies(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW), watchers=(WATCHER,))
    transition = await perform_action(
        uow,
        manager(),
        1,
        Action.ASSIGN,
        T0,
        assignee_id=EXECUTOR,
        assignment_reason="plumber, on duty, 0.4 km",
    )
    assert uow.requests.locked == [1]
    assert uow.requests.states[1].status is RequestStatus.ASSIGNED
    assert uow.requests.states[1].assignee_id == EXECUTOR
    assert uow.requests.history == [transition.history]
    assert transition.history.action is Action.ASSIGN and transition.history.actor_id == MANAGER
    assert uow.requests.assignments == [("start", 1, EXECUTOR, "plumber, on duty, 0.4 km")]
    assert uow.sent() == [
        (EXECUTOR, "notify-assigned-executor"),
        (AUTHOR, "notify-status"),
        (WATCHER, "notify-status"),
    ]
    status = uow.outbox.notes[1]
    assert status.params == {"number": "250310-001", "status": {"key": "status-assigned"}}
    assert status.buttons[0][0].callback_data == "trk:open:1"
    assert uow.commits == 1


async def test_reassign_ends_the_old_assignment_and_tells_both_executors(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ACCEPTED))
    await perform_action(uow, manager(), 1, Action.REASSIGN, T0, assignee_id=OTHER_EXECUTOR)
    assert uow.requests.assignments == [
        ("end", 1, None, "reassign"),
        ("start", 1, OTHER_EXECUTOR, None),
    ]
    assert uow.sent() == [
        (OTHER_EXECUTOR, "notify-assigned-executor"),
        (EXECUTOR, "notify-unassigned-executor"),
    ]


async def test_decline_unassigns_and_tells_the_managers(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ASSIGNED))
    await perform_action(uow, executor(), 1, Action.DECLINE, T0, reason="Not my area")
    assert uow.requests.states[1].assignee_id is None
    assert uow.requests.assignments == [("end", 1, None, "decline")]
    assert uow.sent() == [(MANAGER, "notify-declined"), (OTHER_MANAGER, "notify-declined")]
    assert uow.outbox.notes[0].params["reason"] == "Not my area"


async def test_complete_counts_the_stored_completion_photos(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.IN_PROGRESS), watchers=(WATCHER,))
    with pytest.raises(MissingField) as missing:
        # a caller's count is not trusted: nothing is stored yet
        await perform_action(uow, executor(), 1, Action.COMPLETE, T0, comment="Done", media_count=3)
    assert missing.value.field == "media_count"
    assert uow.commits == 0 and uow.outbox.notes == [] and uow.requests.history == []

    uow.requests.media[(1, MediaPurpose.COMPLETION)] = [MediaRef("photo", "after-1")]
    transition = await perform_action(
        uow, executor(), 1, Action.COMPLETE, T0, comment="Replaced <the> siphon"
    )
    assert transition.new.status is RequestStatus.COMPLETED
    assert transition.history.payload == {"media_count": 1}
    author, watcher = uow.outbox.notes
    assert (author.chat_id, author.template) == (AUTHOR, "notify-completed")
    assert author.media == (MediaRef("photo", "after-1"),)
    assert author.params["comment"] == "Replaced <the> siphon"  # plain text, no markup
    assert author.params["executor"] == "Bobur"
    assert [[b.callback_data for b in row] for row in author.buttons] == [
        ["rloop:accept:1", "rloop:return:1"]
    ]
    assert (watcher.chat_id, watcher.template) == (WATCHER, "notify-completed-watcher")
    assert watcher.buttons[0][0].callback_data == "trk:open:1"
    assert watcher.media == author.media


@pytest.mark.parametrize(("stars", "follow_up"), [(5, False), (3, False), (2, True), (1, True)])
async def test_accept_work_records_the_rating_and_the_follow_up(
    uow: FakeUow, stars: int, follow_up: bool
) -> None:
    uow.put(make_request(RequestStatus.COMPLETED), watchers=(WATCHER,))
    transition = await perform_action(
        uow, resident(), 1, Action.ACCEPT_WORK, T0, rating=stars, comment="ok"
    )
    assert uow.requests.ratings == [(1, AUTHOR, stars, "ok")]
    assert transition.history.payload == {
        "how": "resident",
        "rating": stars,
        "needs_follow_up": follow_up,
    }
    assert uow.requests.history[-1].payload["needs_follow_up"] is follow_up
    expected = [(EXECUTOR, "notify-rated-executor")]
    if follow_up:
        expected += [(MANAGER, "notify-low-rating"), (OTHER_MANAGER, "notify-low-rating")]
    expected += [(WATCHER, "notify-status")]
    assert uow.sent() == expected


async def test_return_work_tells_the_executor_and_the_managers(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.COMPLETED))
    transition = await perform_action(uow, resident(), 1, Action.RETURN_WORK, T0, reason="Drips")
    assert transition.new.status is RequestStatus.RETURNED
    assert uow.sent() == [
        (EXECUTOR, "notify-returned"),
        (MANAGER, "notify-returned"),
        (OTHER_MANAGER, "notify-returned"),
    ]
    assert uow.requests.assignments == []  # the same executor keeps the job


async def test_someone_elses_request_is_not_available_and_nothing_changes(uow: FakeUow) -> None:
    original = uow.put(make_request(RequestStatus.ASSIGNED))
    for actor in (resident(STRANGER, apartment_ids=frozenset()), executor(OTHER_EXECUTOR)):
        with pytest.raises(NotAllowed) as error:
            await perform_action(uow, actor, 1, Action.CANCEL, T0, reason="mine now")
        assert error.value.key == "error-not-available"
    with pytest.raises(NotAllowed) as missing:
        await perform_action(uow, manager(), 999, Action.CANCEL, T0, reason="x")
    assert missing.value.key == "error-not-available"
    assert uow.requests.states[1] == original
    assert uow.commits == 0 and uow.outbox.notes == [] and uow.requests.history == []


async def test_a_watcher_sees_but_may_not_act(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW), watchers=(WATCHER,))
    watcher = resident(WATCHER, apartment_ids=frozenset())
    with pytest.raises(NotAllowed) as error:
        await perform_action(uow, watcher, 1, Action.CANCEL, T0, reason="no")
    assert error.value.key == "error-not-allowed"
    with pytest.raises(NotAllowed) as checked:
        await check_action(uow, watcher, 1, Action.CANCEL)
    assert checked.value.key == "error-not-allowed"
    # a neighbour linked to the apartment sees it too, but only the author may cancel
    with pytest.raises(NotAllowed) as neighbour:
        await perform_action(uow, resident(NEIGHBOUR), 1, Action.CANCEL, T0, reason="no")
    assert neighbour.value.key == "error-not-allowed"
    assert (await check_comment(uow, watcher, 1)).id == 1
    assert uow.commits == 0


async def test_check_action_before_asking_for_a_reason(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ASSIGNED))
    state = await check_action(uow, resident(), 1, Action.CANCEL)
    assert state.id == 1
    uow.put(make_request(RequestStatus.IN_PROGRESS))
    with pytest.raises(InvalidTransition) as stale:
        await check_action(uow, resident(), 1, Action.CANCEL)
    assert stale.value.params == {"status": "in_progress", "action": "cancel"}
    with pytest.raises(NotAllowed):
        await check_action(uow, resident(STRANGER, apartment_ids=frozenset()), 1, Action.CANCEL)


async def test_system_auto_accept_and_manager_closing(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.COMPLETED), watchers=(WATCHER,))
    transition = await perform_action(uow, Actor.system(), 1, Action.AUTO_ACCEPT, T0)
    assert transition.history.actor_id is None
    assert transition.history.payload == {"how": "auto", "needs_follow_up": False}
    assert uow.sent() == [
        (AUTHOR, "notify-auto-accepted"),
        (WATCHER, "notify-auto-accepted"),
        (EXECUTOR, "notify-closed-executor"),
    ]
    assert uow.requests.ratings == []

    other = FakeUow()
    other.put(make_request(RequestStatus.COMPLETED))
    await perform_action(other, manager(), 1, Action.CLOSE_ON_BEHALF, T0, comment="Checked")
    assert other.sent() == [
        (AUTHOR, "notify-closed-by-manager"),
        (EXECUTOR, "notify-closed-executor"),
    ]


async def test_hold_with_comment_and_category_change(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.IN_PROGRESS))
    await perform_action(
        uow, executor(), 1, Action.HOLD, T0, hold_reason=HoldReason.OTHER, comment="Need access"
    )
    paused = uow.outbox.notes[-1]
    assert (paused.chat_id, paused.template) == (AUTHOR, "notify-paused-comment")
    assert paused.params["reason"] == {"key": "tracking-hold-other"}
    await perform_action(
        uow,
        manager(),
        1,
        Action.CHANGE_CATEGORY,
        T0 + timedelta(minutes=1),
        category=Category.HEATING,
    )
    assert uow.sent()[-2:] == [
        (AUTHOR, "notify-category-changed"),
        (EXECUTOR, "notify-category-changed"),
    ]


# --------------------------------------------------------------------------- comments


async def test_a_residents_comment_goes_to_the_executor_and_the_managers(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ASSIGNED), watchers=(WATCHER,))
    result = await add_comment(uow, resident(), 1, T0, text="  Still <leaking>  ")
    assert uow.requests.comments == [(1, AUTHOR, CommentVisibility.PUBLIC, "Still <leaking>", T0)]
    assert result.comment_id == 1 and result.files == 0 and result.notified == 4
    assert uow.sent() == [
        (WATCHER, "notify-comment"),
        (EXECUTOR, "notify-comment"),
        (MANAGER, "notify-comment"),
        (OTHER_MANAGER, "notify-comment"),
    ]
    note = uow.outbox.notes[1]
    assert note.params == {
        "number": "250310-001",
        "who": {"key": "role-resident"},
        "text": "Still <leaking>",
    }
    assert note.buttons == ()  # staff screens bring their own buttons
    assert uow.commits == 1


async def test_files_are_stored_and_forwarded(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW))
    result = await add_comment(uow, resident(), 1, T0, media=[photo(1), photo(2)])
    assert result.comment_id is None and result.files == 2
    assert [(row[1], row[3], row[4]) for row in uow.media.rows] == [
        (MediaPurpose.COMMENT, 1, None),
        (MediaPurpose.COMMENT, 1, None),
    ]
    assert uow.sent() == [(MANAGER, "notify-files"), (OTHER_MANAGER, "notify-files")]
    assert uow.outbox.notes[0].params["count"] == 2
    assert uow.outbox.notes[0].media == (MediaRef("photo", "file-1"), MediaRef("photo", "file-2"))


async def test_comment_rules(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW))
    with pytest.raises(MissingField):
        await add_comment(uow, resident(), 1, T0, text="   ")
    with pytest.raises(ValidationFailed) as too_long:
        await add_comment(uow, resident(), 1, T0, text="x" * 2001)
    assert too_long.value.key == "error-text-too-long"
    with pytest.raises(ValidationFailed) as too_many:
        await add_comment(
            uow, resident(), 1, T0, media=[photo(i) for i in range(MAX_FILES_PER_COMMENT + 1)]
        )
    assert too_many.value.key == "error-too-many-files"
    with pytest.raises(NotAllowed):
        await add_comment(uow, resident(), 1, T0, text="x", visibility=CommentVisibility.INTERNAL)
    with pytest.raises(NotAllowed) as foreign:
        await add_comment(uow, resident(STRANGER, apartment_ids=frozenset()), 1, T0, text="hi")
    assert foreign.value.key == "error-not-available"
    uow.put(make_request(RequestStatus.CLOSED))
    with pytest.raises(ValidationFailed) as finished:
        await check_comment(uow, resident(), 1)
    assert finished.value.key == "error-request-finished"
    assert uow.commits == 0 and uow.outbox.notes == []


async def test_internal_and_staff_comments(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.IN_PROGRESS))
    await add_comment(
        uow, manager(), 1, T0, text="Check the riser", visibility=CommentVisibility.INTERNAL
    )
    assert uow.sent() == [(EXECUTOR, "notify-comment"), (OTHER_MANAGER, "notify-comment")]
    uow.outbox.notes.clear()
    await add_comment(uow, executor(), 1, T0, text="On my way")
    assert uow.sent() == [
        (AUTHOR, "notify-comment"),
        (MANAGER, "notify-comment"),
        (OTHER_MANAGER, "notify-comment"),
    ]
    assert uow.outbox.notes[0].params["who"] == {"key": "role-executor"}
    assert uow.outbox.notes[0].buttons[0][0].callback_data == "trk:open:1"


async def test_a_watcher_may_comment(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW), watchers=(WATCHER,))
    await add_comment(uow, resident(WATCHER, apartment_ids=frozenset()), 1, T0, text="Me too")
    assert uow.sent() == [
        (AUTHOR, "notify-comment"),
        (MANAGER, "notify-comment"),
        (OTHER_MANAGER, "notify-comment"),
    ]


# --------------------------------------------------------------------------- reading


def _summary(n: int, status: RequestStatus = RequestStatus.NEW) -> RequestSummary:
    return RequestSummary(n, f"250310-{n:03d}", status, Category.PLUMBING, T0 + timedelta(hours=n))


async def test_list_requests_pages_newest_first_and_clamps(uow: FakeUow) -> None:
    uow.requests.summaries = [(AUTHOR, _summary(n)) for n in range(1, 11)] + [
        (AUTHOR, _summary(11, RequestStatus.CLOSED)),
        (STRANGER, _summary(12)),
    ]
    first = await list_requests(uow, AUTHOR, archive=False)
    assert (first.total, first.pages, first.page) == (10, 2, 0)
    assert [s.id for s in first.items] == [10, 9, 8, 7, 6, 5, 4, 3]
    beyond = await list_requests(uow, AUTHOR, archive=False, page=7)
    assert beyond.page == 1 and [s.id for s in beyond.items] == [2, 1]
    archive = await list_requests(uow, AUTHOR, archive=True, page=-3)
    assert (archive.total, archive.page, [s.id for s in archive.items]) == (1, 0, [11])
    empty = await list_requests(uow, NEIGHBOUR, archive=False)
    assert (empty.total, empty.pages, empty.items) == (0, 1, ())


def _history(action: Action, at: datetime, **kwargs: Any) -> HistoryItem:
    fields: dict[str, Any] = {
        "from_status": RequestStatus.NEW,
        "to_status": RequestStatus.NEW,
        "actor_id": AUTHOR,
        "actor_role": ActorRole.RESIDENT,
        "reason": None,
        "payload": {},
    }
    fields.update(kwargs)
    return HistoryItem(action=action, at=at, **fields)


async def test_card_shows_stored_deadlines_and_overdue(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ASSIGNED, created_at=T0, accepted_at=None))
    uow.requests.details_extra[1] = {
        "accept_due_at": T0 + timedelta(hours=4),
        "complete_due_at": T0 + timedelta(days=3),
    }
    card = await open_card(uow, resident(), 1, T0 + timedelta(hours=1))
    assert card.accept_due == T0 + timedelta(hours=4) and not card.accept_overdue
    assert card.complete_due is not None and not card.complete_overdue
    assert card.actions == (Action.CANCEL,) and card.can_comment and card.state.id == 1
    late = await open_card(uow, resident(), 1, T0 + timedelta(days=10))
    assert late.accept_overdue and late.complete_overdue
    assert late.details.executor_first_name == "Bobur"


async def test_card_uses_stored_deadlines_and_pauses_on_hold(uow: FakeUow) -> None:
    stored = T0 + timedelta(days=2)
    uow.put(make_request(RequestStatus.ACCEPTED))
    uow.requests.details_extra[1] = {"accept_due_at": T0, "complete_due_at": stored}
    card = await open_card(uow, resident(), 1, T0)
    assert card.accept_due is None  # already accepted
    assert card.complete_due == stored
    uow.put(make_request(RequestStatus.ON_HOLD))
    held = await open_card(uow, resident(), 1, T0)
    assert held.paused and held.complete_due is None
    uow.put(make_request(RequestStatus.COMPLETED))
    done = await open_card(uow, resident(), 1, T0)
    assert done.complete_due is None and done.actions == (Action.ACCEPT_WORK, Action.RETURN_WORK)


async def test_card_timeline_hides_staff_texts_from_residents(uow: FakeUow) -> None:
    state = uow.put(make_request(RequestStatus.ON_HOLD), watchers=(WATCHER,))
    uow.requests.stored_history[1] = [
        _history(Action.CREATE, T0 - timedelta(hours=5), from_status=None),
        _history(
            Action.DECLINE,
            T0 - timedelta(hours=4),
            actor_id=OTHER_EXECUTOR,
            actor_role=ActorRole.EXECUTOR,
            reason="Too far",
        ),
        _history(
            Action.HOLD,
            T0 - timedelta(hours=1),
            to_status=RequestStatus.ON_HOLD,
            actor_id=EXECUTOR,
            actor_role=ActorRole.EXECUTOR,
            reason="Pipe ordered",
            payload={"hold_reason": "materials"},
        ),
    ]
    at = T0 - timedelta(minutes=30)
    uow.requests.details_extra[1] = {
        "comments": [
            CommentItem(AUTHOR, "Dilnoza", CommentVisibility.PUBLIC, "When?", at),
            CommentItem(MANAGER, "Malika", CommentVisibility.INTERNAL, "Call supplier", at),
            CommentItem(EXECUTOR, "Bobur", CommentVisibility.PUBLIC, "Tomorrow", at),
            CommentItem(WATCHER, "Aziz", CommentVisibility.PUBLIC, "Same here", at),
            CommentItem(OTHER_EXECUTOR, "Jasur", CommentVisibility.PUBLIC, "Sorry", at),
        ]
    }
    card = await open_card(uow, resident(), 1, T0)
    lines = [(e.action, e.text, e.author_role) for e in card.timeline]
    assert lines == [
        (Action.CREATE, None, ActorRole.RESIDENT),
        (Action.DECLINE, None, ActorRole.EXECUTOR),  # the decline reason is internal
        (Action.HOLD, "Pipe ordered", ActorRole.EXECUTOR),
        (None, "When?", ActorRole.RESIDENT),
        (None, "Tomorrow", ActorRole.EXECUTOR),
        (None, "Same here", ActorRole.RESIDENT),
        (None, "Sorry", ActorRole.EXECUTOR),  # a former executor, known from the history
    ]
    assert card.timeline[2].hold_reason is HoldReason.MATERIALS
    staff = await open_card(uow, manager(), 1, T0)
    assert [e.text for e in staff.timeline][1] == "Too far"
    assert "Call supplier" in [e.text for e in staff.timeline]
    watcher = await open_card(uow, resident(WATCHER, apartment_ids=frozenset()), 1, T0)
    assert watcher.actions == () and watcher.can_comment
    assert state.id == 1


async def test_card_of_someone_elses_request_is_not_available(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW, apartment_id=APARTMENT + 50))
    for actor in (resident(STRANGER), manager(managed_building_ids=frozenset({99}))):
        with pytest.raises(NotAllowed) as error:
            await open_card(uow, actor, 1, T0)
        assert error.value.key == "error-not-available"


# --------------------------------------------------------------------------- the mapping


def _event(cls: type[DomainEvent], actor_id: int | None, role: ActorRole, **kw: Any) -> Any:
    return cls(request_id=1, number="N-1", actor_id=actor_id, actor_role=role, at=T0, **kw)


AUDIENCE = Audience(
    request_id=1,
    number="N-1",
    author_id=AUTHOR,
    watcher_ids=(WATCHER, AUTHOR),
    manager_ids=(MANAGER, OTHER_MANAGER),
    assignee_id=EXECUTOR,
    executor_name="Bobur",
)
M, R, E, S = ActorRole.MANAGER, ActorRole.RESIDENT, ActorRole.EXECUTOR, ActorRole.SYSTEM
RESIDENTS = [(AUTHOR, "notify-status"), (WATCHER, "notify-status")]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            _event(
                RequestCreated,
                AUTHOR,
                R,
                author_id=AUTHOR,
                building_id=BUILDING,
                apartment_id=APARTMENT,
                category=Category.PLUMBING,
                urgency=Urgency.URGENT,
            ),
            [(MANAGER, "notify-created"), (OTHER_MANAGER, "notify-created")],
        ),
        (
            _event(RequestAssigned, MANAGER, M, assignee_id=EXECUTOR, previous_assignee_id=None),
            [(EXECUTOR, "notify-assigned-executor"), *RESIDENTS],
        ),
        (
            _event(RequestUnassigned, MANAGER, M, previous_assignee_id=EXECUTOR),
            [(EXECUTOR, "notify-unassigned-executor")],
        ),
        (_event(RequestClaimed, EXECUTOR, E, assignee_id=EXECUTOR), RESIDENTS),
        (_event(RequestAccepted, EXECUTOR, E, assignee_id=EXECUTOR), RESIDENTS),
        (
            _event(RequestDeclined, EXECUTOR, E, previous_assignee_id=EXECUTOR, reason="no"),
            [(MANAGER, "notify-declined"), (OTHER_MANAGER, "notify-declined")],
        ),
        (_event(WorkStarted, EXECUTOR, E, assignee_id=EXECUTOR), RESIDENTS),
        (_event(WorkResumed, MANAGER, M, held_seconds=60), RESIDENTS),
        (
            _event(WorkPaused, EXECUTOR, E, hold_reason=HoldReason.MATERIALS),
            [(AUTHOR, "notify-paused"), (WATCHER, "notify-paused")],
        ),
        (
            _event(RequestReturned, AUTHOR, R, reason="bad", assignee_id=EXECUTOR),
            [
                (EXECUTOR, "notify-returned"),
                (MANAGER, "notify-returned"),
                (OTHER_MANAGER, "notify-returned"),
                (WATCHER, "notify-status"),
            ],
        ),
        (
            _event(RequestRejected, MANAGER, M, reason="dup"),
            [
                (AUTHOR, "notify-rejected"),
                (WATCHER, "notify-rejected"),
                (EXECUTOR, "notify-rejected"),
            ],
        ),
        (
            _event(RequestCancelled, AUTHOR, R, reason="fixed"),
            [
                (WATCHER, "notify-cancelled"),
                (EXECUTOR, "notify-cancelled"),
                (MANAGER, "notify-cancelled"),
                (OTHER_MANAGER, "notify-cancelled"),
            ],
        ),
        (
            _event(RequestCancelled, MANAGER, M, reason="dup"),
            [
                (AUTHOR, "notify-cancelled"),
                (WATCHER, "notify-cancelled"),
                (EXECUTOR, "notify-cancelled"),
            ],
        ),
        (
            _event(
                CategoryChanged, MANAGER, M, previous=Category.PLUMBING, category=Category.HEATING
            ),
            [
                (AUTHOR, "notify-category-changed"),
                (WATCHER, "notify-category-changed"),
                (EXECUTOR, "notify-category-changed"),
            ],
        ),
        (
            _event(UrgencyChanged, MANAGER, M, previous=Urgency.NORMAL, urgency=Urgency.URGENT),
            [
                (EXECUTOR, "notify-urgency-changed"),
                (AUTHOR, "notify-urgency-changed"),
                (WATCHER, "notify-urgency-changed"),
            ],
        ),
        (
            _event(RequestClosed, None, S, how=ClosedBy.AUTO),
            [
                (AUTHOR, "notify-auto-accepted"),
                (WATCHER, "notify-auto-accepted"),
                (EXECUTOR, "notify-closed-executor"),
            ],
        ),
        (
            _event(WorkCompleted, EXECUTOR, E, assignee_id=EXECUTOR, comment="ok", media_count=1),
            [(AUTHOR, "notify-completed"), (WATCHER, "notify-completed-watcher")],
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, DomainEvent) else "",
)
def test_notification_matrix(event: DomainEvent, expected: list[tuple[int, str]]) -> None:
    notes = notifications_for(event, AUDIENCE)
    assert [(n.chat_id, n.template) for n in notes] == expected
    assert all(n.user_id == n.chat_id and n.params["number"] == "N-1" for n in notes)


def test_nobody_is_told_twice_and_the_actor_is_not_told() -> None:
    # the author is also a manager of the building and cancels
    audience = dataclasses.replace(AUDIENCE, manager_ids=(AUTHOR, MANAGER))
    notes = notifications_for(_event(RequestCancelled, AUTHOR, R, reason="x"), audience)
    assert [n.chat_id for n in notes] == [WATCHER, EXECUTOR, MANAGER]
    # a manager who is also the assignee hears once, as the executor
    audience = dataclasses.replace(AUDIENCE, manager_ids=(EXECUTOR, MANAGER))
    notes = notifications_for(
        _event(RequestReturned, AUTHOR, R, reason="x", assignee_id=EXECUTOR), audience
    )
    assert [n.chat_id for n in notes] == [EXECUTOR, MANAGER, WATCHER]


def test_comment_of_a_manager_without_text_reaches_everyone_else() -> None:
    notes = comment_notifications(
        AUDIENCE,
        commenter_id=MANAGER,
        commenter_role=ActorRole.MANAGER,
        text=None,
        media=[MediaRef("photo", f"f{i}") for i in range(3)],
    )
    assert [n.chat_id for n in notes] == [AUTHOR, WATCHER, EXECUTOR, OTHER_MANAGER]
    assert all(len(n.media) == 3 and n.params["count"] == 3 for n in notes)


def test_button_data_matches_the_callback_factories() -> None:
    from fsm.tracking import CloseLoopCb, TrackCb

    assert OPEN_REQUEST_DATA.format(request_id=42) == TrackCb(action="open", request_id=42).pack()
    assert (
        ACCEPT_WORK_DATA.format(request_id=42) == CloseLoopCb(action="accept", request_id=42).pack()
    )
    assert (
        RETURN_WORK_DATA.format(request_id=42) == CloseLoopCb(action="return", request_id=42).pack()
    )
    assert TrackCb.unpack("trk:open:42") == TrackCb(action="open", request_id=42)
