"""Hottest functions of a py-spy raw profile (collapsed stacks), by own and total time,
and own time by package (SQLAlchemy, aiogram, asyncio, ..., the project's own code).

    uv run --with py-spy ukbot bench --profile /tmp/bot.txt ...
    uv run python -m bench.profile_top /tmp/bot.txt [--top 15] [--idle]

A frame is ``function (file:line)``; the line is dropped so that one function is one
row. By default samples whose leaf is the event loop waiting (``select``/``poll``)
are left out: they are idle time, not work.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
# leaves that are waiting, not working: the event loop's selector, idle pool threads
_IDLE = (
    "select (selectors.py",
    "poll (selectors.py",
    "KqueueSelector.select",
    "_worker (concurrent/futures/thread.py",
    "wait (threading.py",
)


# frames under which everything runs: left out of the "total" ranking (always ~100 %)
_GENERIC = (
    "(<frozen runpy>)",
    "(asyncio/runners.py)",
    "BaseEventLoop.run_forever (",
    "BaseEventLoop.run_until_complete (",
    "BaseEventLoop._run_once (",
    "Handle._run (asyncio/events.py)",
    "(bot/cli.py)",
    "(threading.py)",
    "_worker (concurrent/futures/thread.py)",
)


_PROJECT = frozenset({"bot", "domain", "storage", "handlers", "fsm", "bench", "sandbox"})


def _package(name: str) -> str:
    """``Session.execute (sqlalchemy/orm/session.py)`` -> ``sqlalchemy``."""
    file = name.rpartition(" (")[2].rstrip(")")
    if name.startswith("process ") or ("/" not in file and not file.endswith(".py")):
        return "no Python frame (C code, the garbage collector)"
    top = file.split("/", 1)[0].removesuffix(".py")
    if top in ("runtime", "syntax"):  # fluent.runtime, a namespace package
        return "fluent"
    return "the project" if top in _PROJECT else top


def _name(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    return f"{match.group('func')} ({match.group('file')})"


def top_functions(
    path: Path, top: int = 15, *, include_idle: bool = False
) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, int]]]:
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f]
        if not frames:
            continue
        if not include_idle and any(marker in frames[-1] for marker in _IDLE):
            continue
        samples += count
        names = [_name(f) for f in frames]
        own[names[-1]] += count
        packages[_package(names[-1])] += count
        for name in set(names):
            if not any(marker in name for marker in _GENERIC):
                total[name] += count
    return samples, own.most_common(top), total.most_common(top), packages.most_common(top)


def render(path: Path, top: int = 15, *, include_idle: bool = False) -> str:
    samples, own, total, packages = top_functions(path, top, include_idle=include_idle)
    lines = [f"{samples} busy samples in {path}", "", "own time by package:"]
    lines += [f"  {100 * n / samples:5.1f} %  {name}" for name, n in packages] if samples else []
    lines += ["", f"top {top} by own time:"]
    lines += [f"  {100 * n / samples:5.1f} %  {name}" for name, n in own] if samples else []
    lines += ["", f"top {top} by total time (function and its callees):"]
    lines += [f"  {100 * n / samples:5.1f} %  {name}" for name, n in total] if samples else []
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--idle", action="store_true", help="keep event-loop idle samples")
    args = parser.parse_args()
    print(render(args.profile, args.top, include_idle=args.idle))


if __name__ == "__main__":
    main()
