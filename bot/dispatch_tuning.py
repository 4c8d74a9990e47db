"""Keep aiogram's filter checks on the event loop, and few of them per button press.

aiogram runs every synchronous callable it is given through
``asyncio.to_thread``, and a magic filter (``F.text``, ``F.chat.type ==
"private"``, ``F.photo``) is one: each candidate handler's check of each update
went to a worker thread and back. Those checks are attribute lookups of a few
microseconds; the thread round trip cost a hundred times more and kept a
second core busy. ``run_filters_inline`` wraps every synchronous filter of the
dispatcher's routers in a coroutine that calls it directly. Handlers are left
alone (they are coroutines already; a synchronous one is reported).

aiogram tries a button press against every callback handler in router order until
one matches: a resident's press in the tracking router was first checked against the
admin, manager, executor, onboarding and filing handlers, thirty filter calls, each
unpacking the data into a model or failing with an exception. ``gate_callbacks``
gives every router whose handlers all require a ``CallbackData`` prefix one check of
the press's prefix first, so a router that could not match is skipped whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery

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


class CallbackPrefixGate(Filter):
    """Passes a press whose data starts with one of ``prefixes`` (as ``CallbackData``
    packs it: the prefix, then its separator)."""

    def __init__(self, prefixes: dict[str, frozenset[str]]) -> None:
        self.prefixes = prefixes  # separator -> prefixes

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data or ""
        return any(data.split(sep, 1)[0] in names for sep, names in self.prefixes.items())


def _required_prefix(handler: HandlerObject) -> tuple[str, str] | None:
    """The ``CallbackData`` (separator, prefix) the handler cannot match without."""
    for flt in handler.filters or ():
        if isinstance(flt.callback, CallbackQueryFilter):
            data = flt.callback.callback_data
            return data.__separator__, data.__prefix__
    return None


def _prefixes(router: Router) -> dict[str, set[str]] | None:
    """What the router's callback handlers and its sub-routers' need; None when any of
    them could take a press without a ``CallbackData`` filter."""
    needed: dict[str, set[str]] = {}
    for handler in router.callback_query.handlers:
        required = _required_prefix(handler)
        if required is None:
            return None
        needed.setdefault(required[0], set()).add(required[1])
    for sub in router.sub_routers:
        below = _prefixes(sub)
        if below is None:
            return None
        for sep, names in below.items():
            needed.setdefault(sep, set()).update(names)
    return needed


def gate_callbacks(router: Router) -> int:
    """Put a ``CallbackPrefixGate`` first among the callback filters of ``router`` and
    of every router below it that only takes known prefixes; returns how many."""
    gated = 0
    for sub in router.chain_tail:
        needed = _prefixes(sub)
        if needed is None:
            continue
        gate = CallbackPrefixGate({sep: frozenset(names) for sep, names in needed.items()})
        root = sub.callback_query._handler
        root.filters = [FilterObject(gate), *(root.filters or ())]
        gated += 1
    return gated
