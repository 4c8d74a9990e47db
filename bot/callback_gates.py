"""A button press is checked only by the routers that have a handler for its prefix.

aiogram tries a press against every callback handler in router order until one
matches: a resident's press in the tracking router was first checked against the
admin, manager, executor, onboarding and filing handlers, thirty filter calls, each
unpacking the data into a model or failing with an exception. ``gate_callbacks``
gives every router whose callback handlers all require a ``CallbackData`` prefix a
router-level filter (aiogram's own ``router.callback_query.filter``) that checks the
press's prefix first: a router that could not match is skipped whole, with the
routers below it.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


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
    """Give ``router`` and every router below it that only takes known prefixes a
    ``CallbackPrefixGate``; returns how many. Call once, with every handler registered."""
    gated = 0
    for sub in router.chain_tail:
        needed = _prefixes(sub)
        if needed is None:
            continue
        sub.callback_query.filter(
            CallbackPrefixGate({sep: frozenset(names) for sep, names in needed.items()})
        )
        gated += 1
    return gated
