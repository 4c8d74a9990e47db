"""Outage incidents: one building without water (power, lift, heating) at once.

A manager declares an incident on a building (category, text, target), or accepts a
*suggestion*: when ``outage_min_requests`` open requests of one category in one
building arrive within ``outage_window_minutes``, the building's managers get one
"possible outage" message (``after_filing``). While an incident is open, a resident
of the building who starts a request in its category is told at once and may follow
it instead of filing (``known_outages``, ``follow``); a request filed anyway is linked
to it. Linked requests keep the incident's target as their deadline
(``domain.schedule.SlaClocks.incident_due``). Updates and the resolution reach every
linked resident and follower through the outbox; resolving closes or returns the
linked requests through the lifecycle (``record_action``: their history says so).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.access import NOT_AVAILABLE, Actor
from domain.clock import ensure_utc
from domain.enums import Action, Category
from domain.errors import NotAllowed, ValidationFailed
from domain.lifecycle import OPEN_STATUSES
from domain.services.deadlines import reschedule
from domain.services.desk_settings import DeskSettings
from domain.services.notifications import Button, Notification, Priority, tr
from domain.services.request_notifications import format_due
from domain.services.requests import RequestsUnitOfWork, record_action
from domain.services.users import AuditLog

__all__ = [
    "MAX_TEXT",
    "SUGGEST_DECLARE_DATA",
    "SUGGEST_DISMISS_DATA",
    "TARGET_HOURS",
    "IncidentRepository",
    "IncidentView",
    "IncidentsUnitOfWork",
    "Resolution",
    "Suggestion",
    "after_filing",
    "declare",
    "dismiss_suggestion",
    "find_buildings",
    "follow",
    "is_cluster",
    "known_outages",
    "link_matching",
    "only_building",
    "open_incident",
    "open_incidents",
    "pending_suggestion",
    "post_update",
    "resolve",
]

MAX_TEXT = 1000
"""Longest incident text or update a manager may send."""

TARGET_HOURS: tuple[int, ...] = (2, 4, 8, 24)
"""The targets a manager picks from when declaring (hours from now)."""

SUGGEST_DECLARE_DATA = "inc:sd:{suggestion_id}"
SUGGEST_DISMISS_DATA = "inc:sx:{suggestion_id}"

ERROR_EMPTY = "incident-error-empty"
ERROR_TOO_LONG = "incident-error-too-long"
ERROR_ALREADY_OPEN = "incident-error-already-open"
ERROR_RESOLVED = "incident-error-resolved"
ERROR_DECIDED = "incident-error-suggestion-decided"
ERROR_EXPIRED = "incident-error-suggestion-expired"
ERROR_TARGET = "incident-error-target"


class Resolution(StrEnum):
    """What resolving does to the linked requests still open."""

    CLOSE = "close"
    RETURN = "return"


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: int
    building_id: int
    address: str
    category: Category
    text: str
    declared_at: datetime
    due_at: datetime
    open: bool
    linked: int = 0
    """Requests linked (any status)."""
    followers: int = 0
    resolution: Resolution | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    building_id: int
    category: Category
    request_ids: tuple[int, ...]
    first_at: datetime
    created_at: datetime
    pending: bool
    expired: bool  # left unanswered past the outage window, then replaced by a newer one

    def ensure_pending(self) -> None:
        """A manager's press on it is still a decision to take."""
        if not self.pending:
            raise ValidationFailed(ERROR_EXPIRED if self.expired else ERROR_DECIDED)


@dataclass(frozen=True, slots=True)
class ResolveResult:
    incident: IncidentView
    closed: int
    returned: int
    notified: int


# --------------------------------------------------------------------------- ports


