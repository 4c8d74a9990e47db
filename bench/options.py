"""Options of `ukbot bench` (standard library only: `ukbot`'s parser imports this)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BenchOptions:
    journeys: int | None = None  # measure until this many journeys completed ...
    seconds: float | None = 30.0  # ... or for this long
    concurrency: int = 10
    rate: float | None = None  # paced: user actions per second over all lanes
    warmup: float = 5.0
    write: Path | None = None
    skip_bare: bool = False
    skip_fanout: bool = False
    fanout_users: int = 2500
    fanout_per_user: int = 2
    fanout_rate: float = 25.0
    executors: int | None = None  # default: concurrency + 2
    outbox_rate: float = 1000.0
    workers: int = 1  # the bot's UKBOT_WORKERS
    instances: int = 0  # >0: webhook instances behind nginx, compared with one instance
    database_server_url: str | None = None  # default: UKBOT_DATABASE_URL's server / embedded
    redis_url: str | None = None  # default: UKBOT_REDIS_URL ("" = in memory)
    profile: Path | None = None  # py-spy raw (collapsed stacks) output of the bot
    log_dir: Path | None = None
    quiet: bool = False
    outage_storm: int | None = None  # K residents filing "no water" at once (instead of journeys)
    storm_seconds: float = 60.0

    @property
    def mode(self) -> str:
        mode = f"paced at {self.rate:g} updates/s" if self.rate else "closed loop"
        if self.instances:
            return f"{mode}, {self.instances} webhook instances behind nginx"
        return f"{mode}, {self.workers} bot workers" if self.workers > 1 else mode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--journeys", type=int, help="measure until N journeys completed")
    size.add_argument("--seconds", type=float, help="measurement window in seconds (default 30)")
    parser.add_argument("--concurrency", type=int, default=10, help="simulated lanes (default 10)")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="paced mode: offer this many updates/s over all lanes (default: closed loop)",
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds (default 5)")
    parser.add_argument("--write", type=Path, default=None, help="write the report (markdown)")
    parser.add_argument("--skip-bare", action="store_true", help="no bare aiogram baseline")
    parser.add_argument("--skip-fanout", action="store_true", help="no outbox fan-out benchmark")
    parser.add_argument("--fanout-users", type=int, default=2500)
    parser.add_argument("--fanout-per-user", type=int, default=2)
    parser.add_argument("--fanout-rate", type=float, default=25.0, help="outbox global limit")
    parser.add_argument("--executors", type=int, default=None, help="default: concurrency + 2")
    parser.add_argument(
        "--outbox-rate", type=float, default=1000.0, help="bot's outbox rate in the journeys"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="bot processes under one poll (UKBOT_WORKERS)"
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=0,
        help="webhook instances behind nginx (Debian's package), measured against one "
        "instance behind it in the same run (default: long polling, one process)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy raw profile of the bot over the window (the bare bot's: NAME-bare.EXT)",
    )
    parser.add_argument("--log-dir", type=Path, default=None)
    parser.add_argument(
        "--outage-storm",
        type=int,
        nargs="?",
        const=300,
        default=None,
        metavar="K",
        help="outage storm instead of the journeys: K residents (default 300) of one building "
        'each start filing "no water" within --storm-seconds',
    )
    parser.add_argument(
        "--storm-seconds", type=float, default=60.0, help="the storm's window (default 60)"
    )


def options_from_args(args: argparse.Namespace) -> BenchOptions:
    seconds = args.seconds if args.seconds is not None else (None if args.journeys else 30.0)
    return BenchOptions(
        journeys=args.journeys,
        seconds=seconds,
        concurrency=args.concurrency,
        rate=args.rate,
        warmup=args.warmup,
        write=args.write,
        skip_bare=args.skip_bare,
        skip_fanout=args.skip_fanout,
        fanout_users=args.fanout_users,
        fanout_per_user=args.fanout_per_user,
        fanout_rate=args.fanout_rate,
        executors=args.executors,
        outbox_rate=args.outbox_rate,
        workers=args.workers,
        instances=args.instances,
        profile=args.profile,
        log_dir=args.log_dir,
        outage_storm=args.outage_storm,
        storm_seconds=args.storm_seconds,
    )
