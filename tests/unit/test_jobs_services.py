"""The executor's use cases (lists, pool, duty, work steps, automatic assignment) and
the job card notifications, against in-memory fakes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.access import Actor
from domain.assignment import ExecutorCandidate
from domain.enums import (
    AccessMode,
    Action,
    ActorRole,
    Category,
    HoldReason,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    Specialization,
    TimeSlot,
    Urgency,
)
from domain.errors import InvalidTransition, MissingField, NotAllowed, ValidationFailed
from domain.events import RequestAssigned, WorkPaused
from domain.lifecycle import apply_action
from domain.services.desk_settings import DeskSettings
from domain.services.filing import file_request
from domain.services.jobs import (
    JOB_STATUSES,
    BuildingAssignment,
    JobSummary,
    ask_clarification,
    claim_job,
    complete_job,
    decline_job,
    list_jobs,
    list_pool,
    pause_for_materials,
    plan_auto_assignment,
    reason_text,
    set_duty,
    start_job,
)
from domain.services.notifications import MediaRef
from domain.services.request_notifications import (
    Audience,
    JobInfo,
    format_due,
    job_card_params,
    map_link,
    notifications_for,
)
from domain.services.requests import perform_action
from domain.services.residents import StoredMedia
from tests.unit.factories import (
    AUTHOR,
    BUILDING,
    EXECUTOR,
    MANAGER,
    OTHER_EXECUTOR,
    T0,
    executor,
    make_request,
    manager,
    resident,
)
from tests.unit.test_filing_service import CALENDAR, draft
from tests.unit.test_filing_service import FakeUow as FilingFakeUow
from tests.unit.test_request_services import FakeUow as RequestsFakeUow

WATCHER = 1500
TASHKENT = ZoneInfo("Asia/Tashkent")


def summary(rid: int, **overrides: object) -> JobSummary:
    fields: dict[str, object] = {
        "id": rid,
        "number": f"250310-{rid:03d}",
        "status": RequestStatus.ASSIGNED,
        "category": Category.PLUMBING,
        "urgency": Urgency.NORMAL,
        "address": "Navoi 5",
    }
    fields.update(overrides)
    return JobSummary(**fields)  # type: ignore[arg-type]


class FakeJobs:
    def __init__(self) -> None:
        self.jobs: dict[int, list[JobSummary]] = {}
        self.pool_items: list[tuple[Category, JobSummary]] = []
        self.duty: dict[int, bool] = {}
        self.calls: list[tuple[str, object]] = []

    async def active_jobs(
        self, executor_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        self.calls.append(("active", offset))
        mine = [j for j in self.jobs.get(executor_id, []) if j.status in statuses]
        return len(mine), mine[offset : offset + limit]

    async def pool(
        self, categories: frozenset[Category], offset: int, limit: int
    ) -> tuple[int, list[JobSummary]]:
        self.calls.append(("pool", offset))
        items = [item for category, item in self.pool_items if category in categories]
        return len(items), items[offset : offset + limit]

    async def set_on_duty(self, user_id: int, on_duty: bool) -> None:
        self.duty[user_id] = on_duty


class FakeSettings:
    def __init__(self) -> None:
        self.desk = DeskSettings()

    async def load(self) -> DeskSettings:
        return self.desk


class FakeUow(RequestsFakeUow):
    def __init__(self) -> None:
        super().__init__()
        self.jobs = FakeJobs()
        self.settings = FakeSettings()


@pytest.fixture
def uow() -> FakeUow:
    return FakeUow()


def photo(n: int = 1) -> StoredMedia:
    return StoredMedia(kind=MediaKind.PHOTO, file_id=f"file-{n}", file_unique_id=f"u-{n}")


# --------------------------------------------------------------------------- lists


async def test_my_jobs_pages_and_clamps(uow: FakeUow) -> None:
    uow.jobs.jobs[EXECUTOR] = [summary(i) for i in range(1, 9)] + [
        summary(20, status=RequestStatus.COMPLETED)
    ]
    page = await list_jobs(uow, executor(), page=0, per_page=3)
    assert [j.id for j in page.items] == [1, 2, 3]
    assert (page.page, page.pages, page.total, page.on_duty) == (0, 3, 8, True)
    last = await list_jobs(uow, executor(on_duty=False), page=7, per_page=3)
    assert [j.id for j in last.items] == [7, 8] and last.page == 2 and not last.on_duty
    empty = await list_jobs(uow, executor(OTHER_EXECUTOR), page=-1)
    assert empty.items == () and (empty.page, empty.pages, empty.total) == (0, 1, 0)
    assert RequestStatus.COMPLETED not in JOB_STATUSES


@pytest.mark.parametrize(
    "actor",
    [resident(), manager(), executor(is_active=False)],
    ids=["resident", "manager", "deactivated"],
)
async def test_only_an_active_executor_has_jobs(uow: FakeUow, actor: Actor) -> None:
    with pytest.raises(NotAllowed) as error:
        await list_jobs(uow, actor)
    assert error.value.key == "error-not-available"
    with pytest.raises(NotAllowed):
        await list_pool(uow, actor)
    with pytest.raises(NotAllowed):
        await set_duty(uow, actor, True)
    assert uow.jobs.duty == {} and uow.commits == 0


async def test_pool_shows_only_matching_categories(uow: FakeUow) -> None:
    uow.jobs.pool_items = [
        (Category.PLUMBING, summary(1, status=RequestStatus.NEW)),
        (Category.ELECTRICITY, summary(2, status=RequestStatus.NEW)),
        (Category.HEATING, summary(3, status=RequestStatus.NEW)),
    ]
    page = await list_pool(uow, executor())
    assert [j.id for j in page.items] == [1, 3]  # a plumber also serves heating
    assert page.claim_enabled and page.on_duty
    clamped = await list_pool(uow, executor(), page=5, per_page=1)
    assert [j.id for j in clamped.items] == [3] and clamped.page == 1

    uow.settings.desk = DeskSettings(pool_claim_enabled=False)
    closed = await list_pool(uow, executor(on_duty=False))
    assert not closed.claim_enabled and not closed.on_duty

    nothing = await list_pool(uow, executor(specializations=frozenset()))
    assert nothing.total == 0 and nothing.pages == 1 and nothing.items == ()


async def test_duty_switch(uow: FakeUow) -> None:
    assert await set_duty(uow, executor(), False) is False
    assert uow.jobs.duty == {EXECUTOR: False} and uow.commits == 1
    assert await set_duty(uow, executor(on_duty=False), True) is True
    assert uow.jobs.duty == {EXECUTOR: True} and uow.commits == 2


# --------------------------------------------------------------------------- work steps


async def test_claim_needs_duty_and_the_setting(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW))
    with pytest.raises(NotAllowed) as off_duty:
        await claim_job(uow, executor(on_duty=False), 1, T0)
    assert off_duty.value.key == "error-not-on-duty"

    uow.settings.desk = DeskSettings(pool_claim_enabled=False)
    with pytest.raises(NotAllowed) as closed:
        await claim_job(uow, executor(), 1, T0)
    assert closed.value.key == "job-error-pool-closed"
    assert uow.commits == 0

    uow.settings.desk = DeskSettings(pool_claim_enabled=True)
    transition = await claim_job(uow, executor(), 1, T0)
    assert transition.new.status is RequestStatus.ACCEPTED
    assert transition.new.assignee_id == EXECUTOR
    assert uow.requests.assignments == [("start", 1, EXECUTOR, None)]

    with pytest.raises(NotAllowed):  # not a pool request any more
        await claim_job(uow, executor(OTHER_EXECUTOR), 1, T0)


async def test_claim_outside_the_specializations(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW, category=Category.ELEVATOR))
    with pytest.raises(NotAllowed) as error:
        await claim_job(uow, executor(), 1, T0)
    assert error.value.key == "error-not-available"


async def test_decline_returns_the_request_to_the_managers(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ASSIGNED))
    with pytest.raises(MissingField):
        await decline_job(uow, executor(), 1, T0, "  ")
    transition = await decline_job(uow, executor(), 1, T0, "No parts")
    assert transition.new.status is RequestStatus.NEW and transition.new.assignee_id is None
    assert [template for _, template in uow.sent()] == ["notify-declined", "notify-declined"]


async def test_someone_elses_job_is_not_available(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ACCEPTED))
    other = executor(OTHER_EXECUTOR)
    for step in (
        decline_job(uow, other, 1, T0, "x"),
        start_job(uow, other, 1, T0, eta_minutes=15),
        pause_for_materials(uow, other, 1, T0),
        ask_clarification(uow, other, 1, T0, "Which tap?"),
        complete_job(uow, other, 1, T0, media=[photo()], comment="Done"),
    ):
        with pytest.raises(NotAllowed) as error:
            await step
        assert error.value.key == "error-not-available"
    assert uow.commits == 0 and uow.outbox.notes == [] and uow.media.rows == []


async def test_start_with_an_eta_tells_the_residents(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ACCEPTED), watchers=(WATCHER,))
    with pytest.raises(ValidationFailed) as bad:
        await start_job(uow, executor(), 1, T0, eta_minutes=7)
    assert bad.value.key == "job-error-eta"
    transition = await start_job(uow, executor(), 1, T0, eta_minutes=30)
    assert transition.new.status is RequestStatus.IN_PROGRESS
    eta = [n for n in uow.outbox.notes if n.template == "notify-on-the-way"]
    assert [(n.chat_id, n.params["minutes"]) for n in eta] == [(AUTHOR, 30), (WATCHER, 30)]
    assert eta[0].buttons[0][0].callback_data == "trk:open:1"
    assert uow.commits == 1  # the start and its message are one transaction


async def test_start_without_an_eta(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ACCEPTED))
    await start_job(uow, executor(), 1, T0)
    assert "notify-on-the-way" not in [t for _, t in uow.sent()]
    assert uow.commits == 1


async def test_pause_for_materials_and_ask_a_question(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.IN_PROGRESS), watchers=(WATCHER,))
    paused = await pause_for_materials(uow, executor(), 1, T0)
    assert paused.new.hold_reason is HoldReason.MATERIALS
    assert uow.sent() == [(AUTHOR, "notify-paused"), (WATCHER, "notify-paused")]

    uow.put(make_request(RequestStatus.IN_PROGRESS), watchers=(WATCHER,))
    uow.outbox.notes.clear()
    with pytest.raises(MissingField):
        await ask_clarification(uow, executor(), 1, T0, "   ")
    with pytest.raises(ValidationFailed):
        await ask_clarification(uow, executor(), 1, T0, "?" * 2001)
    asked = await ask_clarification(uow, executor(), 1, T0, " Which tap is it? ")
    assert asked.new.status is RequestStatus.ON_HOLD
    assert asked.new.hold_reason is HoldReason.CLARIFICATION
    assert asked.history.comment == "Which tap is it?"
    assert uow.sent() == [(AUTHOR, "notify-clarification"), (WATCHER, "notify-clarification")]
    note = uow.outbox.notes[0]
    assert note.params["question"] == "Which tap is it?"
    assert note.buttons[0][0].text_key == "notify-reply"
    assert note.buttons[0][0].callback_data == "trk:comment:1"


async def test_complete_stores_the_photos_first(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.IN_PROGRESS))
    with pytest.raises(MissingField) as no_photos:
        await complete_job(uow, executor(), 1, T0, media=[], comment="Done")
    assert no_photos.value.field == "media_count"
    with pytest.raises(MissingField) as no_comment:
        await complete_job(uow, executor(), 1, T0, media=[photo()], comment=" ")
    assert no_comment.value.field == "comment"
    with pytest.raises(ValidationFailed):
        await complete_job(
            uow, executor(), 1, T0, media=[photo(n) for n in range(11)], comment="Done"
        )
    assert uow.media.rows == []

    transition = await complete_job(
        uow, executor(), 1, T0, media=[photo(1), photo(2)], comment="Replaced the siphon"
    )
    assert transition.new.status is RequestStatus.COMPLETED
    assert transition.history.payload["media_count"] == 2
    assert [(row[0], row[1], row[3]) for row in uow.media.rows] == [
        (EXECUTOR, MediaPurpose.COMPLETION, 1),
        (EXECUTOR, MediaPurpose.COMPLETION, 1),
    ]
    completed = [n for n in uow.outbox.notes if n.template == "notify-completed"]
    assert [m.file_id for m in completed[0].media] == ["file-1", "file-2"]


async def test_complete_in_the_wrong_state(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.ACCEPTED))
    with pytest.raises(InvalidTransition):
        await complete_job(uow, executor(), 1, T0, media=[photo()], comment="Done")
    assert uow.media.rows == []


# --------------------------------------------------------------------------- job card


async def test_assignment_sends_the_full_job_card(uow: FakeUow) -> None:
    uow.put(make_request(RequestStatus.NEW))
    uow.requests.media[(1, MediaPurpose.REQUEST)] = [MediaRef("photo", "req-1")]
    await _assign(uow)
    card = uow.outbox.notes[0]
    assert (card.chat_id, card.template) == (EXECUTOR, "notify-assigned-executor")
    assert card.params["address"] == "Navoi 5" and card.params["apartment"] == "12"
    assert card.params["kind"] == "apartment" and card.params["entrance"] == "1"
    assert card.params["category"] == {"key": "category-plumbing"}
    assert [m.file_id for m in card.media] == ["req-1"]
    assert [[b.callback_data for b in row] for row in card.buttons] == [
        ["job:accept:1", "job:decline:1"]
    ]


async def _assign(uow: FakeUow) -> None:
    await perform_action(uow, manager(), 1, Action.ASSIGN, T0, assignee_id=EXECUTOR)


def test_job_card_params_and_map_pin() -> None:
    job = JobInfo(
        category=Category.PLUMBING,
        urgency=Urgency.URGENT,
        address="Navoi 5",
        place_kind=PlaceKind.BASEMENT,
        access=AccessMode.CALL_FIRST,
        slot=TimeSlot.MORNING,
        resident_name="Dilnoza",
        resident_phone="+998901234567",
        description="x" * 600,
        lat=41.32,
        lon=69.25,
        accept_due=datetime(2025, 3, 10, 6, 0, tzinfo=ZoneInfo("UTC")),
        tz=TASHKENT,
    )
    params = job_card_params(job)
    assert params["map"] == "https://maps.google.com/?q=41.320000,69.250000"
    assert params["place"] == {"key": "place-basement"} and params["apartment"] == ""
    assert params["access"] == {"key": "access-call_first"}
    assert params["slot"] == {"key": "timeslot-morning"}
    assert params["accept_due"] == "10.03.2025 11:00" and params["complete_due"] == "—"
    assert len(str(params["description"])) == 500
    assert map_link(None, 69.0) is None
    assert format_due(None, TASHKENT) == "—"
    bare = job_card_params(
        JobInfo(
            category=Category.OTHER, urgency=Urgency.NORMAL, address="A", place_kind=PlaceKind.YARD
        )
    )
    assert bare["map"] == "—" and bare["name"] == "—" and bare["phone"] == "—"
    assert bare["access"] == {"key": "access-any_time"}


def test_a_card_without_details_still_has_every_line() -> None:
    event = RequestAssigned(
        request_id=1,
        number="250310-001",
        actor_id=None,
        actor_role=ActorRole.SYSTEM,
        at=T0,
        assignee_id=EXECUTOR,
        previous_assignee_id=None,
    )
    notes = notifications_for(event, Audience(request_id=1, number="250310-001", author_id=AUTHOR))
    card = notes[0]
    assert card.template == "notify-assigned-executor" and card.params["map"] == "—"
    assert notes[1].chat_id == AUTHOR  # the automation is nobody: the resident is told


def test_clarification_without_a_question_is_a_plain_pause() -> None:
    event = WorkPaused(
        request_id=1,
        number="250310-001",
        actor_id=EXECUTOR,
        actor_role=ActorRole.EXECUTOR,
        at=T0,
        hold_reason=HoldReason.CLARIFICATION,
        comment=None,
    )
    notes = notifications_for(event, Audience(request_id=1, number="250310-001", author_id=AUTHOR))
    assert [n.template for n in notes] == ["notify-paused"]


# --------------------------------------------------------------------------- auto-assignment


class FakeSource:
    def __init__(
        self,
        building: BuildingAssignment | None,
        candidates: list[ExecutorCandidate],
    ) -> None:
        self.building = building
        self.candidates = candidates

    async def building_assignment(self, building_id: int) -> BuildingAssignment | None:
        assert building_id == BUILDING
        return self.building

    async def executor_candidates(self) -> list[ExecutorCandidate]:
        return list(self.candidates)


PLUMBER = ExecutorCandidate(
    user_id=EXECUTOR,
    first_name="Bobur",
    specializations=frozenset({Specialization.PLUMBER}),
    on_duty=True,
    open_jobs=1,
    lat=41.32,
    lon=69.25,
)
IDLE_PLUMBER = ExecutorCandidate(
    user_id=OTHER_EXECUTOR,
    first_name="Sardor",
    specializations=frozenset({Specialization.PLUMBER}),
    on_duty=False,
)


async def test_auto_assignment_picks_an_on_duty_specialist() -> None:
    state = make_request(RequestStatus.NEW)
    source = FakeSource(BuildingAssignment(True, 41.3205, 69.2505), [IDLE_PLUMBER, PLUMBER])
    outcome = await plan_auto_assignment(source, state)
    assert outcome.enabled and outcome.chosen is not None
    assert outcome.chosen.user_id == EXECUTOR
    reason = reason_text(outcome.chosen)
    assert reason.startswith("auto: specialization(specialization=plumber); on-duty")
    assert "open-jobs(count=1)" in reason and "distance(km=0.1)" in reason


async def test_auto_assignment_with_nobody_suitable_or_switched_off() -> None:
    state = make_request(RequestStatus.NEW)
    nobody = await plan_auto_assignment(FakeSource(BuildingAssignment(True), [IDLE_PLUMBER]), state)
    assert nobody.enabled and nobody.chosen is None
    off = await plan_auto_assignment(FakeSource(BuildingAssignment(False), [PLUMBER]), state)
    assert not off.enabled and off.chosen is None
    missing = await plan_auto_assignment(FakeSource(None, [PLUMBER]), state)
    assert not missing.enabled


def test_the_system_may_assign_only_a_new_request() -> None:
    system = Actor.system()
    assigned = apply_action(
        make_request(RequestStatus.NEW), system, Action.ASSIGN, T0, assignee_id=EXECUTOR
    )
    assert assigned.new.status is RequestStatus.ASSIGNED
    assert assigned.history.actor_role is ActorRole.SYSTEM
    with pytest.raises(InvalidTransition):
        apply_action(
            make_request(RequestStatus.ACCEPTED),
            system,
            Action.ASSIGN,
            T0,
            assignee_id=OTHER_EXECUTOR,
        )
    with pytest.raises(MissingField):
        apply_action(make_request(RequestStatus.NEW), system, Action.ASSIGN, T0)


# --------------------------------------------------------------------------- filing with auto-assignment


async def test_filing_assigns_automatically_in_the_same_transaction() -> None:
    uow = FilingFakeUow()
    uow.jobs = FakeSource(BuildingAssignment(True, 41.32, 69.25), [IDLE_PLUMBER, PLUMBER])
    uow.requests.details_extra[42] = {"lat": 41.32, "lon": 69.25, "author_phone": "+998901234567"}
    filed = await file_request(uow, resident(), draft(), now=T0, calendar=CALENDAR)
    assert filed.status is RequestStatus.ASSIGNED and uow.commits == 1
    # the assignment is an ordinary change: the request locked, saved, its history, its row
    assert uow.requests.locked == [filed.id]
    assert uow.requests.states[filed.id].assignee_id == EXECUTOR
    [(kind, request_id, executor_id, reason)] = uow.requests.assignments
    assert (kind, request_id, executor_id) == ("start", filed.id, EXECUTOR)
    assert reason is not None and reason.startswith("auto: specialization(")
    assert [h.action for h in uow.filing.history] == [Action.CREATE]
    [assigned] = uow.requests.history
    assert assigned.action is Action.ASSIGN and assigned.actor_role is ActorRole.SYSTEM
    assert [type(e).__name__ for e in filed.events] == ["RequestCreated", "RequestAssigned"]

    sent = [(n.chat_id, n.template) for n in uow.outbox.notes]
    assert (EXECUTOR, "notify-assigned-executor") in sent
    assert (AUTHOR, "notify-status") in sent
    auto = [n for n in uow.outbox.notes if n.template == "job-auto-assigned"]
    assert [n.chat_id for n in auto] == [MANAGER, MANAGER + 1]
    assert auto[0].params["executor"] == "Bobur" and auto[0].params["count"] == 1
    assert auto[0].params["specialization"] == {"key": "specialization-plumber"}
    card = next(n for n in uow.outbox.notes if n.template == "notify-assigned-executor")
    assert card.params["map"] == "https://maps.google.com/?q=41.320000,69.250000"
    assert card.params["phone"] != "—" and len(card.media) == 2


async def test_filing_with_nobody_suitable_tells_the_managers() -> None:
    uow = FilingFakeUow()
    uow.jobs = FakeSource(BuildingAssignment(True), [IDLE_PLUMBER])
    filed = await file_request(uow, resident(), draft(), now=T0, calendar=CALENDAR)
    assert filed.status is RequestStatus.NEW
    assert uow.requests.locked == [] and uow.requests.assignments == []
    none = [n for n in uow.outbox.notes if n.template == "job-auto-none"]
    assert [n.chat_id for n in none] == [MANAGER, MANAGER + 1]
    assert "notify-assigned-executor" not in [n.template for n in uow.outbox.notes]
