"""The ``ukbot`` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.logging_setup import setup_logging
from bot.settings import Settings

log = logging.getLogger("bot.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ukbot",
        description="UK Management Bot: a Telegram request desk for housing management companies.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "run", help="run the bot (long polling, or a webhook when UKBOT_WEBHOOK_URL is set)"
    )

    # started by `ukbot run` when UKBOT_WORKERS > 1 (bot.workers): updates on standard input
    sub.add_parser("worker")

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply all migrations")

    directory = sub.add_parser("directory", help="address directory")
    dir_sub = directory.add_subparsers(dest="directory_command", metavar="ACTION")
    imp = dir_sub.add_parser("import", help="import buildings, entrances and apartments from CSV")
    imp.add_argument("file", type=Path, help="CSV file (see README for the columns)")

    clients = sub.add_parser("api-client", help="REST API clients (integrations)")
    clients_sub = clients.add_subparsers(dest="api_client_command", metavar="ACTION")
    create = clients_sub.add_parser(
        "create", help="create a client and print its secret (shown once)"
    )
    create.add_argument("name", help='who it is for, e.g. "Call centre"')
    create.add_argument(
        "--scopes",
        required=True,
        help="comma-separated: requests:read, requests:write, export",
    )
    create.add_argument(
        "--buildings",
        default="",
        help="comma-separated building ids it may see (default: every building)",
    )
    clients_sub.add_parser("list", help="list clients")
    revoke = clients_sub.add_parser("revoke", help="revoke a client: its tokens stop at once")
    revoke.add_argument("id", type=int)

    sandbox = sub.add_parser(
        "sandbox",
        help="the web page to try the bot in a browser: a local Telegram, the bot, demo data",
        description="Open the printed URL in a browser: resident, executor and manager side "
        "by side. Ctrl+C (or SIGTERM) stops everything. UKBOT_SANDBOX_STAFF_LANGUAGE=ru|uz|en "
        "sets the demo staff's language (en by default).",
    )
    sandbox.add_argument(
        "--host", default="127.0.0.1", help="interface for the page (default %(default)s)"
    )
    sandbox.add_argument(
        "--port",
        type=int,
        default=8081,
        help="port of the page and the Bot API emulator (default %(default)s)",
    )

    bench = sub.add_parser(
        "bench",
        help="benchmark: emulator + bot as processes, simulated users doing full journeys",
    )
    from bench.options import add_arguments as add_bench_arguments

    add_bench_arguments(bench)
    return parser


async def _db_upgrade(settings: Settings) -> None:
    from bot.database import resolve_database_url
    from storage.migrate import upgrade_to_head

    await upgrade_to_head(await asyncio.to_thread(resolve_database_url, settings))
    print("database is at the latest schema")


async def _directory_import(settings: Settings, path: Path) -> int:
    from bot.database import resolve_database_url
    from storage.db import create_engine, create_session_factory
    from storage.directory_import import DirectoryImportError, import_directory
    from storage.migrate import upgrade_to_head

    url = await asyncio.to_thread(resolve_database_url, settings)
    if settings.auto_migrate:
        await upgrade_to_head(url)
    engine = create_engine(url)
    try:
        report = await import_directory(create_session_factory(engine), path)
    except DirectoryImportError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(report.summary())
    return 0


async def _api_client(settings: Settings, args: argparse.Namespace) -> int:
    from bot.database import resolve_database_url
    from domain.errors import DomainError
    from domain.services import api_clients as uc
    from storage.db import create_engine, create_session_factory
    from storage.migrate import upgrade_to_head
    from storage.uow import SqlUnitOfWork

    url = await asyncio.to_thread(resolve_database_url, settings)
    if settings.auto_migrate:
        await upgrade_to_head(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            if args.api_client_command == "create":
                buildings = [
                    int(b) for b in args.buildings.replace(";", ",").split(",") if b.strip()
                ]
                new = await uc.create_client(
                    uow, None, args.name, args.scopes.split(","), now, building_ids=buildings
                )
                print(f"client id:     {new.client.id}")
                print(f"client secret: {new.secret}")
                print("The secret is shown only now: keep it where the integration reads it.")
            elif args.api_client_command == "revoke":
                gone = await uc.revoke_client(uow, None, args.id, now)
                print(f"client {gone.id} ({gone.name}) is revoked: its tokens no longer work")
            else:
                for client in await uc.list_clients(uow, None):
                    state = "revoked" if client.revoked_at else "active"
                    where = ",".join(map(str, sorted(client.building_ids))) or "all buildings"
                    print(
                        f"{client.id}\t{client.name}\t{' '.join(sorted(client.scopes))}\t"
                        f"{where}\t{state}"
                    )
    except (DomainError, ValueError) as error:
        from bot.i18n import get_translator

        key = error.key if isinstance(error, DomainError) else None
        params = error.params if isinstance(error, DomainError) else {}
        text = get_translator()("en", key, **params) if key else str(error)
        print(f"refused: {text}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    return 0


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _run_until_stopped(main: Coroutine[Any, Any, None], settings: Settings) -> None:
    """Run ``main`` until it ends or SIGINT / SIGTERM arrives, then let its cleanups run.

    The first signal cancels ``main`` (the way Ctrl+C does), so every ``finally`` runs
    in order: polling stops, connections close, the embedded server stops. Repeats
    while stopping are ignored: a stop signal usually comes twice, once to the whole
    process group (systemd, docker, a terminal) and once forwarded by a parent such
    as ``uv run``, and a second interruption would abandon the cleanups half way
    (leaving the embedded PostgreSQL running). Cleanups are bounded by their own
    timeouts. A KeyboardInterrupt raised in the middle of a task, as the default
    handler does, would also log tracebacks of whatever it hit.
    """

    async def runner() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        stopping: list[str] = []

        def stop(name: str) -> None:
            if stopping:
                log.info("%s: already stopping", name)
                return
            stopping.append(name)
            log.info("%s: stopping", name)
            task.cancel()

        for signum in _STOP_SIGNALS:
            loop.add_signal_handler(signum, stop, signal.Signals(signum).name)
        try:
            await main
        except asyncio.CancelledError:
            if not stopping:
                raise

    try:
        asyncio.run(runner())
    finally:
        # Exiting now: a late repeat of the signal must not interrupt the last steps.
        for signum in _STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        _release_embedded_postgres(settings)


def _release_embedded_postgres(settings: Settings) -> None:
    """Unregister this process from the embedded server, stopping it when no other
    process uses it. ``open_runtime`` does the same on a normal exit (then this finds
    nothing to do); this covers a stop that came while the server was being started
    (the starting thread finishes before ``asyncio.run`` returns) or an error."""
    if settings.database_url is not None:
        return
    from bot.embedded_pg import stop_embedded_postgres

    try:
        stop_embedded_postgres(settings.data_dir / "postgres")
    except Exception:
        log.exception("could not stop the embedded PostgreSQL")


def _prepare_metrics_dir() -> None:
    """A fresh folder for the metric files of the polling process and its workers (left
    files of an earlier run would add old counts); removed at exit."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="ukbot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def _exit_quietly(signum: int, frame: object) -> None:
    # Until a command installs its own handling: a stop while importing needs no
    # cleanup, and deserves no KeyboardInterrupt traceback.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _exit_quietly)
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    settings = Settings()
    setup_logging(settings.log_format, settings.log_level)
    if args.command == "run":
        from bot import heap

        heap.pause_during_start()  # until the bot is built (bot.app: heap.settle)
        from bot.app import run_polling, run_webhook

        if not settings.bot_token.get_secret_value():
            print("UKBOT_BOT_TOKEN is not set (or try `ukbot sandbox`)", file=sys.stderr)
            return 2
        if settings.webhook_url and not settings.webhook_secret:
            print("UKBOT_WEBHOOK_SECRET is required with UKBOT_WEBHOOK_URL", file=sys.stderr)
            return 2
        if settings.workers > 1:
            if settings.webhook_url:
                print(
                    "UKBOT_WORKERS > 1 is for long polling (no UKBOT_WEBHOOK_URL); with a "
                    "webhook, run several instances behind a proxy (see deploy/)",
                    file=sys.stderr,
                )
                return 2
            if settings.redis_url is None:
                print(
                    "UKBOT_WORKERS > 1 needs UKBOT_REDIS_URL: workers share state through Redis",
                    file=sys.stderr,
                )
                return 2
            # Before anything imports prometheus_client: the processes' metrics are added
            # up through files (bot.metrics).
            _prepare_metrics_dir()
            from bot.workers import run_polling_with_workers

            _run_until_stopped(run_polling_with_workers(settings), settings)
            return 0
        _run_until_stopped(
            run_webhook(settings) if settings.webhook_url else run_polling(settings), settings
        )
        return 0
    if args.command == "worker":
        from bot import heap

        heap.pause_during_start()
        from bot.workers import run_worker

        # A stop reaches the whole process group: the polling process ends our input
        # (and kills us if we do not stop in time), then we stop.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        asyncio.run(run_worker(settings))
        return 0
    if args.command == "db" and args.db_command == "upgrade":
        asyncio.run(_db_upgrade(settings))
        return 0
    if args.command == "directory" and args.directory_command == "import":
        return asyncio.run(_directory_import(settings, args.file))
    if args.command == "api-client" and args.api_client_command:
        try:
            return asyncio.run(_api_client(settings, args))
        finally:
            _release_embedded_postgres(settings)
    if args.command == "bench":
        from bench.journeys import run_cli

        return run_cli(args)
    if args.command == "sandbox":
        from sandbox.run import run_sandbox

        _run_until_stopped(run_sandbox(settings, host=args.host, port=args.port), settings)
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
