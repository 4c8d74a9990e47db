"""The HTTP side: Telegram webhook (secret token), health and readiness probes, the REST
API (``bot.api``) and the Prometheus metrics (``bot.metrics``)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot import metrics
from bot.api.routes import install_api
from bot.app import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_INT64 = range(-(2**63), 2**63)
# Telegram's updates nest a few levels (a reply's keyboard's rows' buttons); a body much
# deeper is not one, and journaling it would recurse past Python's stack.
_MAX_DEPTH = 64


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite(number: str) -> float:
    """``1e400`` is JSON but becomes infinity, which the journal (jsonb) cannot keep."""
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"{number} is out of range")
    return value


def _too_deep(body: Any) -> bool:
    """Nested deeper than ``_MAX_DEPTH``, checked without recursion."""
    level: list[Any] = [body]
    for _ in range(_MAX_DEPTH):
        level = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
        ]
        if not level:
            return False
    return True


def update_id_of(body: Any) -> int | None:
    """The update id of a webhook body that can be an update at all, else None."""
    if not isinstance(body, dict):
        return None
    update_id = body.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int) or update_id not in _INT64:
        return None
    return update_id


_STATE_TTL = 5.0
"""Seconds a scrape-time reading (requests by status, the outbox queue) is reused."""
_STATE_SQL = text(
    "SELECT"
    " (SELECT coalesce(json_object_agg(status, n), '{}') FROM"
    "   (SELECT status, count(*) AS n FROM requests GROUP BY status) AS s),"
    " (SELECT count(*) FROM outbox WHERE state = 'pending'),"
    " (SELECT min(next_attempt_at) FROM outbox"
    "   WHERE state = 'pending' AND next_attempt_at <= now()),"
    " (SELECT count(*) FROM incidents WHERE resolved_at IS NULL)"
)


def _this_process() -> Iterable[tuple[str, int]]:
    return [("main", os.getpid())]


def create_web_app(
    rt: Runtime,
    *,
    webhook_secret: str | None,
    webhook: bool = True,
    processes: Callable[[], Iterable[tuple[str, int]]] = _this_process,
) -> web.Application:
    """The bot's HTTP server; ``webhook=False`` (long polling) leaves the webhook out."""
    app = web.Application()
    exposition = metrics.Exposition(processes)
    state = metrics.Cached(_STATE_TTL)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with rt.services.engine.connect() as conn:
                await conn.execute(text("select 1"))
        except Exception as error:  # readiness reports, never raises
            return web.json_response(
                {"status": "unavailable", "error": type(error).__name__}, status=503
            )
        return web.json_response({"status": "ready"})

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if webhook_secret and not secrets.compare_digest(given, webhook_secret):
            return web.Response(status=401)
        try:
            body = json.loads(await request.read(), parse_constant=_not_json, parse_float=_finite)
            if _too_deep(body):
                raise ValueError("nested too deep for an update")
        # not JSON (NaN and Infinity are not JSON either, nor can the journal keep them),
        # not UTF-8, or nested too deep: Telegram never sends it; nobody should retry it
        except (ValueError, RecursionError):
            log.warning("webhook body is not JSON", extra={"bytes": request.content_length})
            return web.Response(status=400, text="not a JSON object")
        if update_id_of(body) is None:
            log.warning("webhook body is not an update", extra={"body_type": type(body).__name__})
            return web.Response(status=400, text="not an update")
        # Journaled before anything else; answered once handled, so that the reply to
        # the person is not raced by their next update. A repeat of an update that was
        # handled is answered at once; one that another attempt (another instance) is
        # handling is answered when that attempt finished, or after this instance took
        # it over from a dead one. Still running after a while: Telegram asks again later.
        if not await rt.updates.receive_in_order(body):
            return web.Response(status=503, text="being handled, try again")
        return web.Response()

    async def read_state() -> None:
        if state.fresh():
            return
        try:
            async with rt.services.engine.connect() as conn:
                by_status, depth, oldest, incidents = (await conn.execute(_STATE_SQL)).one()
        except Exception as error:  # a scrape reports what it can while Postgres is away
            log.warning("metrics: the database could not be read", extra={"error": str(error)})
            return
        if isinstance(by_status, str):
            by_status = json.loads(by_status)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        exposition.state.snapshot = {
            "requests": dict(by_status or {}),
            "depth": int(depth),
            "oldest_due_age": max(0.0, age),
            "open_incidents": int(incidents),
        }
        state.put(True)

    async def metrics_page(_: web.Request) -> web.Response:
        await read_state()
        body = await asyncio.to_thread(exposition.render)
        return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_page)
    if webhook:
        app.router.add_post(WEBHOOK_PATH, telegram_webhook)
    install_api(app, rt.services)
    return app
