"""The REST API /api/v1 and /metrics end to end: the bot's HTTP server on the test
database, its notifications delivered through the emulator to the people's chats."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest_asyncio
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.api.auth import ClientRateLimit
from bot.api.routes import API_KEY
from bot.web import create_web_app
from domain.enums import Category, Language, RequestStatus
from domain.services import api_clients as uc
from domain.services import incidents
from domain.services.api_clients import ApiScope
from storage.models import IncidentRequest
from tests.e2e.conftest import Desk
from tests.e2e.tracking_helpers import Cast, make_cast, make_resident

PHONE = "+998901234567"  # make_resident's
ALL = [s.value for s in ApiScope]


class Api:
    def __init__(self, desk: Desk, server: TestServer, http: ClientSession) -> None:
        self.desk, self.server, self.http = desk, server, http
        self.base = str(server.make_url("/api/v1"))

    async def client(
        self, name: str, scopes: list[str], buildings: list[int] | None = None
    ) -> tuple[int, str]:
        services = self.desk.runtime.services
        async with services.uow() as uow:
            new = await uc.create_client(
                uow, None, name, scopes, services.clock.now(), building_ids=buildings or ()
            )
        return new.client.id, new.secret

    async def token(self, client_id: int, secret: str) -> str:
        status, body = await self.call(
            "POST", "/token", json={"client_id": client_id, "client_secret": secret}
        )
        assert status == 200, body
        return str(body["access_token"])

    async def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(
            method, self.base + path, headers=headers, **kwargs
        ) as response:
            if response.content_type in ("application/json", "application/problem+json"):
                body = await response.json(content_type=None)
                if response.status >= 400:
                    assert response.content_type == "application/problem+json", body
                    assert body["status"] == response.status and body["title"]
                return response.status, body
            return response.status, await response.text()

    async def metrics(self) -> str:
        async with self.http.get(self.server.make_url("/metrics")) as response:
            assert response.status == 200
            return await response.text()


@pytest_asyncio.fixture(loop_scope="session")
async def api(desk: Desk) -> AsyncIterator[Api]:
    app = create_web_app(desk.runtime, webhook_secret=None, webhook=False)
    server = TestServer(app)
    await server.start_server()
    try:
        async with ClientSession() as http:
            yield Api(desk, server, http)
    finally:
        await server.close()


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        metric, _, raw_labels = sample.partition("{")
        found = ",".join(sorted(raw_labels.rstrip("}").split(","))) if raw_labels else ""
        if metric == name and found == wanted:
            return float(value)
    return 0.0


async def _until(predicate: Any, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


# --------------------------------------------------------------------------- the journey


async def test_call_centre_files_reads_comments_exports_and_follows_events(
    desk: Desk, api: Api
) -> None:
    cast: Cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    before = await api.metrics()

    client_id, secret = await api.client("Call centre", ALL)
    token = await api.token(client_id, secret)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == str(client_id) and claims["aud"] == "ukbot-api"
    assert claims["iss"] == "ukbot" and 0 < claims["exp"] - claims["iat"] <= 900
    assert set(claims["scope"].split()) == set(ALL)

    # --- intake: filed for the resident through the chat's filing, told in their chat
    await resident.mark()
    await cast.manager.mark()
    body = {
        "phone": "+998 90 123-45-67",
        "category": "plumbing",
        "description": "Water is leaking from the ceiling in the bathroom",
        "urgency": "urgent",
        "reference": "call-0001",
    }
    status, filed = await api.call("POST", "/requests", token, json=body)
    assert status == 201, filed
    # the on-duty plumber is assigned at once, as when filed in the chat
    assert filed["status"] == "assigned" and filed["category"] == "plumbing"
    assert filed["urgency"] == "urgent" and filed["apartment"] == "12"
    assert re.fullmatch(r"\d{6}-\d{3}", filed["number"]) and not filed["already_filed"]
    told = await resident.expect(f"№{filed['number']} was registered by Call centre")
    assert "Plumbing" in (told.text or "") and "ceiling" in (told.text or "")
    await cast.manager.expect(filed["number"])  # the managers' card, as from the chat
    status, again = await api.call("POST", "/requests", token, json=body)
    assert status == 200 and again["already_filed"] and again["id"] == filed["id"]

    # --- refusals of the intake
    status, problem = await api.call(
        "POST", "/requests", token, json={**body, "phone": "+1 555 0100"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "body.phone"
    status, problem = await api.call("POST", "/requests", token, json={**body, "category": "x"})
    assert status == 422 and problem["errors"][0]["field"] == "body.category"
    status, problem = await api.call("POST", "/requests", token, data=b"{not json")
    assert status == 400 and problem["type"] == "urn:ukbot:problem:not-json"

    # --- reading: one request with its history, lists with filters and a cursor
    status, one = await api.call("GET", f"/requests/{filed['id']}", token)
    assert status == 200 and one["number"] == filed["number"]
    assert one["history"][0]["action"] == "create"
    status, _ = await api.call("GET", "/requests/999999999", token)
    assert status == 404
    for text in ("Second leak in the kitchen", "Third: the tap drips all night"):
        status, _ = await api.call(
            "POST", "/requests", token, json={**body, "description": text, "reference": text[:5]}
        )
        assert status == 201
    status, page = await api.call("GET", "/requests", token, params={"limit": "2"})
    assert status == 200 and len(page["items"]) == 2 and page["next_cursor"]
    status, rest = await api.call(
        "GET", "/requests", token, params={"limit": "2", "cursor": page["next_cursor"]}
    )
    assert status == 200 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [r["id"] for r in page["items"] + rest["items"]]
    assert len(set(ids)) == 3
    status, none = await api.call("GET", "/requests", token, params={"status": "closed"})
    assert status == 200 and none["items"] == []
    status, found = await api.call(
        "GET",
        "/requests",
        token,
        params=[
            ("status", "new"),
            ("status", "assigned"),
            ("building_id", str(cast.home.building_id)),
        ],
    )
    assert status == 200 and len(found["items"]) == 3
    status, problem = await api.call("GET", "/requests", token, params={"cursor": "garbage"})
    assert status == 422 and problem["errors"][0]["field"] == "query.cursor"
    status, problem = await api.call(
        "GET", "/requests", token, params={"updated_since": "0001-01-01T00:00:00+14:00"}
    )
    assert status == 422 and problem["errors"][0]["field"] == "query.updated_since"
    status, since = await api.call(
        "GET", "/requests", token, params={"updated_since": filed["updated_at"]}
    )
    assert status == 200 and len(since["items"]) == 3

    # --- a comment: in the timeline under the client's name, the resident is told
    await resident.mark()
    status, made = await api.call(
        "POST",
        f"/requests/{filed['id']}/comments",
        token,
        json={"text": "Resident called again: worse"},
    )
    assert status == 201 and made["comment_id"] and made["notified"] >= 1
    await resident.expect("Resident called again: worse")
    status, one = await api.call("GET", f"/requests/{filed['id']}", token)
    assert one["comments"][-1]["author"] == "Call centre"
    assert one["comments"][-1]["text"] == "Resident called again: worse"
    status, problem = await api.call(
        "POST", f"/requests/{filed['id']}/comments", token, json={"text": ""}
    )
    assert status == 422

    # --- the export, streamed: the bot's columns in the asked language
    today = desk.clock.now().date().isoformat()
    status, text = await api.call(
        "GET", "/export.csv", token, params={"date_from": today, "date_to": today, "lang": "ru"}
    )
    assert status == 200
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Номер" or rows[0][0].startswith("№"), rows[0]
    assert {filed["number"]} <= {row[0] for row in rows[1:]} and len(rows) == 4

    # --- the event feed: every step, by id, after a cursor; a long poll waits
    async def feed() -> bool:
        status, events = await api.call("GET", "/events", token, params={"after": "0"})
        return status == 200 and {e["request_id"] for e in events["items"]} == set(ids)

    await _until(feed, within=8)
    status, events = await api.call("GET", "/events", token, params={"after": "0"})
    assert events["items"][0]["action"] == "create"
    assert [e["id"] for e in events["items"]] == sorted(e["id"] for e in events["items"])
    status, tail = await api.call(
        "GET", "/events", token, params={"after": str(events["items"][0]["id"]), "limit": "1"}
    )
    assert [e["id"] for e in tail["items"]] == [events["items"][1]["id"]]
    last = events["next_after"]
    started = time.monotonic()
    status, empty = await api.call(
        "GET", "/events", token, params={"after": str(last), "wait": "1"}
    )
    assert status == 200 and empty["items"] == [] and empty["next_after"] == last
    assert time.monotonic() - started >= 0.9

    # --- metrics moved: requests by status, the API's calls, deliveries, Bot API calls
    await resident.send_text("hello")  # an update through the dispatcher

    async def gauge_moved() -> bool:  # read at scrape time, cached for 5 s
        text = await api.metrics()
        return _metric(text, "ukbot_requests", status="assigned") == 3 + _metric(
            before, "ukbot_requests", status="assigned"
        )

    await _until(gauge_moved, within=8)
    after = await api.metrics()
    assert (
        _metric(after, "ukbot_api_calls_total", route="/requests", method="POST", status="201") >= 3
    )
    assert _metric(after, "ukbot_outbox_deliveries_total", outcome="sent") > _metric(
        before, "ukbot_outbox_deliveries_total", outcome="sent"
    )
    assert _metric(after, "ukbot_bot_api_calls_total", method="sendMessage", outcome="ok") > 0
    for name in (
        "ukbot_outbox_queue_depth",
        "ukbot_outbox_oldest_due_age_seconds",
        "ukbot_open_incidents",
        "ukbot_db_pool_in_use",
        "ukbot_handler_seconds_count",
        "ukbot_process_resident_memory_bytes",
    ):
        assert name in after

    async def update_counted() -> bool:
        text = await api.metrics()
        return _metric(text, "ukbot_updates_total", type="message", outcome="handled") > _metric(
            before, "ukbot_updates_total", type="message", outcome="handled"
        )

    await _until(update_counted)


async def test_tokens_scopes_buildings_revocation_and_rate(desk: Desk, api: Api) -> None:
    cast = await make_cast(desk)
    await make_resident(desk, cast.home, "Aziz")
    # no token, a malformed header, a wrong secret
    status, problem = await api.call("GET", "/requests")
    assert status == 401 and problem["type"] == "urn:ukbot:problem:unauthorized"
    status, _ = await api.call("GET", "/requests", "not-a-jwt")
    assert status == 401
    reader_id, reader_secret = await api.client("Accounting", ["requests:read"])
    status, _ = await api.call(
        "POST", "/token", json={"client_id": reader_id, "client_secret": "x"}
    )
    assert status == 401
    status, _ = await api.call("POST", "/token", json={"client_id": 424242, "client_secret": "x"})
    assert status == 401
    token = await api.token(reader_id, reader_secret)

    # forged tokens: another key, alg none, expired beyond the leeway, another audience
    now = int(time.time())
    claims = {
        "iss": "ukbot",
        "aud": "ukbot-api",
        "sub": str(reader_id),
        "iat": now,
        "exp": now + 300,
        "scope": "requests:read requests:write export",
    }
    forged = [
        jwt.encode(claims, "another key of thirty-two bytes or more", algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
        token.rsplit(".", 1)[0] + ".",  # signature stripped
    ]
    key = api.server.app[API_KEY].tokens._key
    forged += [
        jwt.encode({**claims, "iat": now - 1000, "exp": now - 31}, key, algorithm="HS256"),
        jwt.encode({**claims, "aud": "someone-else"}, key, algorithm="HS256"),
        jwt.encode({**claims, "iss": "elsewhere"}, key, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256"),
    ]
    for bad in forged:
        status, problem = await api.call("GET", "/requests", bad)
        assert status == 401, (bad, problem)
    # within the 30 s leeway an expired token still works
    status, _ = await api.call(
        "GET",
        "/requests",
        jwt.encode({**claims, "scope": "requests:read", "exp": now - 20}, key, algorithm="HS256"),
    )
    assert status == 200

    # scopes: a reader may not file, comment or export
    intake = {"phone": PHONE, "category": Category.PLUMBING.value, "description": "Leak again"}
    status, problem = await api.call("POST", "/requests", token, json=intake)
    assert status == 403 and "requests:write" in problem["detail"]
    status, _ = await api.call(
        "GET", "/export.csv", token, params={"date_from": "2026-01-01", "date_to": "2026-01-02"}
    )
    assert status == 403

    # buildings: a client of another building sees none of this one's requests
    writer_id, writer_secret = await api.client("Call centre", ALL)
    writer = await api.token(writer_id, writer_secret)
    status, filed = await api.call("POST", "/requests", writer, json=intake)
    assert status == 201
    other_id, other_secret = await api.client(
        "Other desk", ALL, buildings=[cast.home.building_id + 1000]
    )
    other = await api.token(other_id, other_secret)
    status, _ = await api.call("GET", f"/requests/{filed['id']}", other)
    assert status == 404
    status, page = await api.call("GET", "/requests", other)
    assert status == 200 and page["items"] == []
    status, _ = await api.call(
        "POST", f"/requests/{filed['id']}/comments", other, json={"text": "hi"}
    )
    assert status == 404
    # a resident of another building is, to this client, a phone nobody gave
    status, problem = await api.call(
        "POST", "/requests", other, json={**intake, "reference": "o-1"}
    )
    unknown = {**intake, "phone": "+998 90 000-00-00", "reference": "o-2"}
    status_unknown, problem_unknown = await api.call("POST", "/requests", other, json=unknown)
    assert status == status_unknown == 422
    assert problem["errors"] == problem_unknown["errors"]
    assert "No resident gave this phone" in str(problem["errors"])

    # revocation: the token in hand stops working at once
    status, _ = await api.call("GET", f"/requests/{filed['id']}", token)
    assert status == 200
    async with desk.runtime.services.uow() as uow:
        await uc.revoke_client(uow, None, reader_id, desk.clock.now())
    status, problem = await api.call("GET", f"/requests/{filed['id']}", token)
    assert status == 401 and "revoked" in problem["detail"]
    status, _ = await api.call(
        "POST", "/token", json={"client_id": reader_id, "client_secret": reader_secret}
    )
    assert status == 401

    # the rate per client: a burst of 3, then 429 with Retry-After; others unaffected
    api.server.app[API_KEY].limit = ClientRateLimit(per_minute=6, burst=3)
    statuses = [(await api.call("GET", "/requests", writer))[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    async with api.http.get(
        api.base + "/requests", headers={"Authorization": f"Bearer {writer}"}
    ) as response:
        assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    status, _ = await api.call("GET", "/requests", other)
    assert status == 200

    # unknown paths and methods are problems too
    status, problem = await api.call("GET", "/nothing-here", writer)
    assert status == 404 and problem["type"] == "urn:ukbot:problem:not-found"
    status, problem = await api.call("DELETE", "/requests", writer)
    assert status == 405


async def test_openapi_document_holds_against_generated_calls(desk: Desk, api: Api) -> None:
    """Schemathesis generates calls from the OpenAPI document: no 5xx, and every answer
    conforms to the document (status, content type, schema)."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    cast = await make_cast(desk)
    await make_resident(desk, cast.home, "Aziz")
    client_id, secret = await api.client("Fuzzer", ALL)
    api.server.app[API_KEY].limit = ClientRateLimit(per_minute=1e6, burst=10**6)
    token = await api.token(client_id, secret)
    status, document = await api.call("GET", "/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/token",
        "/requests",
        "/requests/{request_id}",
        "/requests/{request_id}/comments",
        "/export.csv",
        "/events",
    }
    schema = schemathesis.openapi.from_dict(document)
    base = api.base
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    seen: dict[int, int] = {}

    def run(mode: Any, examples: int) -> None:
        strategy = schema.as_strategy(
            generation_mode=mode, headers={"Authorization": f"Bearer {token}"}
        )

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def call(case: Any) -> None:
            if case.path == "/events" and isinstance(case.query, dict):
                case.query["wait"] = 0  # long polls would only slow the run
            response = case.call(base_url=base, timeout=10)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            case.validate_response(
                response, checks=checks if mode.name == "POSITIVE" else checks[:1]
            )

        call()

    from schemathesis import GenerationMode

    await asyncio.to_thread(run, GenerationMode.POSITIVE, 100)
    await asyncio.to_thread(run, GenerationMode.NEGATIVE, 60)
    assert not any(code >= 500 for code in seen)
    assert seen.get(200, 0) + seen.get(201, 0) > 10, seen  # the run reached the handlers
    assert RequestStatus.NEW and Language.EN  # the enums the document names