class IncidentRepository(Protocol):
    async def get(self, incident_id: int, *, for_update: bool = False) -> IncidentView | None: ...
    async def open_for(self, building_id: int, category: Category) -> IncidentView | None: ...
    async def open_in(
        self, building_ids: Sequence[int] | None, category: Category | None = None
    ) -> list[IncidentView]:
        """Open incidents of these buildings (``None``: all), oldest first."""
        ...

    async def create(
        self,
        building_id: int,
        category: Category,
        text: str,
        by: int,
        at: datetime,
        due_at: datetime,
    ) -> int | None:
        """The new incident's id; ``None`` when one is already open for the pair."""
        ...

    async def link(self, incident_id: int, request_ids: Sequence[int], at: datetime) -> list[int]:
        """Link the requests not linked to any incident yet; those newly linked."""
        ...

    async def linked_open_requests(self, incident_id: int) -> list[int]: ...
    async def linked_authors(self, incident_id: int) -> list[int]: ...
    async def followers(self, incident_id: int) -> list[int]: ...
    async def follow(self, incident_id: int, user_id: int, at: datetime) -> bool:
        """Whether the user was not following yet."""
        ...

    async def count_update(self, incident_id: int) -> None: ...
    async def resolve(
        self, incident_id: int, by: int, at: datetime, resolution: Resolution, text: str
    ) -> bool:
        """Mark the incident resolved if it is still open (the first of two wins)."""
        ...

    async def cluster(
        self, building_id: int, category: Category, since: datetime
    ) -> list[tuple[int, datetime]]:
        """Open requests of the pair filed since ``since``, linked to no incident and
        counted by no suggestion: (id, created_at), oldest first."""
        ...

    async def matching_open_requests(
        self, building_id: int, category: Category, since: datetime | None = None
    ) -> list[int]:
        """Open requests of the pair linked to no incident (filed since ``since``)."""
        ...

    async def add_suggestion(
        self,
        building_id: int,
        category: Category,
        request_ids: Sequence[int],
        first_at: datetime,
        at: datetime,
    ) -> int | None:
        """The new suggestion's id; ``None`` when one is already pending for the pair."""
        ...

    async def suggestion(
        self, suggestion_id: int, *, for_update: bool = False
    ) -> Suggestion | None: ...
    async def decide_suggestion(
        self, suggestion_id: int, state: str, by: int, at: datetime, incident_id: int | None
    ) -> None: ...
    async def expire_suggestions(
        self, building_id: int, category: Category, before: datetime
    ) -> None:
        """Pending suggestions of the pair made before ``before`` are no longer pending."""
        ...

    async def address_of(self, building_id: int) -> str: ...
    async def lock_pair(self, building_id: int, category: Category) -> None:
        """Until the commit, no other transaction decides about this building and
        category (an advisory lock: suggesting, declaring)."""
        ...

    async def buildings(
        self, building_ids: Sequence[int] | None, limit: int, query: str = ""
    ) -> list[tuple[int, str]]:
        """(id, address) of these buildings (``None``: any) whose address contains
        ``query`` (any case), by address."""
        ...


class IncidentsUnitOfWork(RequestsUnitOfWork, Protocol):
    @property
    def incidents(self) -> IncidentRepository: ...
    @property
    def audit(self) -> AuditLog: ...


# --------------------------------------------------------------------------- rules


def is_cluster(created: Sequence[datetime], count: int, window: timedelta) -> bool:
    """Whether ``count`` of the instants fall within one ``window``."""
    if count < 1 or len(created) < count:
        return False
    ordered = sorted(created)
    return any(
        ordered[i + count - 1] - ordered[i] <= window for i in range(len(ordered) - count + 1)
    )


