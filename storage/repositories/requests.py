"""Requests after filing: state for transitions, history, lists, comments, ratings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType

from domain.enums import (
    AccessMode,
    Action,
    ActorRole,
    Category,
    CommentVisibility,
    FollowUpReason,
    HoldReason,
    MediaKind,
    MediaPurpose,
    PlaceKind,
    RequestStatus,
    TimeSlot,
    Urgency,
)
from domain.lifecycle import HistoryEntry, RequestState
from domain.schedule import SlaClocks
from domain.services.deadlines import OpenFollowUp
from domain.services.notifications import MediaRef
from domain.services.requests import (
    ChangeContext,
    CommentItem,
    HistoryItem,
    RequestDetails,
    RequestSummary,
)
from storage.log_context import bind_log_context
from storage.models import (
    Apartment,
    Assignment,
    Building,
    Comment,
    Entrance,
    FollowUp,
    Media,
    Rating,
    Request,
    RequestHistory,
    RequestWatcher,
    StaffPost,
    User,
    table_of,
)
from storage.repositories.directory import managers_of_building


def sla_clocks(row: Any) -> SlaClocks:
    """The SLA clocks stored with a request row (columns as ``Request`` names them)."""
    return SlaClocks(
        accept_from=row.accept_clock_from or row.created_at,
        complete_from=row.complete_clock_from or row.created_at,
        accept_extension=timedelta(seconds=row.accept_extension_seconds),
        complete_extension=timedelta(seconds=row.complete_extension_seconds),
        auto_accept_from=row.auto_accept_from,
        incident_due=row.incident_due_at,
    )


def request_state(row: Any, rating: int | None) -> RequestState:
    return RequestState(
        id=row.id,
        number=row.number,
        status=RequestStatus(row.status),
        author_id=row.author_id,
        building_id=row.building_id,
        apartment_id=row.apartment_id,
        category=Category(row.category),
        urgency=Urgency(row.urgency),
        assignee_id=row.assignee_id,
        created_at=row.created_at,
        assigned_at=row.assigned_at,
        accepted_at=row.accepted_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        closed_at=row.closed_at,
        hold_started_at=row.hold_started_at,
        hold_reason=HoldReason(row.hold_reason) if row.hold_reason else None,
        held_seconds=row.held_seconds,
        rating=rating,
    )


def _state_statements(*extra: Any) -> tuple[Select[Any], Select[Any]]:
    """The request row with its rating (and ``extra`` columns), plain and locked.

    The lock takes only the request row: concurrent transitions of it queue up there.
    The row comes as columns, not an ORM object (whose loading and identity map cost
    more than the statement): its first ``len(_REQUEST_COLUMNS)`` are the request's,
    then the rating, then ``extra``.
    """
    stmt = (
        select(*_REQUEST_COLUMNS, Rating.stars.label("stars"), *extra)
        .outerjoin(Rating, Rating.request_id == Request.id)
        .where(Request.id == bindparam("request_id"))
    )
    return stmt, stmt.with_for_update(of=table_of(Request))


_REQUEST_COLUMNS = tuple(table_of(Request).c)
_EXTRA = len(_REQUEST_COLUMNS) + 1  # where a state statement's extra columns start


_STATE, _STATE_FOR_UPDATE = _state_statements()
_WATCHERS = func.array(
    select(RequestWatcher.user_id)
    .where(RequestWatcher.request_id == Request.id)
    .order_by(RequestWatcher.created_at, RequestWatcher.user_id)
    .scalar_subquery(),
    type_=ARRAY(BigInteger),
)
_STATE_AND_WATCHERS, _ = _state_statements(_WATCHERS)


def _rows(*columns: Any, where: Any, order_by: Any, join: Any = None) -> Any:
    """Every matching row as one array of records, decoded by the driver into tuples:
    a card's lists come with its row instead of a statement each."""
    rows = select(func.row(*columns))
    if join is not None:
        rows = rows.join(*join)
    return func.array(rows.where(where).order_by(*order_by).scalar_subquery(), type_=NullType())


def _open_follow_ups(request_id: Any = Request.id) -> Any:
    return _rows(
        FollowUp.id,
        FollowUp.reason,
        FollowUp.opened_at,
        FollowUp.due_at,
        where=and_(FollowUp.request_id == request_id, FollowUp.closed_at.is_(None)),
        order_by=(FollowUp.id,),
    )


def _open_follow_up(rows: Any) -> OpenFollowUp | None:
    return next(
        (
            OpenFollowUp(id_, FollowUpReason(reason), opened_at, due_at)
            for id_, reason, opened_at, due_at in rows
        ),
        None,
    )


