"""The REST API ``/api/v1`` on the bot's HTTP server (``bot.web``).

Thin handlers, as in chat: parse with the models of ``bot.api.models``, call one use case
of ``domain.services`` (filing, comments, the request card) or one read, answer JSON.
Every refusal is ``application/problem+json``. The OpenAPI document is built from the
same ``ENDPOINTS`` (``bot.api.openapi``).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from bot import metrics
from bot.api import models as m
from bot.api.auth import ClientRateLimit, Grant, TokenRefused, Tokens
from bot.api.openapi import PROBLEM, Endpoint, build_document
from bot.export_files import CsvChunks
from bot.exports import labels_of
from bot.services import Services
from domain.access import NOT_AVAILABLE, Actor
from domain.enums import CommentVisibility, Language
from domain.errors import DomainError, MissingField, NotAllowed, NotFound
from domain.services.api_clients import ApiClient, ApiScope, secret_matches
from domain.services.desk import Scope
from domain.services.filing import (
    FilingDraft,
    FilingScope,
    file_request,
    filing_scope,
    place_for_intake,
)
from domain.services.reports import Period, ReportScope
from domain.services.requests import add_comment, open_card
from domain.services.residents import normalize_phone
from domain.sla import BusinessCalendar
from storage.repositories.api import RequestFilter, RequestRow, SqlApiReader
from storage.repositories.reports import SqlReportsRepository

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
EVENTS_POLL = 0.5
"""Seconds between looks at the history while a long poll of the events waits."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[m.FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors = errors
        self.headers = headers or {}

    def response(self) -> web.Response:
        body = m.Problem(
            type=f"urn:ukbot:problem:{self.slug}",
            title=self.title,
            status=self.status,
            detail=self.detail,
            errors=self.errors,
        )
        return web.Response(
            status=self.status,
            body=body.model_dump_json(exclude_none=True),
            content_type=PROBLEM,
            headers=self.headers,
        )


def _unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"}
    )


def _not_found() -> ApiProblem:
    return ApiProblem(404, "not-found", "Not found", "no such request for this client")


def _invalid(error: ValidationError, where: str) -> ApiProblem:
    errors = [
        m.FieldError(
            field=".".join([where, *(str(part) for part in item["loc"])]),
            message=item["msg"],
        )
        for item in error.errors(include_url=False)
    ]
    return ApiProblem(422, "invalid", "Invalid input", f"invalid {where}", errors=errors)


@dataclass
class Call:
    request: web.Request
    client: ApiClient | None
    path: Any = None
    query: Any = None
    body: Any = None


Handler = Callable[["Api", Call], Awaitable[web.StreamResponse | BaseModel]]


@dataclass(frozen=True)
class Route:
    endpoint: Endpoint
    handler: Handler


ROUTES: list[Route] = []


def route(endpoint: Endpoint) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(endpoint, handler))
        return handler

    return register


# --------------------------------------------------------------------------- the API


