"""Keep aiogram's filter checks on the event loop.

aiogram runs every synchronous callable it is given through
``asyncio.to_thread``, and a magic filter (``F.text``, ``F.chat.type ==
"private"``, ``F.photo``) is one: each candidate handler's check of each update
went to a worker thread and back. Those checks are attribute lookups of a few
microseconds; the thread round trip cost a hundred times more and kept a
second core busy. ``run_filters_inline`` wraps every synchronous filter of the
dispatcher's routers in a coroutine that calls it directly. Handlers are left
alone (they are coroutines already; a synchronous one is reported).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject

log = logging.getLogger(__name__)


def _inline(check: Callable[..., Any]) -> Callable[..., Any]:
    async def run_inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return run_inline


def _handlers(router: Router) -> Iterator[tuple[HandlerObject, bool]]:
    """Every handler with its filters, and the routers' own filters (not a real handler)."""
    for sub in router.chain_tail:
        for observer in sub.observers.values():
            yield observer._handler, False  # ``router.message.filter(...)``
            for handler in observer.handlers:
                yield handler, True


def run_filters_inline(router: Router) -> int:
    """Make the synchronous filters of ``router`` and its sub-routers run inline;
    returns how many were changed."""
    changed = 0
    for handler, real in _handlers(router):
        for flt in handler.filters or ():
            if not flt.awaitable:
                _make_inline(flt)
                changed += 1
        if real and not handler.awaitable:
            log.warning("synchronous handler runs in a thread", extra={"handler": handler.callback})
    return changed


def _make_inline(flt: FilterObject) -> None:
    # ``call`` passes only the parameters ``params`` names, computed from the
    # original callable: keep them, swap the callable for a coroutine.
    flt.callback = _inline(flt.callback)
    flt.awaitable = True