def _details_statement() -> Select[Any]:
    executor = table_of(User).alias("executor")
    author = table_of(User).alias("author")
    media_count = (
        select(func.count())
        .select_from(Media)
        .where(Media.request_id == Request.id)
        .scalar_subquery()
    )
    history = _rows(
        RequestHistory.action,
        RequestHistory.from_status,
        RequestHistory.to_status,
        RequestHistory.actor_id,
        RequestHistory.actor_role,
        RequestHistory.at,
        RequestHistory.reason,
        RequestHistory.payload,
        where=RequestHistory.request_id == Request.id,
        order_by=(RequestHistory.at, RequestHistory.id),
    )
    commenter = table_of(User).alias("commenter")
    comments = _rows(
        Comment.author_id,
        commenter.c.first_name,
        Comment.visibility,
        Comment.text,
        Comment.created_at,
        join=(commenter, commenter.c.id == Comment.author_id),
        where=Comment.request_id == Request.id,
        order_by=(Comment.created_at, Comment.id),
    )
    follow_up = _open_follow_ups()
    return (
        select(
            *_REQUEST_COLUMNS,
            Rating.stars.label("stars"),
            Building.address,
            Apartment.number.label("apartment_number"),
            Entrance.number.label("entrance_number"),
            executor.c.first_name,
            Rating.text,
            Building.lat,
            Building.lon,
            func.coalesce(author.c.full_name, author.c.first_name),
            author.c.phone,
            media_count,
            history,
            comments,
            _WATCHERS,
            follow_up,
        )
        .join(Building, Building.id == Request.building_id)
        .join(author, author.c.id == Request.author_id)
        .outerjoin(Apartment, Apartment.id == Request.apartment_id)
        .outerjoin(
            Entrance,
            Entrance.id == func.coalesce(Request.entrance_id, Apartment.entrance_id),
        )
        .outerjoin(executor, executor.c.id == Request.assignee_id)
        .outerjoin(Rating, Rating.request_id == Request.id)
        .where(Request.id == bindparam("request_id"))
    )


# Cards are rendered on almost every update: their statements are built once
# (building a five-join select and its cache key anew cost more than running it),
# and a card, with its history, comments and watchers, is one statement.
_DETAILS = _details_statement()
# Writes every transition makes, as Core statements built once: an ORM ``add`` and
# ``flush`` cost twice the CPU of the same INSERT (unit-of-work bookkeeping per row).
_INSERT_HISTORY = insert(table_of(RequestHistory)).returning(table_of(RequestHistory).c.id)
_INSERT_ASSIGNMENT = insert(table_of(Assignment))


_STATE_COLUMNS = (
    "status",
    "assignee_id",
    "category",
    "urgency",
    "assigned_at",
    "accepted_at",
    "started_at",
    "completed_at",
    "closed_at",
    "hold_started_at",
    "hold_reason",
    "held_seconds",
)
_HISTORY_COLUMNS = (
    "request_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_role",
    "reason",
    "payload",
    "at",
)


def _save_change_statement() -> Any:
    """The request's new state and its history entry as one statement: every
    transition writes both, and two statements cost two round trips and, through the
    ORM, a bulk UPDATE's bookkeeping. It returns the request's open follow-up for the
    re-plan: read here, after the lock was taken, it includes one a change that held
    the lock before us opened (the lock's own statement sees only the request row anew,
    not other tables)."""
    requests, history = table_of(Request), table_of(RequestHistory)
    changed = (
        update(requests)
        .where(requests.c.id == bindparam("request_id"))
        .values(
            {name: bindparam(name, type_=requests.c[name].type) for name in _STATE_COLUMNS}
            | {"updated_at": func.now()}
        )
        .returning(requests.c.id)
        .cte("changed")
    )
    entry = [name for name in _HISTORY_COLUMNS if name != "request_id"]
    return (
        insert(history)
        .from_select(
            ["request_id", *entry],
            select(
                changed.c.id,
                *(bindparam(f"h_{name}", type_=history.c[name].type) for name in entry),
            ),
        )
        .returning(history.c.id, _open_follow_ups(bindparam("request_id")))
    )


_SAVE_CHANGE = _save_change_statement()
_ADD_RATING = insert(table_of(Rating))


def _history_row(entry: HistoryEntry) -> dict[str, Any]:
    payload: dict[str, object] = dict(entry.payload)
    text = entry.reason or entry.comment
    if entry.reason and entry.comment:
        payload["comment"] = entry.comment
    return {
        "request_id": entry.request_id,
        "action": entry.action.value,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "reason": text,
        "payload": payload,
        "at": entry.at,
    }