class Api:
    def __init__(self, services: Services, tokens: Tokens, limit: ClientRateLimit) -> None:
        self.services = services
        self.tokens = tokens
        self.limit = limit
        self.document = build_document(
            [r.endpoint for r in ROUTES], title="UK Management Bot API", version="1"
        )

    def lang(self, request: web.Request) -> str:
        wanted = request.headers.get("Accept-Language", "")[:2].lower()
        return wanted if wanted in Language._value2member_map_ else Language.EN.value

    def domain_problem(self, request: web.Request, error: DomainError) -> ApiProblem:
        if isinstance(error, NotAllowed | NotFound) and error.key in (
            NOT_AVAILABLE,
            NotAllowed.default_key,
            NotFound.default_key,
        ):
            return _not_found()
        detail = self.services.translator(self.lang(request), error.key, **error.params)
        if isinstance(error, MissingField):
            problem = m.FieldError(field=f"body.{error.field}", message=detail)
            return ApiProblem(422, "invalid", "Invalid input", detail, errors=[problem])
        return ApiProblem(422, "refused", "Refused by the desk's rules", detail)

    async def client_of(self, request: web.Request, scope: str) -> ApiClient:
        header = request.headers.get("Authorization", "")
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise _unauthorized("an `Authorization: Bearer <token>` header is required")
        try:
            grant: Grant = self.tokens.verify(token.strip())
        except TokenRefused as error:
            raise _unauthorized(str(error)) from error
        async with self.services.reader() as uow:
            client = await uow.api_clients.get(grant.client_id)
        if client is None or not client.active:
            raise _unauthorized("the client is revoked")
        self.throttle(client.id)
        if scope not in grant.scopes or scope not in client.scopes:
            raise ApiProblem(403, "forbidden", "Forbidden", f"this needs the `{scope}` scope")
        return client

    def throttle(self, client_id: int) -> None:
        wait = self.limit.take(client_id)
        if wait > 0:
            raise ApiProblem(
                429,
                "rate-limited",
                "Too many requests",
                f"try again in {wait:.1f} s",
                headers={"Retry-After": str(max(1, round(wait + 0.5)))},
            )

    def handler(self, r: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        e = r.endpoint

        async def handle(request: web.Request) -> web.StreamResponse:
            started = asyncio.get_running_loop().time()
            outcome = "500"  # what the problems middleware answers for anything escaping
            try:
                client = await self.client_of(request, e.scope) if e.scope else None
                call = Call(request, client)
                if e.path_params:
                    call.path = _parse(e.path_params, dict(request.match_info), "path")
                if e.query:
                    call.query = _parse(e.query, _query_dict(request, e.query), "query")
                if e.body:
                    call.body = _parse(e.body, await _json(request), "body")
                result = await r.handler(self, call)
                if isinstance(result, BaseModel):
                    result = web.Response(
                        status=e.status,
                        body=result.model_dump_json(),
                        content_type="application/json",
                    )
                outcome = str(result.status)
                return result
            except ApiProblem as problem:
                outcome = str(problem.status)
                return problem.response()
            except DomainError as error:
                refusal = self.domain_problem(request, error)
                outcome = str(refusal.status)
                return refusal.response()
            finally:
                metrics.API_CALLS.labels(e.path, e.method.upper(), outcome).inc()
                metrics.API_LATENCY.labels(e.path).observe(
                    asyncio.get_running_loop().time() - started
                )

        return handle

    def install(self, app: web.Application) -> None:
        for r in ROUTES:
            app.router.add_route(
                r.endpoint.method.upper(), PREFIX + r.endpoint.path, self.handler(r)
            )
        app.middlewares.append(self.problems)

    @web.middleware
    async def problems(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """aiohttp's own refusals under ``/api/`` (unknown path, wrong method) and any
        unexpected error there, as problem documents."""
        if not request.path.startswith(PREFIX):
            return await handler(request)
        try:
            return await handler(request)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            slug = {404: "not-found", 405: "method-not-allowed"}.get(error.status, "http-error")
            return ApiProblem(error.status, slug, error.reason).response()
        except Exception:
            log.exception("API call failed", extra={"path": request.path})
            return ApiProblem(500, "internal", "Internal error", "the call failed").response()


def _parse(model: type[ModelT], data: Any, where: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _invalid(error, where) from error


def _query_dict(request: web.Request, model: type[BaseModel]) -> dict[str, Any]:
    lists = {
        name
        for name, info in model.model_fields.items()
        if getattr(info.annotation, "__origin__", None) is list
    }
    data: dict[str, Any] = {}
    for name in request.query:
        data[name] = request.query.getall(name) if name in lists else request.query.get(name)
    return data


async def _json(request: web.Request) -> Any:
    try:
        return json.loads(await request.read())
    except ValueError as error:
        raise ApiProblem(400, "not-json", "Bad request", "the body is not JSON") from error


# --------------------------------------------------------------------------- outputs


def _request_out(row: RequestRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "status": row.status,
        "category": row.category,
        "urgency": row.urgency,
        "building_id": row.building_id,
        "address": row.address,
        "apartment": row.apartment,
        "place": row.place_kind,
        "description": row.description,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "accept_due_at": row.accept_due_at,
        "complete_due_at": row.complete_due_at,
        "closed_at": row.closed_at,
    }


def _cursor(row: RequestRow) -> str:
    raw = f"{row.updated_at.isoformat()}|{row.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, request_id = raw.partition("|")
        parsed = datetime.fromisoformat(at)
        number = int(request_id)
        if parsed.tzinfo is None or not 1 <= number <= m.MAX_ID:
            raise ValueError(cursor)
        return m.instant(parsed), number
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        problem = m.FieldError(field="query.cursor", message="not a cursor this API gave")
        raise ApiProblem(422, "invalid", "Invalid input", "invalid query", errors=[problem]) from (
            error
        )


def _scope_buildings(client: ApiClient) -> frozenset[int] | None:
    return client.building_ids or None


def _calendar(api: Api) -> BusinessCalendar:
    return BusinessCalendar(tz=api.services.tz)


# --------------------------------------------------------------------------- endpoints


@route(
    Endpoint(
        "post",
        "/token",
        "Exchange a client id and secret for a token",
        scope=None,
        body=m.TokenIn,
        response=m.TokenOut,
        errors=(401, 422, 429),
        description="The token is a JWT (HS256) valid for at most 15 minutes.",
    )
)
async def token(api: Api, call: Call) -> BaseModel:
    body: m.TokenIn = call.body
    # Secrets are not guessed faster than the rate; a bucket of its own, so that asking
    # for tokens with someone's id cannot use up that client's calls. And one bucket for
    # every token request (tokens last minutes): cycling through ids gets no fresh bucket
    # for each, nor keeps the threads busy hashing.
    api.throttle(0)
    api.throttle(-body.client_id)
    async with api.services.reader() as uow:
        found = await uow.api_clients.secret_hash_of(body.client_id)
    stored = found[1] if found else "scrypt$00$"
    matches = await asyncio.to_thread(secret_matches, body.client_secret, stored)
    if found is None or not matches or not found[0].active:
        raise _unauthorized("unknown client, wrong secret or a revoked client")
    client = found[0]
    return m.TokenOut(
        access_token=api.tokens.issue(client),
        expires_in=api.tokens.ttl,
        scope=" ".join(sorted(client.scopes)),
    )


@route(
    Endpoint(
        "get",
        "/requests",
        "List requests",
        scope=ApiScope.REQUESTS_READ,
        query=m.RequestListQuery,
        response=m.RequestPageOut,
        description="Oldest change first (by `updated_at`, then id); follow `next_cursor`.",
    )
)
async def list_requests(api: Api, call: Call) -> BaseModel:
    q: m.RequestListQuery = call.query
    assert call.client is not None
    tz = api.services.tz
    period = Period(q.created_from or m.FIRST_DAY, q.created_to or m.LAST_DAY)
    start, end = period.bounds(tz)
    where = RequestFilter(
        buildings=_scope_buildings(call.client),
        statuses=frozenset(q.status),
        building_id=q.building_id,
        created_from=start if q.created_from else None,
        created_to=end if q.created_to else None,
        updated_since=q.updated_since,
        after=_after(q.cursor) if q.cursor else None,
    )
    async with api.services.reader() as uow:
        rows = await SqlApiReader(uow.session).requests(where, q.limit + 1)
    more = len(rows) > q.limit
    rows = rows[: q.limit]
    return m.RequestPageOut.model_validate(
        {
            "items": [_request_out(row) for row in rows],
            "next_cursor": _cursor(rows[-1]) if more else None,
        }
    )


async def _detail(api: Api, client: ApiClient, request_id: int) -> BaseModel:
    async with api.services.reader() as uow:
        card = await open_card(uow, client.actor(), request_id, api.services.clock.now())
        row = await SqlApiReader(uow.session).request(request_id)
    if row is None:
        raise _not_found()
    details = card.details
    roles = {
        (entry.author_id, entry.at): entry.author_role
        for entry in card.timeline
        if entry.action is None and entry.author_role is not None
    }
    comments = [
        {
            "author": comment.author_name,
            "author_role": (
                role.value if (role := roles.get((comment.author_id, comment.at))) else None
            ),
            "internal": comment.visibility is CommentVisibility.INTERNAL,
            "text": comment.text,
            "at": comment.at,
        }
        for comment in details.comments
    ]
    return m.RequestDetailOut.model_validate(
        {
            **_request_out(row),
            "history": [
                {
                    "action": item.action.value,
                    "from_status": item.from_status,
                    "to_status": item.to_status,
                    "actor_role": item.actor_role.value,
                    "at": item.at,
                    "reason": item.reason,
                }
                for item in details.history
            ],
            "comments": comments,
        }
    )


@route(
    Endpoint(
        "get",
        "/requests/{request_id}",
        "One request with its history and comments",
        scope=ApiScope.REQUESTS_READ,
        path_params=m.RequestPath,
        response=m.RequestDetailOut,
        errors=(401, 403, 404, 422, 429),
    )
)
async def get_request(api: Api, call: Call) -> BaseModel:
    assert call.client is not None
    return await _detail(api, call.client, call.path.request_id)


@route(
    Endpoint(
        "post",
        "/requests",
        "File a request for a resident identified by phone (call-centre intake)",
        scope=ApiScope.REQUESTS_WRITE,
        status=201,
        body=m.IntakeIn,
        response=m.IntakeOut,
        errors=(401, 403, 404, 422, 429),
        description=(
            "Filed through the same rules as in the chat (deadlines, auto-assignment, the "
            "managers' cards); the resident is told in their chat. The same `reference` "
            "files the request once."
        ),
    )
)
async def create_request(api: Api, call: Call) -> web.StreamResponse | BaseModel:
    body: m.IntakeIn = call.body
    client = call.client
    assert client is not None
    services = api.services
    phone = normalize_phone(body.phone)
    async with services.reader() as uow:
        residents = await SqlApiReader(uow.session).residents_with_phone(phone)
    # A client limited to some buildings learns nothing of residents or homes elsewhere:
    # only their homes in its buildings count, and a resident with none is unknown to it.
    found: tuple[int, Actor | None, FilingScope] | None = None
    for resident_id in residents:
        actor = await services.actor(resident_id)
        async with services.reader() as uow:
            try:
                scope = await filing_scope(uow, actor, resident_id)
            except DomainError:
                if client.building_ids:
                    continue
                raise
        homes = tuple(home for home in scope.homes if client.covers(home.building_id))
        if homes:
            found = (resident_id, actor, dataclasses.replace(scope, homes=homes))
            break
    if found is None:
        raise MissingField("phone", "api-intake-unknown-phone")
    resident_id, actor, scope = found
    choice = place_for_intake(
        scope, body.place, apartment_id=body.apartment_id, building_id=body.building_id
    )
    reference = body.reference or uuid.uuid4().hex
    draft = FilingDraft(
        token=f"api:{client.id}:{reference}",
        category=body.category,
        place=choice,
        description=body.description,
        urgency=body.urgency,
        access=body.access,
        slot=body.time_slot,
    )
    assert actor is not None
    async with services.uow() as uow:
        filed = await file_request(
            uow,
            actor,
            draft,
            now=services.clock.now(),
            calendar=_calendar(api),
            staff_chat_id=services.settings.staff_chat_id,
            taken_by=client.name,
        )
    if not filed.already_filed:
        services.check_outage(filed.id, filed.number)
    async with services.reader() as uow:
        row = await SqlApiReader(uow.session).request(filed.id)
    assert row is not None
    out = m.IntakeOut.model_validate({**_request_out(row), "already_filed": filed.already_filed})
    return web.Response(
        status=200 if filed.already_filed else 201,
        body=out.model_dump_json(),
        content_type="application/json",
        headers={"Location": f"{PREFIX}/requests/{filed.id}"},
    )


@route(
    Endpoint(
        "post",
        "/requests/{request_id}/comments",
        "Add a comment",
        scope=ApiScope.REQUESTS_WRITE,
        status=201,
        path_params=m.RequestPath,
        body=m.CommentIn,
        response=m.CommentCreatedOut,
        errors=(401, 403, 404, 422, 429),
        description=(
            "Shown in the request's timeline under the client's name; everyone involved is "
            "told (an internal comment: the staff only)."
        ),
    )
)
async def comment(api: Api, call: Call) -> BaseModel:
    body: m.CommentIn = call.body
    assert call.client is not None
    async with api.services.uow() as uow:
        result = await add_comment(
            uow,
            call.client.actor(),
            call.path.request_id,
            api.services.clock.now(),
            text=body.text,
            visibility=CommentVisibility.INTERNAL if body.internal else CommentVisibility.PUBLIC,
        )
    return m.CommentCreatedOut(
        request_id=result.request_id,
        number=result.number,
        comment_id=result.comment_id,
        notified=result.notified,
    )


@route(
    Endpoint(
        "get",
        "/export.csv",
        "The requests filed in a period, as CSV",
        scope=ApiScope.EXPORT,
        query=m.ExportQuery,
        content_type="text/csv",
        errors=(401, 403, 404, 422, 429),
        description="The columns of the bot's export (UTF-8 with a BOM), streamed as read.",
    )
)
async def export_csv(api: Api, call: Call) -> web.StreamResponse:
    q: m.ExportQuery = call.query
    client = call.client
    assert client is not None
    if q.date_to < q.date_from:
        problem = m.FieldError(field="query.date_to", message="before date_from")
        raise ApiProblem(422, "invalid", "Invalid input", "invalid query", errors=[problem])
    if q.building_id is not None and not client.covers(q.building_id):
        raise _not_found()
    services = api.services
    scope = ReportScope(_client_scope(client), q.building_id)
    period = Period(q.date_from, q.date_to)
    t = services.translator.bind(q.lang.value if q.lang else None)
    now = services.clock.now()
    writer = CsvChunks(labels_of(t), services.tz, now)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": (
                f'attachment; filename="requests_{period.start}_{period.end}.csv"'
            ),
        }
    )
    start, end = period.bounds(services.tz)
    async with services.session_factory() as session, session.begin():
        rows = SqlReportsRepository(session).export_rows(scope, start, end, batch=500)
        await response.prepare(call.request)
        await response.write(writer.header())
        async for batch in rows:
            await response.write(writer.chunk(batch))
    await response.write_eof()
    return response


