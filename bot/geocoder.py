"""Geocoding adapter (the ``domain.ports.Geocoder`` port): geopy's Nominatim over aiohttp.

* Optional: an empty base URL disables it; every call then answers ``None`` /
  ``[]`` at once, without touching the network or the database.
* Never fatal: a network error, an HTTP error, a timeout, a malformed answer or a
  broken cache is logged as a warning and answered with ``None`` / ``[]`` — the
  resident then picks the building from the list instead.
* Polite: a real User-Agent, a per-request timeout, and at most one request per
  ``min_interval`` seconds to a server across the whole process (a shared
  pacer); a request that would have to queue longer than ``max_wait`` is not
  sent at all. HTTP 429 pauses the pacer for the server's ``Retry-After``.
* Cached in ``geocode_cache``, misses included. Keys are normalised: the text
  trimmed, inner whitespace collapsed and case-folded; points rounded to
  ``REVERSE_DECIMALS`` decimals (about a metre). The table holds one point per
  row, so a search is stored as rows ``search:0:<text>``, ``search:1:<text>``, …
  (row 0 with ``lat`` NULL is a cached "nothing found"); a reverse lookup as
  ``reverse:<lat>,<lon>``. Failures are never cached; misses expire after
  ``miss_ttl`` (default 7 days), hits after ``hit_ttl`` (default: never).

Logs never contain the searched text or the coordinates (they locate a person).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.ports import GeoPoint
from storage.repositories.geocode_cache import GeocodeEntry, SqlGeocodeCache

if TYPE_CHECKING:
    from geopy.geocoders import Nominatim

__all__ = [
    "DEFAULT_USER_AGENT",
    "NominatimGeocoder",
    "RequestPacer",
    "normalize_query",
    "parse_base_url",
    "reverse_key",
    "round_point",
    "search_key",
]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "ukbot/0.1 (UK Management Bot)"
REVERSE_DECIMALS = 5  # ~1.1 m of latitude
MAX_QUERY_LENGTH = 256
DEFAULT_SEARCH_LIMIT = 5
DEFAULT_MISS_TTL = dt.timedelta(days=7)
MAX_RATE_LIMIT_PAUSE = 600.0  # seconds; a longer Retry-After is clipped
DEFAULT_RATE_LIMIT_PAUSE = 60.0  # 429 without Retry-After


# -- keys ------------------------------------------------------------------


def normalize_query(query: str) -> str:
    """Trimmed, inner whitespace collapsed, case-folded: the cache identity of a text."""
    return " ".join(query.split()).casefold()


def search_key(normalized: str, index: int) -> str:
    return f"search:{index}:{normalized}"


def round_point(lat: float, lon: float) -> tuple[float, float]:
    # ``or 0.0`` turns -0.0 into 0.0 so that both give one key
    return round(lat, REVERSE_DECIMALS) or 0.0, round(lon, REVERSE_DECIMALS) or 0.0


def reverse_key(lat: float, lon: float) -> str:
    rlat, rlon = round_point(lat, lon)
    return f"reverse:{rlat:.{REVERSE_DECIMALS}f},{rlon:.{REVERSE_DECIMALS}f}"


def parse_base_url(base_url: str) -> tuple[str, str]:
    """``"http://127.0.0.1:8088/nominatim/"`` -> ``("http", "127.0.0.1:8088/nominatim")``:
    geopy's ``scheme`` and ``domain`` (which may carry a path). No scheme means https."""
    raw = base_url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"geocoder URL must be http or https, not {parts.scheme!r}")
    if not parts.netloc:
        raise ValueError("geocoder URL has no host")
    if parts.query or parts.fragment:
        raise ValueError("geocoder URL must not carry a query or a fragment")
    return scheme, parts.netloc + parts.path.rstrip("/")


# -- pacing ----------------------------------------------------------------