async def insert_history(session: AsyncSession, entry: HistoryEntry) -> int:
    """The write of a history entry without a change of state (filing's)."""
    return int((await session.execute(_INSERT_HISTORY, _history_row(entry))).scalar_one())


async def insert_assignment(
    session: AsyncSession,
    request_id: int,
    executor_id: int,
    *,
    by: int | None,
    at: datetime,
    reason: str | None,
) -> None:
    """The one write of an executor's assignment, wherever it starts (desk, pool, filing)."""
    await session.execute(
        _INSERT_ASSIGNMENT,
        {
            "request_id": request_id,
            "executor_id": executor_id,
            "assigned_by": by,
            "assigned_at": at,
            "reason": reason,
        },
    )


_FIRST_NAME = select(User.first_name).where(User.id == bindparam("user_id"))
_MEDIA_OF = (
    select(Media.kind, Media.file_id)
    .where(Media.request_id == bindparam("request_id"), Media.purpose == bindparam("purpose"))
    .order_by(Media.id)
)
_COUNT_MEDIA = (
    select(func.count()).select_from(Media).where(Media.request_id == bindparam("request_id"))
)
_COUNT_MEDIA_FOR = _COUNT_MEDIA.where(Media.purpose == bindparam("purpose"))


def _change_context_statement() -> Select[Any]:
    managers = func.array(
        managers_of_building(Request.building_id).scalar_subquery(), type_=ARRAY(BigInteger)
    )
    staff_posts = _rows(
        StaffPost.chat_id,
        StaffPost.message_id,
        where=StaffPost.request_id == Request.id,
        order_by=(StaffPost.chat_id,),
    )
    # A subquery, not a join: when the row was changed while this statement waited for
    # its lock, PostgreSQL re-evaluates subqueries with the new assignee but keeps the
    # joined rows of the old one.
    assignee_name = select(User.first_name).where(User.id == Request.assignee_id).scalar_subquery()
    _, locked = _state_statements(
        _WATCHERS,
        managers,
        assignee_name,
        Building.address,
        Apartment.number.label("apartment_number"),
        staff_posts,
    )
    return locked.join(Building, Building.id == Request.building_id).outerjoin(
        Apartment, Apartment.id == Request.apartment_id
    )


# Every transition runs it first.
_CHANGE_CONTEXT = _change_context_statement()


class SqlRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ------------------------------------------------------------------ state

    async def get_state(self, request_id: int, *, for_update: bool = False) -> RequestState | None:
        stmt = _STATE_FOR_UPDATE if for_update else _STATE
        found = (await self.session.execute(stmt, {"request_id": request_id})).first()
        if found is None:
            return None
        return request_state(found, found.stars)

    async def save_change(self, state: RequestState, entry: HistoryEntry) -> OpenFollowUp | None:
        """The request's new state and the history entry of its change; the follow-up
        open after it (see ``_save_change_statement``)."""
        values = {name: getattr(state, name) for name in _STATE_COLUMNS}
        params = values | {f"h_{name}": value for name, value in _history_row(entry).items()}
        params["request_id"] = state.id
        _entry_id, follow_ups = (await self.session.execute(_SAVE_CHANGE, params)).one()
        return _open_follow_up(follow_ups)

    async def state_and_watchers(self, request_id: int) -> tuple[RequestState, list[int]] | None:
        """``get_state`` and ``watchers_of`` in one statement (every card and action needs both)."""
        found = (
            await self.session.execute(_STATE_AND_WATCHERS, {"request_id": request_id})
        ).first()
        if found is None:
            return None
        return request_state(found, found.stars), list(found[_EXTRA] or ())

    async def lock_for_change(self, request_id: int) -> ChangeContext | None:
        found = (await self.session.execute(_CHANGE_CONTEXT, {"request_id": request_id})).first()
        if found is None:
            return None
        watchers, managers, assignee_name, address, apartment, posts = found[_EXTRA:]
        bind_log_context(request=found.number)
        return ChangeContext(
            state=request_state(found, found.stars),
            clocks=sla_clocks(found),
            watcher_ids=tuple(watchers or ()),
            manager_ids=tuple(managers or ()),
            assignee_name=assignee_name or None,
            address=address,
            apartment_number=apartment,
            staff_posts=tuple((int(chat), int(message)) for chat, message in posts),
        )

    async def watchers_of(self, request_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(RequestWatcher.user_id)
            .where(RequestWatcher.request_id == request_id)
            .order_by(RequestWatcher.created_at, RequestWatcher.user_id)
        )
        return list(rows)

    # ------------------------------------------------------------ assignment

    async def end_assignment(self, request_id: int, at: datetime, reason: str) -> None:
        await self.session.execute(
            update(Assignment)
            .where(Assignment.request_id == request_id, Assignment.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
        )

    async def start_assignment(
        self,
        request_id: int,
        executor_id: int,
        *,
        by: int | None,
        at: datetime,
        reason: str | None,
    ) -> None:
        await insert_assignment(self.session, request_id, executor_id, by=by, at=at, reason=reason)

    # ------------------------------------------------------ ratings, comments

    async def add_rating(
        self, request_id: int, resident_id: int, stars: int, text: str | None
    ) -> None:
        await self.session.execute(
            _ADD_RATING,
            {"request_id": request_id, "resident_id": resident_id, "stars": stars, "text": text},
        )

    async def add_comment(
        self,
        request_id: int,
        author_id: int,
        visibility: CommentVisibility,
        text: str,
        at: datetime,
    ) -> int:
        row = Comment(
            request_id=request_id,
            author_id=author_id,
            visibility=visibility,
            text=text,
            created_at=at,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def media_of(self, request_id: int, purpose: MediaPurpose) -> list[MediaRef]:
        rows = await self.session.execute(_MEDIA_OF, {"request_id": request_id, "purpose": purpose})
        return [MediaRef(MediaKind(kind).value, file_id) for kind, file_id in rows.all()]

    async def count_media(self, request_id: int, purpose: MediaPurpose | None = None) -> int:
        if purpose is None:
            found = await self.session.scalar(_COUNT_MEDIA, {"request_id": request_id})
        else:
            found = await self.session.scalar(
                _COUNT_MEDIA_FOR, {"request_id": request_id, "purpose": purpose}
            )
        return int(found or 0)

    async def first_name_of(self, user_id: int) -> str | None:
        name = await self.session.scalar(_FIRST_NAME, {"user_id": user_id})
        return name or None

    # ---------------------------------------------------------------- reading

    async def list_for_user(
        self, user_id: int, statuses: frozenset[RequestStatus], offset: int, limit: int
    ) -> tuple[int, list[RequestSummary]]:
        watched = select(RequestWatcher.request_id).where(RequestWatcher.user_id == user_id)
        condition = or_(Request.author_id == user_id, Request.id.in_(watched)) & Request.status.in_(
            sorted(statuses)
        )
        total = int(
            await self.session.scalar(select(func.count()).select_from(Request).where(condition))
            or 0
        )
        rows = await self.session.execute(
            select(Request.id, Request.number, Request.status, Request.category, Request.created_at)
            .where(condition)
            .order_by(Request.created_at.desc(), Request.id.desc())
            .offset(offset)
            .limit(limit)
        )
        items = [
            RequestSummary(
                id=rid,
                number=number,
                status=RequestStatus(status),
                category=Category(category),
                created_at=created,
            )
            for rid, number, status, category, created in rows.all()
        ]
        return total, items

    async def details(self, request_id: int) -> RequestDetails | None:
        row = (await self.session.execute(_DETAILS, {"request_id": request_id})).first()
        if row is None:
            return None
        request = row
        (
            address,
            apartment,
            entrance,
            executor_name,
            rating_text,
            lat,
            lon,
            author_name,
            author_phone,
            media_count,
            history,
            comments,
            watchers,
            follow_ups,
        ) = row[_EXTRA:]
        return RequestDetails(
            state=request_state(request, request.stars),
            description=request.description,
            place_kind=PlaceKind(request.place_kind),
            address=address,
            apartment_number=apartment,
            entrance_number=entrance,
            executor_first_name=executor_name or None,
            accept_due_at=request.accept_due_at,
            complete_due_at=request.complete_due_at,
            media_count=media_count,
            rating_text=rating_text,
            history=tuple(
                HistoryItem(
                    action=Action(action),
                    from_status=RequestStatus(from_status) if from_status else None,
                    to_status=RequestStatus(to_status) if to_status else None,
                    actor_id=actor_id,
                    actor_role=ActorRole(actor_role),
                    at=at,
                    reason=reason,
                    payload=dict(payload or {}),
                )
                for action, from_status, to_status, actor_id, actor_role, at, reason, payload in (
                    history
                )
            ),
            comments=tuple(
                CommentItem(
                    author_id=author_id,
                    author_name=name or None,
                    visibility=CommentVisibility(visibility),
                    text=text,
                    at=at,
                )
                for author_id, name, visibility, text, at in comments
            ),
            watcher_ids=tuple(watchers or ()),
            follow_up=_open_follow_up(follow_ups),
            access_mode=AccessMode(request.access_mode),
            time_slot=TimeSlot(request.time_slot),
            lat=lat,
            lon=lon,
            author_name=author_name or None,
            author_phone=author_phone,
        )