def _client_scope(client: ApiClient) -> Scope:
    return Scope(client.building_ids or None)


@route(
    Endpoint(
        "get",
        "/events",
        "Changes of requests after a cursor (long poll with `wait`)",
        scope=ApiScope.REQUESTS_READ,
        query=m.EventsQuery,
        response=m.EventPageOut,
        description=(
            "Every step of every request's history, oldest first, by id: keep the last "
            "`next_after` and pass it as `after`. With `wait`, an empty answer waits that "
            "long for the next change. A change is served about two seconds after it."
        ),
    )
)
async def events(api: Api, call: Call) -> BaseModel:
    q: m.EventsQuery = call.query
    assert call.client is not None
    buildings = _scope_buildings(call.client)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + q.wait
    while True:
        async with api.services.reader() as uow:
            rows = await SqlApiReader(uow.session).events(q.after, buildings, q.limit)
        if rows or loop.time() >= deadline:
            break
        await asyncio.sleep(min(EVENTS_POLL, max(0.0, deadline - loop.time())))
    return m.EventPageOut.model_validate(
        {
            "items": [
                {
                    "id": row.id,
                    "request_id": row.request_id,
                    "number": row.number,
                    "action": row.action,
                    "from_status": row.from_status,
                    "to_status": row.to_status,
                    "actor_role": row.actor_role,
                    "at": row.at,
                }
                for row in rows
            ],
            "next_after": rows[-1].id if rows else q.after,
        }
    )


# --------------------------------------------------------------------------- install


API_KEY = web.AppKey("api", Api)


def install_api(app: web.Application, services: Services) -> Api:
    settings = services.settings
    api = Api(
        services,
        Tokens.from_settings(settings),
        ClientRateLimit(settings.api_rate_per_minute, settings.api_rate_burst),
    )
    api.install(app)
    document = json.dumps(api.document)

    async def openapi(_: web.Request) -> web.Response:
        return web.Response(text=document, content_type="application/json")

    app.router.add_get(PREFIX + "/openapi.json", openapi)
    app[API_KEY] = api
    return api
