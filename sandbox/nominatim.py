"""A tiny stand-in for a Nominatim server: ``/search`` and ``/reverse`` over a table of places.

It answers like Nominatim's JSON API (``format=json`` or ``jsonv2``) so the bot's
geocoder adapter can be exercised without the internet: by the tests, and by the
sandbox next to the Bot API emulator.

* search: every word of ``q`` (or of the structured ``street``/``city``/... fields)
  must occur in a place's display name or aliases; up to ``limit`` places
  (default 10, at most 40), in table order; nothing found is ``[]``;
* reverse: the nearest place within ``reverse_radius_m``, else
  ``{"error": "Unable to geocode"}`` (what Nominatim says for "nothing here");
* ``/status`` answers ``OK``.

For tests, :class:`FakeNominatim` records every request (path, parameters,
User-Agent, monotonic arrival time) and can be told to fail (``fail_status``) or
to hang (``delay`` seconds, cut short by :meth:`FakeNominatim.release`).

Run standalone: ``python -m sandbox.nominatim --port 8088 [--prefix /nominatim]
[--places places.json]`` where the JSON file is a list of objects with ``lat``,
``lon``, ``display_name`` and optionally ``aliases``, ``category``, ``type``,
``address``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import time
import zlib
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

__all__ = [
    "DEMO_PLACES",
    "FakeNominatim",
    "Place",
    "RecordedRequest",
    "load_places",
    "main",
    "serve",
]

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. https://osm.org/copyright"
MAX_LIMIT = 40
DEFAULT_LIMIT = 10
FORMATS = ("json", "jsonv2")
STRUCTURED_FIELDS = ("amenity", "street", "city", "county", "state", "country", "postalcode")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Place:
    lat: float
    lon: float
    display_name: str
    aliases: tuple[str, ...] = ()
    category: str = "building"
    type: str = "yes"
    address: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.display_name.split(",", 1)[0].strip()

    def haystack(self) -> str:
        return " ".join((self.display_name, *self.aliases)).casefold()


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    endpoint: str  # "search" or "reverse" (any path prefix and ".php" stripped)
    params: Mapping[str, str]
    user_agent: str | None
    at: float  # time.monotonic() on arrival


DEMO_PLACES: tuple[Place, ...] = (
    Place(
        41.3111,
        69.2797,
        "1, Amir Temur avenue, Yunusobod district, Tashkent, 100000, Uzbekistan",
        aliases=("Amir Temur shoh ko'chasi 1", "проспект Амира Темура, 1", "Ташкент"),
        address={
            "house_number": "1",
            "road": "Amir Temur avenue",
            "city_district": "Yunusobod district",
            "city": "Tashkent",
            "postcode": "100000",
            "country": "Uzbekistan",
            "country_code": "uz",
        },
    ),
    Place(
        41.3170,
        69.2480,
        "15, Navoi street, Shaykhontohur district, Tashkent, 100011, Uzbekistan",
        aliases=("Navoiy ko'chasi 15", "улица Навои, 15", "Ташкент"),
        address={
            "house_number": "15",
            "road": "Navoi street",
            "city_district": "Shaykhontohur district",
            "city": "Tashkent",
            "postcode": "100011",
            "country": "Uzbekistan",
            "country_code": "uz",
        },
    ),
    Place(
        41.3265,
        69.2345,
        "Chorsu Bazaar, Shaykhontohur district, Tashkent, Uzbekistan",
        aliases=("Chorsu bozori", "базар Чорсу", "Ташкент"),
        category="amenity",
        type="marketplace",
        address={"amenity": "Chorsu Bazaar", "city": "Tashkent", "country": "Uzbekistan"},
    ),
)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(min(1.0, math.sqrt(h)))


class FakeNominatim:
    def __init__(
        self, places: Iterable[Place] = DEMO_PLACES, *, reverse_radius_m: float = 300.0
    ) -> None:
        self.places: list[Place] = list(places)
        self.reverse_radius_m = reverse_radius_m
        self.requests: list[RecordedRequest] = []
        self.fail_status: int | None = None  # answer every request with this status
        self.delay: float = 0.0  # seconds to hang before answering
        self.url: str | None = None  # the base URL while running under :func:`serve`
        self._released = asyncio.Event()

    # -- test helpers ------------------------------------------------------

    def count(self, endpoint: str | None = None) -> int:
        return sum(1 for r in self.requests if endpoint is None or r.endpoint == endpoint)

    def release(self) -> None:
        """Wake requests that are hanging on ``delay`` (e.g. before shutting down)."""
        self._released.set()

    # -- the app -----------------------------------------------------------

    def app(self, prefix: str = "") -> web.Application:
        prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        app = web.Application()
        for endpoint in ("search", "reverse"):
            handler = self._search if endpoint == "search" else self._reverse
            app.router.add_get(f"{prefix}/{endpoint}", handler)
            app.router.add_get(f"{prefix}/{endpoint}.php", handler)
        app.router.add_get(f"{prefix}/status", self._status)
        return app

    async def _status(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="OK")

    async def _prelude(self, request: web.Request, endpoint: str) -> web.Response | None:
        """Records the request, applies the configured delay / failure, checks ``format``."""
        self.requests.append(
            RecordedRequest(
                endpoint=endpoint,
                params=dict(request.query),
                user_agent=request.headers.get("User-Agent"),
                at=time.monotonic(),
            )
        )
        if self.delay > 0 and not self._released.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), self.delay)
        if self.fail_status is not None:
            return _error(self.fail_status, "Simulated failure")
        fmt = request.query.get("format", "jsonv2")
        if fmt not in FORMATS:
            return _error(400, f"Parameter 'format' must be one of: {', '.join(FORMATS)}")
        return None

    async def _search(self, request: web.Request) -> web.StreamResponse:
        early = await self._prelude(request, "search")
        if early is not None:
            return early
        query = request.query
        text = query.get("q") or " ".join(query[f] for f in STRUCTURED_FIELDS if query.get(f))
        words = [w.casefold() for w in _WORD.findall(text)]
        if not words:
            return _error(400, "Nothing to search for.")
        try:
            limit = max(1, min(MAX_LIMIT, int(query.get("limit", DEFAULT_LIMIT))))
        except ValueError:
            return _error(400, "Integer expected for parameter 'limit'")
        details = _flag(query.get("addressdetails"))
        found = [p for p in self.places if all(w in p.haystack() for w in words)][:limit]
        v2 = query.get("format", "jsonv2") == "jsonv2"
        return web.json_response([_render(p, v2=v2, details=details) for p in found])

    async def _reverse(self, request: web.Request) -> web.StreamResponse:
        early = await self._prelude(request, "reverse")
        if early is not None:
            return early
        query = request.query
        try:
            lat, lon = float(query["lat"]), float(query["lon"])
        except KeyError:
            return _error(400, "Need coordinates or OSM object to lookup.")
        except ValueError:
            return _error(400, "Floating-point number expected for parameter 'lat'/'lon'")
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return _error(400, "Floating-point number expected for parameter 'lat'/'lon'")
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            return _error(400, "Invalid coordinates.")
        nearest = min(self.places, key=lambda p: distance_m(lat, lon, p.lat, p.lon), default=None)
        if (
            nearest is None
            or distance_m(lat, lon, nearest.lat, nearest.lon) > self.reverse_radius_m
        ):
            return web.json_response({"error": "Unable to geocode"})
        v2 = query.get("format", "jsonv2") == "jsonv2"
        details = _flag(query.get("addressdetails", "1"))
        return web.json_response(_render(nearest, v2=v2, details=details))


def _render(place: Place, *, v2: bool, details: bool) -> dict[str, Any]:
    place_id = zlib.crc32(place.display_name.encode()) % 10_000_000 + 1
    body: dict[str, Any] = {
        "place_id": place_id,
        "licence": LICENCE,
        "osm_type": "way",
        "osm_id": 1_000_000 + place_id,
        "lat": f"{place.lat:.7f}",
        "lon": f"{place.lon:.7f}",
        ("category" if v2 else "class"): place.category,
        "type": place.type,
        "place_rank": 30,
        "importance": 0.1,
        "addresstype": place.type if place.category != "building" else "building",
        "name": place.name,
        "display_name": place.display_name,
    }
    if details:
        body["address"] = dict(place.address)
    body["boundingbox"] = [
        f"{place.lat - 0.0001:.7f}",
        f"{place.lat + 0.0001:.7f}",
        f"{place.lon - 0.0001:.7f}",
        f"{place.lon + 0.0001:.7f}",
    ]
    return body


def _flag(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true", "yes")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"code": status, "message": message}}, status=status)


def load_places(path: Path) -> list[Place]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        Place(
            lat=float(item["lat"]),
            lon=float(item["lon"]),
            display_name=str(item["display_name"]),
            aliases=tuple(str(a) for a in item.get("aliases", ())),
            category=str(item.get("category", "building")),
            type=str(item.get("type", "yes")),
            address={str(k): str(v) for k, v in item.get("address", {}).items()},
        )
        for item in raw
    ]


@asynccontextmanager
async def serve(
    fake: FakeNominatim, *, host: str = "127.0.0.1", port: int = 0, prefix: str = ""
) -> AsyncIterator[str]:
    """Runs ``fake`` (``port=0``: a free port); yields its base URL, e.g. ``http://127.0.0.1:41234``."""
    fake._released.clear()
    runner = web.AppRunner(fake.app(prefix), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        path = "/" + prefix.strip("/") if prefix.strip("/") else ""
        fake.url = f"http://{host}:{bound_port}{path}"
        yield fake.url
    finally:
        fake.url = None
        fake.release()
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake Nominatim server for the sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--prefix", default="", help="serve under a path, e.g. /nominatim")
    parser.add_argument("--places", type=Path, help="JSON list of places (default: demo places)")
    args = parser.parse_args(argv)
    fake = FakeNominatim(load_places(args.places) if args.places else DEMO_PLACES)
    web.run_app(fake.app(args.prefix), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