class RequestPacer:
    """Spaces request *starts* at least ``interval`` seconds apart, first come first served.

    Each caller reserves the next free slot (under a short thread lock, never held
    across an ``await``) and then sleeps until it; a caller whose slot is more
    than ``max_wait`` away gets nothing and sends nothing. A cancelled waiter
    merely leaves its slot unused.
    """

    def __init__(self) -> None:
        self._next_free = 0.0  # time.monotonic() of the next free slot
        self._lock = threading.Lock()

    def reserve(self, interval: float, max_wait: float) -> float | None:
        """Seconds to wait before the reserved start, or ``None`` when too far away."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_free)
            if start - now > max_wait:
                return None
            self._next_free = start + interval
            return start - now

    async def acquire(self, interval: float, max_wait: float) -> bool:
        wait = self.reserve(interval, max_wait)
        if wait is None:
            return False
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    def pause(self, seconds: float) -> None:
        """No request starts during the next ``seconds`` (e.g. after HTTP 429)."""
        with self._lock:
            self._next_free = max(self._next_free, time.monotonic() + seconds)


_pacers: dict[str, RequestPacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(server: str) -> RequestPacer:
    """The process-wide pacer of one server (``scheme://host:port``)."""
    with _pacers_lock:
        return _pacers.setdefault(server, RequestPacer())


# -- the adapter -----------------------------------------------------------


class _Failed(Exception):
    """The request was not made or did not succeed; already logged."""


class NominatimGeocoder:
    """Implements ``domain.ports.Geocoder`` against a Nominatim-compatible server.

    ``base_url``: e.g. ``https://nominatim.openstreetmap.org`` or
    ``http://127.0.0.1:8088/nominatim``; ``None`` / empty disables the adapter.
    ``session_factory``: where ``geocode_cache`` lives; ``None`` means no cache.
    ``max_wait``: the longest a call may queue for its request slot (default: ``timeout``).
    Close with :meth:`aclose` (or use ``async with``) to release the HTTP session.
    """

    def __init__(
        self,
        base_url: str | None,
        user_agent: str,
        timeout: float = 5.0,
        min_interval: float = 1.0,
        *,
        session_factory: async_sessionmaker[AsyncSession] | None = None,
        search_limit: int = DEFAULT_SEARCH_LIMIT,
        max_wait: float | None = None,
        miss_ttl: dt.timedelta | None = DEFAULT_MISS_TTL,
        hit_ttl: dt.timedelta | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("geocoder timeout must be positive")
        if min_interval < 0:
            raise ValueError("geocoder min_interval must not be negative")
        if search_limit < 1:
            raise ValueError("geocoder search_limit must be at least 1")
        self.timeout = timeout
        self.min_interval = min_interval
        self.max_wait = timeout if max_wait is None else max_wait
        self.search_limit = search_limit
        self.miss_ttl = miss_ttl
        self.hit_ttl = hit_ttl
        self._session_factory = session_factory
        self._nominatim: Nominatim | None = None
        self._pacer: RequestPacer | None = None
        if base_url is None or not base_url.strip():
            return
        if not user_agent.strip():
            raise ValueError("geocoder user agent must not be empty")
        scheme, domain = parse_base_url(base_url)
        # geopy (all its geocoders, ~1.5 MB) is loaded only when a server is configured.
        from geopy.adapters import AioHTTPAdapter
        from geopy.geocoders import Nominatim

        self._nominatim = Nominatim(
            scheme=scheme,
            domain=domain,
            user_agent=user_agent.strip(),
            timeout=timeout,
            adapter_factory=AioHTTPAdapter,
        )
        self._pacer = pacer_for(f"{scheme}://{urlsplit(f'{scheme}://{domain}').netloc.lower()}")

    @property
    def enabled(self) -> bool:
        return self._nominatim is not None

    # -- lifecycle

    async def aclose(self) -> None:
        if self._nominatim is not None:
            await self._nominatim.adapter.__aexit__(None, None, None)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the port

    async def search(self, query: str) -> list[GeoPoint]:
        if self._nominatim is None:
            return []
        text = " ".join(query.split())
        if not text or len(text) > MAX_QUERY_LENGTH:
            return []
        keys = [search_key(text.casefold(), i) for i in range(self.search_limit)]
        cached = self._cached_search(keys, await self._cache_get(keys))
        if cached is not None:
            return cached
        try:
            found = await self._request(
                "search",
                self._nominatim.geocode,
                text,
                exactly_one=False,
                limit=self.search_limit,
            )
        except _Failed:
            return []
        points = [p for p in map(_point, found or ()) if p is not None][: self.search_limit]
        entries = [GeocodeEntry(keys[i], p.lat, p.lon, p.address) for i, p in enumerate(points)]
        await self._cache_put(entries or [GeocodeEntry(keys[0], None, None, None)], keys)
        return points

    async def reverse(self, lat: float, lon: float) -> str | None:
        if self._nominatim is None:
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            return None
        key = reverse_key(lat, lon)
        entry = (await self._cache_get([key])).get(key)
        if entry is not None and self._fresh(entry):
            return None if entry.is_miss else entry.address
        try:
            location = await self._request(
                "reverse", self._nominatim.reverse, round_point(lat, lon), exactly_one=True
            )
        except _Failed:
            return None
        point = _point(location)
        if point is None or not point.address:
            await self._cache_put([GeocodeEntry(key, None, None, None)], [key])
            return None
        await self._cache_put([GeocodeEntry(key, point.lat, point.lon, point.address)], [key])
        return point.address

    # -- network

    async def _request(
        self, what: str, call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
    ) -> Any:
        from geopy.exc import GeocoderRateLimited, GeocoderTimedOut, GeopyError

        assert self._pacer is not None
        if not await self._pacer.acquire(self.min_interval, self.max_wait):
            log.warning(
                "geocoder %s skipped: no request slot within %.1f s (rate limit)",
                what,
                self.max_wait,
            )
            raise _Failed
        try:
            # geopy applies ``timeout`` to the HTTP request; this guards the rest
            async with asyncio.timeout(self.timeout + 1.0):
                return await call(*args, timeout=self.timeout, **kwargs)
        except GeocoderRateLimited as exc:
            pause = min(float(exc.retry_after or DEFAULT_RATE_LIMIT_PAUSE), MAX_RATE_LIMIT_PAUSE)
            self._pacer.pause(pause)
            log.warning("geocoder %s rate limited by the server; pausing %.0f s", what, pause)
            raise _Failed from exc
        except (GeocoderTimedOut, TimeoutError) as exc:
            log.warning("geocoder %s timed out after %.1f s", what, self.timeout)
            raise _Failed from exc
        except GeopyError as exc:
            log.warning("geocoder %s failed: %s: %.200s", what, type(exc).__name__, exc)
            raise _Failed from exc
        except Exception as exc:  # the adapter is optional: nothing may escape
            log.warning("geocoder %s failed unexpectedly", what, exc_info=True)
            raise _Failed from exc

    # -- cache

    def _fresh(self, entry: GeocodeEntry) -> bool:
        ttl = self.miss_ttl if entry.is_miss else self.hit_ttl
        if ttl is None or entry.created_at is None:
            return True
        return dt.datetime.now(dt.UTC) - entry.created_at < ttl

    def _cached_search(
        self, keys: Sequence[str], rows: dict[str, GeocodeEntry]
    ) -> list[GeoPoint] | None:
        """The cached answer, or ``None`` when there is none (or it is stale)."""
        first = rows.get(keys[0])
        if first is None or not self._fresh(first):
            return None
        points: list[GeoPoint] = []
        for key in keys:
            entry = rows.get(key)
            if entry is None or entry.lat is None or entry.lon is None:
                break
            if not self._fresh(entry):
                return None
            points.append(GeoPoint(entry.lat, entry.lon, entry.address))
        return points

    async def _cache_get(self, keys: Sequence[str]) -> dict[str, GeocodeEntry]:
        if self._session_factory is None:
            return {}
        try:
            async with asyncio.timeout(self.timeout), self._session_factory() as session:
                return await SqlGeocodeCache(session).get_many(keys)
        except Exception:  # a broken or slow cache only costs a request
            log.warning("geocoder cache read failed", exc_info=True)
            return {}

    async def _cache_put(self, entries: Sequence[GeocodeEntry], keys: Sequence[str]) -> None:
        """Stores ``entries``, removing the other ``keys`` (rows of an older, longer answer)."""
        if self._session_factory is None:
            return
        stored = {e.query for e in entries}
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._session_factory() as session,
                session.begin(),
            ):
                repo = SqlGeocodeCache(session)
                await repo.delete_many(k for k in keys if k not in stored)
                await repo.put_many(entries)
        except Exception:
            log.warning("geocoder cache write failed", exc_info=True)


def _point(location: Any) -> GeoPoint | None:
    """A geopy ``Location`` as a point; ``None`` when it has no usable coordinates."""
    try:
        lat, lon = float(location.latitude), float(location.longitude)
        address = location.address
    except (AttributeError, TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return GeoPoint(lat, lon, str(address) if address else None)
