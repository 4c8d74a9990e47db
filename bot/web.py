"""The HTTP side: Telegram webhook (secret token), health and readiness probes."""

from __future__ import annotations

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy import text

from bot.app import Runtime

WEBHOOK_PATH = "/telegram/webhook"


def create_web_app(rt: Runtime, *, webhook_secret: str | None) -> web.Application:
    app = web.Application()

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

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    # Answer Telegram only after the update is handled, so the reply to the user is not
    # raced by the next update; a redelivered update is skipped by the inbox.
    SimpleRequestHandler(
        rt.dispatcher, rt.bot, handle_in_background=False, secret_token=webhook_secret
    ).register(app, path=WEBHOOK_PATH)
    setup_application(app, rt.dispatcher, bot=rt.bot)
    return app
