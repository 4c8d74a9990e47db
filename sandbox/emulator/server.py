"""HTTP server wiring: Bot API, file downloads and the control API on one port.

In-process use (tests, local runs)::

    async with run_emulator(port=0) as emu:
        bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))

Standalone: ``python -m sandbox.emulator --port 8081``.

``/`` serves the sandbox's web page (``sandbox/web/``): chat panes that act as
users through the control API and follow chats live (one stream for many chats:
``/sandbox/api/events``).
What the page shows (its people, chats and places) is set by whoever runs the
emulator through :attr:`EmulatorServer.page_info`, and its "reset" button calls
:attr:`EmulatorServer.on_page_reset`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from .botapi import TOKEN_RE, BotApi
from .control import PREFIX, ControlApi
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .state import JSON, EmulatorConfig, EmulatorState, dumps
from .webhook import WebhookDelivery

log = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
MAX_BODY = 60 * 1024 * 1024  # uploads up to Telegram's 50 MB bot limit, plus form overhead
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


class EmulatorServer:
    """The emulator bound to a host/port; ``start``/``stop`` or use :func:`run_emulator`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        rate_limits: bool = False,
        config: EmulatorConfig | None = None,
        **config_kwargs: Any,
    ) -> None:
        if config is None:
            config = EmulatorConfig(rate_limits=rate_limits, **config_kwargs)
        self.host = host
        self.port = port
        self.state = EmulatorState(config)
        self.webhooks = WebhookDelivery(self.state)
        self.botapi = BotApi(self.state, self.webhooks)
        self.control = ControlApi(self.state, self.botapi)
        self.page_info: JSON = {}
        self.on_page_reset: Callable[[], Awaitable[None]] | None = None
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self.botapi.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_routes(self.control.routes())
        app.router.add_get(PREFIX + "/page", self._page_info)
        app.router.add_post(PREFIX + "/page/reset", self._page_reset)
        app.router.add_get("/", self._index)
        app.router.add_static("/web/", WEB_DIR, append_version=False)
        app.router.add_route("*", PREFIX + "{tail:.*}", _fallback)
        app.on_response_prepare.append(_cors)
        return app

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if TOKEN_RE.match(request.match_info["token"]) is None:
            return _api_error(UNAUTHORIZED)
        stored = self.state.files.by_path.get(request.match_info["path"])
        if stored is None:
            return _api_error(NOT_FOUND)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def _page_info(self, request: web.Request) -> web.Response:
        bot_id = self.page_info.get("bot_id") or self.state.default_bot_id
        info = {
            "bot": None if bot_id is None else self.state.bot(bot_id).me(),
            **self.page_info,
        }
        return web.Response(
            body=dumps({"ok": True, "result": info}).encode(), content_type="application/json"
        )

    async def _page_reset(self, request: web.Request) -> web.Response:
        """The page's "reset" button: the sandbox's hook, else only the chat histories."""
        if self.on_page_reset is not None:
            await self.on_page_reset()
        else:
            self.state.clear_histories()
        return web.Response(
            body=dumps({"ok": True, "result": True}).encode(), content_type="application/json"
        )

    async def start(self) -> None:
        # handler_cancellation: a long poll whose client went away stops at once.
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("Bot API emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        await self.webhooks.close()
        self.state.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@contextlib.asynccontextmanager
async def run_emulator(
    host: str = "127.0.0.1", port: int = 0, rate_limits: bool = False, **config_kwargs: Any
) -> AsyncIterator[EmulatorServer]:
    """Run the emulator in this event loop for the duration of the block (port 0 = any free port)."""
    server = EmulatorServer(host, port, rate_limits=rate_limits, **config_kwargs)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _api_error(exc: ApiError) -> web.Response:
    return web.Response(
        body=dumps(exc.to_dict()).encode(), status=exc.error_code, content_type="application/json"
    )


async def _fallback(request: web.Request) -> web.Response:
    """CORS preflight for any control path; JSON 404 for unknown endpoints."""
    if request.method == "OPTIONS":
        return web.Response(status=204)
    body = {"ok": False, "error": f"no such endpoint: {request.method} {request.path}"}
    return web.Response(body=dumps(body).encode(), status=404, content_type="application/json")


async def _cors(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith(PREFIX):
        response.headers.update(CORS_HEADERS)
    elif request.path.startswith("/web/"):  # revalidated, so a new sandbox's page is used
        response.headers["Cache-Control"] = "no-cache"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--rate-limits", action="store_true", help="enable Telegram-like flood limits"
    )
    parser.add_argument("--bot-username", default=EmulatorConfig.bot_username)
    parser.add_argument("--bot-name", default=EmulatorConfig.bot_first_name)
    parser.add_argument(
        "--allow-unstarted",
        action="store_true",
        help="let bots message users who never wrote to them (Telegram answers 403)",
    )
    parser.add_argument("--update-id-start", type=int, default=None)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    async def serve() -> None:
        async with run_emulator(
            args.host,
            args.port,
            rate_limits=args.rate_limits,
            bot_username=args.bot_username,
            bot_first_name=args.bot_name,
            require_start=not args.allow_unstarted,
            update_id_start=args.update_id_start,
        ) as server:
            print(
                f"Bot API emulator on {server.base_url} (control API: {server.base_url}{PREFIX})",
                flush=True,
            )
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
