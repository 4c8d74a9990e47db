"""Building the bot: Bot, Dispatcher with middlewares and routers, and the runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import ExceptionTypeFilter
from aiogram.methods.base import Response, TelegramMethod, TelegramType
from aiogram.types import ErrorEvent
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from redis.asyncio import Redis

from bot import heap
from bot.callback_gates import gate_callbacks
from bot.classifier import OpenAIClassifier
from bot.commands import CommandsMenu
from bot.database import resolve_database_url
from bot.digests import DigestSender
from bot.embedded_pg import stop_embedded_postgres
from bot.geocoder import NominatimGeocoder
from bot.i18n import Translator
from bot.media_store import TelegramMediaStore
from bot.metrics import watch_pool
from bot.middlewares.log_context import LogContextMiddleware
from bot.middlewares.metrics import BotApiMetrics, UpdateMetricsMiddleware
from bot.middlewares.throttling import ThrottlingMiddleware
from bot.middlewares.user import UserMiddleware
from bot.outbox import SEND_TIMEOUT, OutboxWorker
from bot.polling import poll
from bot.ratelimit import Limits, LocalLimits, SharedLimits
from bot.services import ProfileCache, Services
from bot.settings import Settings
from bot.sweeper import DeadlineSweeper
from bot.updates import UpdateRunner, redriving
from domain.clock import Clock, SystemClock
from fsm.storage import FsmBackend, build_fsm_backend
from handlers import admin, executor, manager, resident
from handlers.common import fallback, invites, start
from handlers.errors import DomainErrorMiddleware
from handlers.errors import router as errors_router
from storage.db import (
    create_engine,
    create_reader_factory,
    create_session_factory,
)
from storage.repositories.inbox import SqlUpdateInbox, UpdateTakenOver
from storage.schema_version import migrate_if_behind

log = logging.getLogger(__name__)

SETTLE_AFTER_START = 1.0
"""Seconds after polling starts when the start-up heap is settled (``bot.heap``)."""

DRAIN_ON_STOP = 10.0
"""Seconds a stop waits for the updates being handled when polling stops."""

OUTBOX_STOP = SEND_TIMEOUT
"""How long a stop waits for the messages being sent (no send takes longer)."""


class BotSession(AiohttpSession):
    """aiogram's HTTP session, keeping the response models it parses alive.

    aiogram validates each answer with ``Response[method.__returning__]``;
    pydantic caches those parametrised models only weakly, so between garbage
    collections it rebuilt one for almost every call (a seventh of the bot's
    CPU under load). Holding them here makes every lookup a cache hit.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        kind = type(method)
        if kind not in self._response_models:
            self._response_models[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await super().make_request(bot, method, timeout)


def create_bot(settings: Settings) -> Bot:
    session = BotSession(api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")))
    session.middleware(BotApiMetrics())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        # Plain text: user-written names, addresses and descriptions can never be read as markup.
        default=DefaultBotProperties(parse_mode=None, link_preview_is_disabled=True),
    )


def create_dispatcher(services: Services, fsm: FsmBackend) -> Dispatcher:
    dp = Dispatcher(storage=fsm.storage, events_isolation=fsm.events_isolation, services=services)
    settings = services.settings
    dp.update.outer_middleware(UpdateMetricsMiddleware())  # first: it times all the others
    dp.update.outer_middleware(UserMiddleware(services.profiles, services.translator))
    dp.update.outer_middleware(
        ThrottlingMiddleware(settings.throttle_rate_per_second, settings.throttle_burst)
    )
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    for observer in (dp.message, dp.callback_query, dp.inline_query):
        observer.middleware(LogContextMiddleware())
        observer.middleware(DomainErrorMiddleware())
    dp.include_routers(
        errors_router,
        invites.router,  # before start: /start <invite code>
        start.router,
        admin.router,
        manager.router,
        executor.router,
        resident.router,
        fallback.router,  # last: whatever nobody handled still gets an answer
    )
    # Before the routers' error handlers: another attempt handles that update, so this
    # one answers nothing.
    dp.errors.register(_taken_over, ExceptionTypeFilter(UpdateTakenOver))
    gate_callbacks(dp)
    return dp


async def _taken_over(event: ErrorEvent) -> None:
    log.warning("update taken over by another attempt", extra={"update_id": event.update.update_id})


LIMITS_REDIS_TIMEOUT = 2.0
"""Seconds the shared limiter waits for Redis before the outbox uses its own limits (for
``REDIS_RETRY_AFTER``: an outage costs at most this once per 5 s). A refused connection
fails at once; a Redis that is only slow under load should not be taken for an outage."""


def build_limits(
    settings: Settings, bot_id: int, redis_url: str | None
) -> tuple[Limits, Redis | None]:
    """Telegram's sending limits: in Redis for the whole installation when there is one
    (with its own client: quick to give up, so an outage costs the outbox no time)."""
    rate = settings.outbox_global_rate
    private = settings.outbox_private_chat_interval
    group = settings.outbox_group_per_minute
    paid = settings.outbox_paid_broadcast_rate
    if not redis_url:
        return LocalLimits(rate, private, group, paid_rate=paid), None
    redis = Redis.from_url(
        redis_url, socket_connect_timeout=LIMITS_REDIS_TIMEOUT, socket_timeout=LIMITS_REDIS_TIMEOUT
    )
    limits = SharedLimits(
        redis,
        bot_id,
        global_rate=rate,
        private_interval=private,
        group_per_minute=group,
        paid_rate=paid,
    )
    return limits, redis


@dataclass
class Runtime:
    settings: Settings
    services: Services
    bot: Bot
    dispatcher: Dispatcher
    fsm: FsmBackend
    outbox: OutboxWorker
    sweeper: DeadlineSweeper
    updates: UpdateRunner
    digests: DigestSender


@contextlib.asynccontextmanager
async def open_runtime(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[Runtime]:
    """Database (embedded unless configured), migrations, FSM storage, bot and workers."""
    database_url = await asyncio.to_thread(resolve_database_url, settings)
    if settings.auto_migrate:
        await migrate_if_behind(database_url)
    engine = create_engine(
        database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    watch_pool(engine)
    session_factory = create_session_factory(engine)
    readers = create_reader_factory(engine)  # the same pool, for reading only
    translator = Translator(default=settings.default_language)
    clock = clock or SystemClock()
    bot = create_bot(settings)
    geocoder = NominatimGeocoder(
        settings.geocoder_url or None,
        settings.geocoder_user_agent,
        min_interval=settings.geocoder_min_interval,
        session_factory=session_factory,
    )
    classifier = OpenAIClassifier.from_settings(settings)
    services = Services(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        readers=readers,
        translator=translator,
        clock=clock,
        profiles=ProfileCache(readers),
        commands=CommandsMenu(translator),
        geocoder=geocoder,
        media_store=TelegramMediaStore(bot, settings.storage_channel_id),
        classifier=classifier,
    )
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    fsm = build_fsm_backend(redis_url, state_ttl=timedelta(days=settings.fsm_state_ttl_days))
    limits, limits_redis = build_limits(settings, bot.id, redis_url)
    outbox = OutboxWorker(
        bot,
        engine,
        translator,
        clock,
        poll_interval=settings.outbox_poll_interval,
        limits=limits,
        paid_rate=settings.outbox_paid_broadcast_rate,
    )
    services.outbox_wake = outbox.wake
    dispatcher = create_dispatcher(services, fsm)
    try:
        sweeper = DeadlineSweeper(services, interval=settings.sweep_interval)
        services.deadline_settings_changed = sweeper.settings_changed
        updates = UpdateRunner(dispatcher, bot, SqlUpdateInbox(engine), applied=fsm.applied)
        digests = DigestSender(services, bot)
        yield Runtime(settings, services, bot, dispatcher, fsm, outbox, sweeper, updates, digests)
    finally:
        for task in list(services.background):
            task.cancel()
        await classifier.aclose()
        await geocoder.aclose()
        await bot.session.close()
        await fsm.close()
        if limits_redis is not None:
            await limits_redis.aclose()
        await engine.dispose()
        if settings.database_url is None:
            # Stops the embedded server unless another process of ours still uses it.
            await asyncio.to_thread(stop_embedded_postgres, settings.data_dir / "postgres")


@contextlib.asynccontextmanager
async def once_per_bot(rt: Runtime) -> AsyncIterator[None]:
    """The background work of an instance: the outbox, the deadline sweeper, the digests
    and the command menu. Several instances may run it side by side (webhook instances
    behind a proxy): outbox rows are leased, Telegram's limits are shared in Redis
    (``SharedLimits``), sweeps take rows with SKIP LOCKED. ``UKBOT_WORKERS`` processes
    leave it to their polling process."""
    # The menu is not needed to answer updates: nothing waits for it.
    rt.services.spawn(rt.services.commands.register_defaults(rt.bot), name="commands")
    outbox_task = asyncio.create_task(rt.outbox.run(), name="outbox")
    if rt.settings.sweep_interval > 0:
        rt.sweeper.start()
        rt.digests.start()
    try:
        yield
    finally:
        rt.digests.stop()
        rt.sweeper.stop()
        # The messages being sent finish and are recorded (none goes out twice after the
        # restart); cancelled only when that takes longer than a send may.
        rt.outbox.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(outbox_task), OUTBOX_STOP.total_seconds())
        outbox_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await outbox_task


@contextlib.asynccontextmanager
async def polling(rt: Runtime) -> AsyncIterator[asyncio.Task[None]]:
    """Long polling (``bot.polling``), the redrive of updates a dead process left
    unfinished, the outbox and the sweeper; on exit, the updates being handled finish."""
    allowed = rt.dispatcher.resolve_used_update_types()
    poller = asyncio.create_task(poll(rt.bot, allowed, rt.updates.receive), name="polling")
    try:
        async with redriving(rt.updates), once_per_bot(rt):
            yield poller
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        # before the runtime closes the FSM storage and the pool under them
        await rt.updates.wait_idle(DRAIN_ON_STOP)


@contextlib.asynccontextmanager
async def serving_http(
    rt: Runtime, processes: Callable[[], Iterable[tuple[str, int]]] | None = None
) -> AsyncIterator[None]:
    """In long polling, the HTTP server without the webhook: the REST API, ``/metrics``
    and the probes on ``UKBOT_HTTP_HOST:UKBOT_HTTP_PORT``. A port already taken stops
    only them (logged as an error), not the bot."""
    from aiohttp import web

    from bot.web import create_web_app

    extra = {"processes": processes} if processes is not None else {}
    runner = web.AppRunner(create_web_app(rt, webhook_secret=None, webhook=False, **extra))
    await runner.setup()
    host, port = rt.settings.http_host, rt.settings.http_port
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        log.error(
            "HTTP server not started: the REST API, /metrics and the probes are off",
            extra={"host": host, "port": port, "error": str(error)},
        )
    else:
        log.info("REST API, /metrics and probes", extra={"url": f"http://{host}:{port}"})
    try:
        yield
    finally:
        await runner.cleanup()


async def run_polling(settings: Settings) -> None:
    async with open_runtime(settings) as rt, polling(rt) as poller, serving_http(rt):
        # Once the first long poll is out: settling (a full collection) need not delay it.
        asyncio.get_running_loop().call_later(SETTLE_AFTER_START, heap.settle)
        rt.services.spawn(heap.keep_trimmed(), name="heap-trim")
        # a stop cancels us, not the poller: polling() stops it gracefully
        await asyncio.shield(poller)


async def run_webhook(settings: Settings) -> None:
    """Production mode: Telegram posts updates to our HTTP server; health probes beside it."""
    from aiohttp import web

    from bot.web import create_web_app

    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    async with open_runtime(settings) as rt:
        app = create_web_app(rt, webhook_secret=secret)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        await rt.bot.set_webhook(
            settings.webhook_url, secret_token=secret, drop_pending_updates=False
        )
        log.info("webhook mode", extra={"url": settings.webhook_url, "port": settings.http_port})
        heap.settle()
        rt.services.spawn(heap.keep_trimmed(), name="heap-trim")
        try:
            async with redriving(rt.updates), once_per_bot(rt):
                await asyncio.Event().wait()  # until cancelled (Ctrl+C / SIGTERM)
        finally:
            await runner.cleanup()
            await rt.updates.wait_idle(DRAIN_ON_STOP)