async def test_admin_creates_and_revokes_a_client_in_the_bot(desk: Desk, api: Api) -> None:
    from domain.enums import Role
    from tests.e2e.conftest import new_user
    from tests.e2e.helpers import make_staff

    admin = await new_user(desk, "Aziz", started=True)
    await make_staff(desk.runtime.services.session_factory, admin, [Role.ADMIN])
    await admin.send_text("⚙️ Settings")
    await admin.expect("⚙️ Settings\n")
    await admin.press("🔑 API clients")
    await admin.expect("No clients yet.")
    await admin.press("➕ New client")
    await admin.expect("Send the new client's name")
    await admin.send_text("x")  # too short: told why, the prompt stays
    await admin.expect("The name must be 2 to 64 characters.")
    await admin.send_text("Accounting")
    await admin.expect("What may «Accounting» do?")
    await admin.press("⬜ export")
    await admin.expect(lambda m: m.has_button("☑️ export") and m.has_button("☑️ read requests"))
    await admin.press("✅ Create")
    shown = await admin.expect(lambda m: "is created (export requests:read)" in (m.content or ""))
    found = re.search(r"Client id: (\d+)\nSecret: (ukc_\S+)", shown.content or "")
    assert found, shown.content
    token = await api.token(int(found[1]), found[2])
    status, _ = await api.call("GET", "/requests", token)
    assert status == 200
    await admin.press("🔑 API clients")
    listing = await admin.expect("#" + found[1] + " Accounting")
    assert "read requests, export · all buildings · active" in (listing.content or "")
    await admin.press(f"🚫 Revoke #{found[1]}")
    await admin.expect(lambda m: "· revoked" in (m.content or ""))
    status, problem = await api.call("GET", "/requests", token)
    assert status == 401 and "revoked" in problem["detail"]