def clean_text(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationFailed(ERROR_EMPTY)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(ERROR_TOO_LONG, max=MAX_TEXT, length=len(value))
    return value


def _ensure_manager(actor: Actor, building_id: int) -> None:
    if not actor.is_manager_of(building_id):
        raise NotAllowed(NOT_AVAILABLE)


async def _managed(uow: IncidentsUnitOfWork, actor: Actor, incident_id: int) -> IncidentView:
    incident = await uow.incidents.get(incident_id, for_update=True)
    if incident is None:
        raise NotAllowed(NOT_AVAILABLE)
    _ensure_manager(actor, incident.building_id)
    return incident


def _to_everyone(person: int, template: str, params: dict[str, object]) -> Notification:
    """An incident's news to all its residents and followers: bulk, so the assignments and
    status changes of the desk go out first (``Priority``)."""
    return Notification(
        chat_id=person, user_id=person, template=template, params=params, priority=Priority.BULK
    )


def _params(incident: IncidentView, tz: ZoneInfo) -> dict[str, object]:
    return {
        "incident": incident.id,
        "address": incident.address,
        "category": tr(f"incident-category-{incident.category.value}"),
        "since": format_due(incident.declared_at, tz),
        "due": format_due(incident.due_at, tz),
        "text": incident.text,
    }


async def _pin(
    uow: IncidentsUnitOfWork, request_id: int, due: datetime | None, now: datetime
) -> None:
    """The request's deadlines follow the incident's target (or, ``None``, their own again)."""
    state = await uow.requests.get_state(request_id)
    if state is None:
        return
    clocks = dataclasses.replace(await uow.schedule.clocks(request_id), incident_due=due)
    follow_up = await uow.schedule.open_follow_up(request_id)
    await reschedule(uow.schedule, state, now, clocks=clocks, follow_up=follow_up)


LINK_BATCH = 20
"""Requests linked per transaction: a big outage does not hold its requests (or the
residents filing meanwhile) for the whole linking."""


async def _link(
    uow: IncidentsUnitOfWork,
    actor: Actor,
    incident: IncidentView,
    request_ids: Sequence[int],
    now: datetime,
    tz: ZoneInfo,
) -> int:
    """Link the open ones of the requests (history: ``link_incident``), pin their
    deadlines to the incident's target and tell their residents, committing every
    ``LINK_BATCH``; how many were linked."""
    total = 0
    for start in range(0, len(request_ids), LINK_BATCH):
        # Each batch under the pair's lock, as resolving takes it: a batch after the
        # incident was resolved links nothing.
        await uow.incidents.lock_pair(incident.building_id, incident.category)
        current = await uow.incidents.get(incident.id)
        if current is None or not current.open:
            await uow.commit()
            break
        states = {}
        for request_id in request_ids[start : start + LINK_BATCH]:
            state = await uow.requests.get_state(request_id, for_update=True)
            if state is not None and state.status in OPEN_STATUSES:
                states[request_id] = state
        authors: set[int] = set()
        for request_id in await uow.incidents.link(incident.id, sorted(states), now):
            await record_action(
                uow, actor, request_id, Action.LINK_INCIDENT, now, incident_id=incident.id
            )
            await _pin(uow, request_id, incident.due_at, now)
            authors.add(states[request_id].author_id)
            total += 1
        await uow.outbox.add(
            *(
                Notification.to_user(author, "incident-linked", **_params(incident, tz))
                for author in sorted(authors)
            )
        )
        await uow.commit()
    return total


# --------------------------------------------------------------------------- residents


async def known_outages(
    uow: IncidentsUnitOfWork, actor: Actor, category: Category
) -> list[IncidentView]:
    """Open incidents of ``category`` in the actor's home buildings."""
    if not actor.home_building_ids:
        return []
    return await uow.incidents.open_in(sorted(actor.home_building_ids), category)


async def follow(
    uow: IncidentsUnitOfWork, actor: Actor, incident_id: int, now: datetime
) -> IncidentView:
    """The resident follows the incident instead of filing (twice: still once)."""
    incident = await uow.incidents.get(incident_id)
    if incident is None or incident.building_id not in actor.home_building_ids:
        raise NotAllowed(NOT_AVAILABLE)
    if not incident.open:
        raise ValidationFailed(ERROR_RESOLVED)
    await uow.incidents.follow(incident_id, actor.user_id, ensure_utc(now, "now"))
    await uow.commit()
    return incident


# --------------------------------------------------------------------------- after filing


async def after_filing(
    uow: IncidentsUnitOfWork,
    request_id: int,
    now: datetime,
    settings: DeskSettings,
    tz: ZoneInfo,
) -> str | None:
    """A request was filed: link it to its building's open incident of the category,
    or suggest an incident to the managers when it completes a cluster. Commits;
    ``"linked"``, ``"suggested"`` or ``None``."""
    now = ensure_utc(now, "now")
    state = await uow.requests.get_state(request_id)
    if state is None or state.status not in OPEN_STATUSES:
        return None
    # One decision at a time per building and category, across processes: a request
    # filed while a manager declares waits for the incident and is linked to it.
    await uow.incidents.lock_pair(state.building_id, state.category)
    incident = await uow.incidents.open_for(state.building_id, state.category)
    if incident is not None:
        linked = await _link(uow, Actor.system(), incident, [request_id], now, tz)
        return "linked" if linked else None
    window = timedelta(minutes=settings.outage_window_minutes)
    recent = await uow.incidents.cluster(state.building_id, state.category, now - window)
    count = settings.outage_min_requests
    if not is_cluster([at for _id, at in recent], count, window):
        return None
    ids = [request for request, _at in recent]
    first_at = min(at for _id, at in recent)
    # a suggestion nobody answered within the window no longer stands for this outage
    await uow.incidents.expire_suggestions(state.building_id, state.category, now - window)
    suggestion_id = await uow.incidents.add_suggestion(
        state.building_id, state.category, ids, first_at, now
    )
    if suggestion_id is None:  # another process suggested it already
        return None
    minutes = max(1, round((max(at for _id, at in recent) - first_at).total_seconds() / 60))
    address = await uow.incidents.address_of(state.building_id)
    buttons = (
        (
            Button(
                "incident-btn-declare",
                callback_data=SUGGEST_DECLARE_DATA.format(suggestion_id=suggestion_id),
            ),
            Button(
                "incident-btn-not-related",
                callback_data=SUGGEST_DISMISS_DATA.format(suggestion_id=suggestion_id),
            ),
        ),
    )
    managers = await uow.directory.managers_of(state.building_id)
    await uow.outbox.add(
        *(
            dataclasses.replace(
                Notification.to_user(
                    manager,
                    "incident-suggestion",
                    address=address,
                    category=tr(f"incident-category-{state.category.value}"),
                    count=len(ids),
                    minutes=minutes,
                    since=format_due(first_at, tz),
                ),
                buttons=buttons,
                dedupe_key=f"incident-suggestion:{suggestion_id}:{manager}",
            )
            for manager in managers
        )
    )
    await uow.commit()
    return "suggested"


async def pending_suggestion(
    uow: IncidentsUnitOfWork, actor: Actor, suggestion_id: int
) -> Suggestion:
    suggestion = await uow.incidents.suggestion(suggestion_id)
    if suggestion is None:
        raise NotAllowed(NOT_AVAILABLE)
    _ensure_manager(actor, suggestion.building_id)
    suggestion.ensure_pending()
    return suggestion


async def dismiss_suggestion(
    uow: IncidentsUnitOfWork, actor: Actor, suggestion_id: int, now: datetime
) -> Suggestion:
    """ "Not related": the counted requests stay as they are and are not counted again."""
    suggestion = await uow.incidents.suggestion(suggestion_id, for_update=True)
    if suggestion is None:
        raise NotAllowed(NOT_AVAILABLE)
    _ensure_manager(actor, suggestion.building_id)
    suggestion.ensure_pending()
    await uow.incidents.decide_suggestion(suggestion_id, "dismissed", actor.user_id, now, None)
    await uow.commit()
    return suggestion


# --------------------------------------------------------------------------- managers


async def declare(
    uow: IncidentsUnitOfWork,
    actor: Actor,
    *,
    building_id: int,
    category: Category,
    text: str | None,
    hours: int,
    now: datetime,
    tz: ZoneInfo,
    suggestion_id: int | None = None,
) -> IncidentView:
    """Declare an outage. From a suggestion, the requests it counted and those of the
    building and category filed since (still open) are linked."""
    now = ensure_utc(now, "now")
    _ensure_manager(actor, building_id)
    body = clean_text(text)
    if hours not in TARGET_HOURS:
        raise ValidationFailed(ERROR_TARGET)
    # The pair's lock first, as a filing's outage check takes it (which may then expire
    # the suggestion): the other order deadlocks with it.
    await uow.incidents.lock_pair(building_id, category)
    suggestion: Suggestion | None = None
    if suggestion_id is not None:
        suggestion = await uow.incidents.suggestion(suggestion_id, for_update=True)
        if (
            suggestion is None
            or suggestion.building_id != building_id
            or suggestion.category is not category
        ):
            raise NotAllowed(NOT_AVAILABLE)
        suggestion.ensure_pending()
    incident_id = await uow.incidents.create(
        building_id, category, body, actor.user_id, now, now + timedelta(hours=hours)
    )
    if incident_id is None:
        raise ValidationFailed(ERROR_ALREADY_OPEN)
    incident = await uow.incidents.get(incident_id)
    assert incident is not None
    await uow.audit.record(
        actor.user_id,
        "incident.declared",
        "incident",
        str(incident_id),
        {
            "building_id": building_id,
            "category": category.value,
            "hours": hours,
            "suggestion_id": suggestion_id,
        },
    )
    ids: list[int] = []
    if suggestion is not None:
        await uow.incidents.decide_suggestion(
            suggestion.id, "declared", actor.user_id, now, incident_id
        )
        # the requests it counted, and those of the same outage filed since
        since = await uow.incidents.matching_open_requests(
            building_id, category, since=suggestion.first_at
        )
        ids = sorted({*suggestion.request_ids, *since})
    await uow.commit()  # the incident is open: new requests are linked from now on
    linked = await _link(uow, actor, incident, ids, now, tz)
    return dataclasses.replace(incident, linked=linked)


async def open_incidents(uow: IncidentsUnitOfWork, actor: Actor) -> list[IncidentView]:
    """The desk's queue of open incidents (an admin: all buildings)."""
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    scope = None if actor.is_admin else sorted(actor.managed_building_ids)
    return await uow.incidents.open_in(scope)


MAX_BUILDINGS = 8
"""Buildings offered for an address search when declaring from the desk."""
ERROR_NO_BUILDING = "incident-error-no-building"


def only_building(actor: Actor) -> int | None:
    """The one building a manager runs (declaring skips the search), else ``None``."""
    if not actor.is_admin and len(actor.managed_building_ids) == 1:
        return next(iter(actor.managed_building_ids))
    return None


async def find_buildings(
    uow: IncidentsUnitOfWork, actor: Actor, query: str | None
) -> list[tuple[int, str]]:
    """Buildings the actor may declare an incident on whose address contains ``query``."""
    if not actor.is_staff_manager:
        raise NotAllowed(NOT_AVAILABLE)
    text = " ".join((query or "").split())[:100]
    if not text:
        raise ValidationFailed(ERROR_NO_BUILDING)
    scope = None if actor.is_admin else sorted(actor.managed_building_ids)
    found = await uow.incidents.buildings(scope, MAX_BUILDINGS, text)
    if not found:
        raise ValidationFailed(ERROR_NO_BUILDING)
    return found


async def open_incident(uow: IncidentsUnitOfWork, actor: Actor, incident_id: int) -> IncidentView:
    incident = await uow.incidents.get(incident_id)
    if incident is None:
        raise NotAllowed(NOT_AVAILABLE)
    _ensure_manager(actor, incident.building_id)
    return incident


async def _audience(uow: IncidentsUnitOfWork, incident_id: int) -> list[int]:
    people = dict.fromkeys(await uow.incidents.linked_authors(incident_id))
    people.update(dict.fromkeys(await uow.incidents.followers(incident_id)))
    return list(people)


async def post_update(
    uow: IncidentsUnitOfWork,
    actor: Actor,
    incident_id: int,
    text: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> int:
    """Send the manager's update to every linked resident and follower; how many."""
    body = clean_text(text)
    incident = await _managed(uow, actor, incident_id)
    if not incident.open:
        raise ValidationFailed(ERROR_RESOLVED)
    people = await _audience(uow, incident_id)
    await uow.incidents.count_update(incident_id)
    params = {**_params(incident, tz), "update": body}
    await uow.outbox.add(*(_to_everyone(person, "incident-update", params) for person in people))
    await uow.commit()
    return len(people)


async def link_matching(
    uow: IncidentsUnitOfWork, actor: Actor, incident_id: int, now: datetime, tz: ZoneInfo
) -> int:
    """Link the building's open requests of the category that are not linked yet."""
    now = ensure_utc(now, "now")
    incident = await _managed(uow, actor, incident_id)
    if not incident.open:
        raise ValidationFailed(ERROR_RESOLVED)
    candidates = await uow.incidents.matching_open_requests(incident.building_id, incident.category)
    await uow.commit()  # the incident's row lock is not held while linking
    return await _link(uow, actor, incident, candidates, now, tz)


async def resolve(
    uow: IncidentsUnitOfWork,
    actor: Actor,
    incident_id: int,
    resolution: Resolution,
    text: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> ResolveResult:
    """Resolve the incident: its linked open requests are closed (or returned to the
    desk, their own deadlines again) through the lifecycle, and everyone linked or
    following hears of it. Of two managers resolving at once, the second is told."""
    now = ensure_utc(now, "now")
    body = clean_text(text)
    found = await uow.incidents.get(incident_id)
    if found is not None:  # first: a request filed meanwhile waits, then files alone
        await uow.incidents.lock_pair(found.building_id, found.category)
    incident = await _managed(uow, actor, incident_id)
    if not incident.open or not await uow.incidents.resolve(
        incident_id, actor.user_id, now, resolution, body
    ):
        raise ValidationFailed(ERROR_RESOLVED)
    people = await _audience(uow, incident_id)
    closed_authors: set[int] = set()  # they hear it from their request's closure
    open_authors: set[int] = set()  # their request stays open with its own deadlines
    closed = returned = 0
    for request_id in await uow.incidents.linked_open_requests(incident_id):
        if resolution is Resolution.CLOSE:
            transition = await record_action(
                uow,
                actor,
                request_id,
                Action.CLOSE_BY_INCIDENT,
                now,
                comment=body,
                incident_id=incident_id,
            )
            closed_authors.add(transition.new.author_id)
            closed += 1
        else:
            state = await uow.requests.get_state(request_id)
            if state is not None and state.status in OPEN_STATUSES:
                await record_action(
                    uow,
                    actor,
                    request_id,
                    Action.RETURN_FROM_INCIDENT,
                    now,
                    incident_id=incident_id,
                )
                open_authors.add(state.author_id)
                returned += 1
            # (a completed one waits for its resident as before: nothing to return)
            await _pin(uow, request_id, None, now)
    params = {**_params(incident, tz), "update": body}
    notes = [
        _to_everyone(
            person,
            "incident-resolved-open" if person in open_authors else "incident-resolved",
            params,
        )
        for person in people
        if person not in closed_authors
    ]
    await uow.outbox.add(*notes)
    await uow.audit.record(
        actor.user_id,
        "incident.resolved",
        "incident",
        str(incident_id),
        {"resolution": resolution.value, "closed": closed, "returned": returned},
    )
    await uow.commit()
    return ResolveResult(
        incident=dataclasses.replace(incident, open=False, resolution=resolution),
        closed=closed,
        returned=returned,
        notified=len(notes) + len(closed_authors),
    )
