"""Garbage-collector settings for a long-running bot process.

Start-up builds a few hundred thousand long-lived objects (aiogram's and
pydantic's schemas, SQLAlchemy's mappers, the catalogues). While they are being
built the collector keeps walking them — five full collections, about 0.8 s of a
~5 s start — and finds nothing, so ``pause_during_start`` switches it off until
``settle``. Afterwards every full collection walked all of them again — one took
~0.3 s under load, a pause every user of the bot felt — although none of them
ever becomes garbage: ``settle`` moves them out of the collector's sight
(``gc.freeze``). The young generation's threshold stays: a larger one made
collections rarer but each one longer, for the same total.
"""

from __future__ import annotations

import gc


def pause_during_start() -> None:
    """Call before the heavy imports of a process that will call ``settle``."""
    gc.disable()


def settle() -> None:
    """Call once everything is imported and built, before serving updates."""
    gc.collect()
    gc.freeze()
    gc.enable()