async def test_a_request_filed_through_the_api_joins_its_buildings_open_outage(
    desk: Desk, api: Api
) -> None:
    """The call centre's filing gets the chat's outage check: linked to the open incident
    of its building and category, and the resident is told it is a known outage."""
    cast: Cast = await make_cast(desk)
    resident = await make_resident(desk, cast.home, "Dilnoza")
    services = desk.runtime.services
    manager = await services.actor(cast.manager.id)
    assert manager is not None
    async with services.uow() as uow:
        incident = await incidents.declare(
            uow,
            manager,
            building_id=cast.home.building_id,
            category=Category.PLUMBING,
            text="Water main burst on the street",
            hours=4,
            now=services.clock.now(),
            tz=services.tz,
        )
    await resident.mark()
    client_id, secret = await api.client("Call centre", ALL)
    token = await api.token(client_id, secret)
    body = {"phone": PHONE, "category": "plumbing", "description": "No water since morning"}
    status, filed = await api.call("POST", "/requests", token, json=body)
    assert status == 201, filed
    note = await resident.expect("part of a known outage", timeout=10)
    assert "Water main burst" in note.content
    async with services.session_factory() as session:
        linked = await session.scalar(
            select(IncidentRequest.incident_id).where(IncidentRequest.request_id == filed["id"])
        )
    assert linked == incident.id
