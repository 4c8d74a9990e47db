"""The Nominatim adapter against the fake Nominatim server and a real Postgres cache."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.geocoder import (
    NominatimGeocoder,
    normalize_query,
    parse_base_url,
    reverse_key,
    search_key,
)
from domain.ports import Geocoder, GeoPoint
from sandbox.nominatim import FakeNominatim, Place, serve
from storage.db import create_engine, create_session_factory
from storage.models import GeocodeCache

pytestmark = pytest.mark.usefixtures("clean_db")

USER_AGENT = "ukbot-test/0.1 (+https://example.invalid/contact)"
AMIR_TEMUR = (41.3111, 69.2797)
AMIR_TEMUR_ADDRESS = "1, Amir Temur avenue, Yunusobod district, Tashkent, 100000, Uzbekistan"

MakeGeocoder = Callable[..., NominatimGeocoder]


@pytest_asyncio.fixture(loop_scope="session")
async def fake() -> AsyncIterator[FakeNominatim]:
    fake = FakeNominatim()
    async with serve(fake):
        yield fake


@pytest_asyncio.fixture(loop_scope="session")
async def make(
    fake: FakeNominatim, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[MakeGeocoder]:
    """Builds geocoders on the fake server (no pacing unless asked) and closes them after."""
    made: list[NominatimGeocoder] = []

    def _make(**kwargs: Any) -> NominatimGeocoder:
        kwargs.setdefault("base_url", fake.url)
        kwargs.setdefault("user_agent", USER_AGENT)
        kwargs.setdefault("min_interval", 0.0)
        kwargs.setdefault("session_factory", session_factory)
        geocoder = NominatimGeocoder(**kwargs)
        made.append(geocoder)
        return geocoder

    yield _make
    for geocoder in made:
        await geocoder.aclose()


async def _cache_rows(factory: async_sessionmaker[AsyncSession]) -> dict[str, GeocodeCache]:
    async with factory() as session:
        rows = (await session.scalars(select(GeocodeCache))).all()
    return {row.query: row for row in rows}


# -- round trips -------------------------------------------------------------


async def test_search_round_trip(make: MakeGeocoder, fake: FakeNominatim) -> None:
    geocoder = make()
    assert isinstance(geocoder, Geocoder)
    assert geocoder.enabled

    points = await geocoder.search("Amir Temur 1")

    assert points == [GeoPoint(*AMIR_TEMUR, AMIR_TEMUR_ADDRESS)]
    (request,) = fake.requests
    assert request.endpoint == "search"
    assert request.params["q"] == "Amir Temur 1"
    assert request.params["format"] == "json"
    assert request.params["limit"] == "5"


async def test_search_returns_several_points_in_server_order(make: MakeGeocoder) -> None:
    points = await make().search("Tashkent")
    assert [p.address.split(",")[0] for p in points if p.address] == [
        "1",
        "15",
        "Chorsu Bazaar",
    ]


async def test_reverse_round_trip(make: MakeGeocoder, fake: FakeNominatim) -> None:
    geocoder = make()

    assert await geocoder.reverse(41.31112, 69.27968) == AMIR_TEMUR_ADDRESS
    assert await geocoder.reverse(0.0, 0.0) is None  # nothing nearby: "Unable to geocode"

    assert fake.requests[0].endpoint == "reverse"
    assert fake.requests[0].params["lat"] == "41.31112"
    assert fake.requests[0].params["lon"] == "69.27968"


async def test_user_agent_reaches_the_server(make: MakeGeocoder, fake: FakeNominatim) -> None:
    geocoder = make()
    await geocoder.search("Chorsu")
    await geocoder.reverse(*AMIR_TEMUR)
    assert [r.user_agent for r in fake.requests] == [USER_AGENT, USER_AGENT]


async def test_base_url_with_a_path(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    fake = FakeNominatim()
    async with serve(fake, prefix="/nominatim") as url:
        assert url.endswith("/nominatim")
        async with NominatimGeocoder(
            url + "/", USER_AGENT, min_interval=0.0, session_factory=session_factory
        ) as geocoder:
            assert [p.lat for p in await geocoder.search("Navoi 15")] == [41.317]
    assert fake.count("search") == 1


def test_parse_base_url() -> None:
    assert parse_base_url("https://nominatim.openstreetmap.org/") == (
        "https",
        "nominatim.openstreetmap.org",
    )
    assert parse_base_url(" http://127.0.0.1:8088/nominatim/ ") == (
        "http",
        "127.0.0.1:8088/nominatim",
    )
    assert parse_base_url("geo.example.org") == ("https", "geo.example.org")
    for bad in ("ftp://geo.example.org", "http://", "http://h/search?x=1"):
        with pytest.raises(ValueError):  # noqa: PT011
            parse_base_url(bad)


def test_keys_are_normalised() -> None:
    assert normalize_query("  Amir\tTEMUR   1 ") == "amir temur 1"
    assert search_key(normalize_query(" Amir Temur "), 0) == "search:0:amir temur"
    assert reverse_key(41.311104, 69.2797049) == "reverse:41.31110,69.27970"
    assert reverse_key(-0.000001, 0.0) == reverse_key(0.0, 0.0) == "reverse:0.00000,0.00000"


# -- cache -------------------------------------------------------------------


async def test_second_search_is_served_from_the_cache(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    first = await make().search("Tashkent")
    # other spelling, and another instance (as after a restart): still the cache
    again = await make().search("  TASHKENT ")
    assert again == first
    assert len(first) == 3
    assert fake.count("search") == 1

    rows = await _cache_rows(session_factory)
    assert sorted(rows) == ["search:0:tashkent", "search:1:tashkent", "search:2:tashkent"]
    assert rows["search:1:tashkent"].lat == pytest.approx(41.317)


async def test_second_reverse_is_served_from_the_cache(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    geocoder = make()
    assert await geocoder.reverse(41.311101, 69.279701) == AMIR_TEMUR_ADDRESS
    # within the rounding (5 decimals): the same key
    assert await geocoder.reverse(41.3111012, 69.2797008) == AMIR_TEMUR_ADDRESS
    assert fake.count("reverse") == 1

    row = (await _cache_rows(session_factory))["reverse:41.31110,69.27970"]
    assert (row.lat, row.lon, row.address) == (*AMIR_TEMUR, AMIR_TEMUR_ADDRESS)


async def test_misses_are_cached(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    geocoder = make()
    for _ in range(2):
        assert await geocoder.search("Nowhere street 404") == []
        assert await geocoder.reverse(10.0, 10.0) is None
    assert fake.count("search") == 1
    assert fake.count("reverse") == 1

    rows = await _cache_rows(session_factory)
    assert sorted(rows) == ["reverse:10.00000,10.00000", "search:0:nowhere street 404"]
    assert all(row.lat is None and row.lon is None for row in rows.values())


async def test_stale_entries_are_refetched_and_replaced(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    geocoder = make(hit_ttl=dt.timedelta(0), miss_ttl=dt.timedelta(0))
    assert len(await geocoder.search("Tashkent")) == 3

    fake.places = [p for p in fake.places if not p.display_name.startswith("Chorsu")]
    assert len(await geocoder.search("Tashkent")) == 2
    assert sorted(await _cache_rows(session_factory)) == [
        "search:0:tashkent",
        "search:1:tashkent",
    ]

    fake.places = []
    assert await geocoder.search("Tashkent") == []
    rows = await _cache_rows(session_factory)
    assert list(rows) == ["search:0:tashkent"]
    assert rows["search:0:tashkent"].lat is None
    assert fake.count("search") == 3


async def test_a_broken_cache_does_not_block(fake: FakeNominatim) -> None:
    engine = create_engine("postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none")
    try:
        async with NominatimGeocoder(
            fake.url,
            USER_AGENT,
            min_interval=0.0,
            session_factory=create_session_factory(engine),
        ) as geocoder:
            assert await geocoder.reverse(*AMIR_TEMUR) == AMIR_TEMUR_ADDRESS
    finally:
        await engine.dispose()
    assert fake.count("reverse") == 1


# -- pacing ------------------------------------------------------------------


async def test_requests_are_paced_across_the_process(
    make: MakeGeocoder, fake: FakeNominatim
) -> None:
    first, second = make(min_interval=1.0), make(min_interval=1.0)

    started = time.monotonic()
    assert await first.search("Amir Temur")
    assert await second.search("Navoi")  # another instance, same server: same pacer
    elapsed = time.monotonic() - started
    cached_started = time.monotonic()
    assert await first.search("amir temur")  # from the cache: no request, no wait
    cached_elapsed = time.monotonic() - cached_started

    assert fake.count() == 2
    gap = fake.requests[1].at - fake.requests[0].at
    assert gap >= 0.95
    assert 0.95 <= elapsed < 2.5
    assert cached_elapsed < 0.3


async def test_concurrent_requests_leave_one_by_one(
    make: MakeGeocoder, fake: FakeNominatim
) -> None:
    geocoder = make(min_interval=0.25)
    results = await asyncio.gather(
        geocoder.search("Amir Temur"),
        geocoder.search("Navoi"),
        geocoder.search("Chorsu"),
        geocoder.reverse(*AMIR_TEMUR),
    )
    assert all(results)
    arrivals = sorted(r.at for r in fake.requests)
    assert len(arrivals) == 4
    assert all(b - a >= 0.23 for a, b in itertools.pairwise(arrivals))


async def test_a_long_queue_gives_up_instead_of_waiting(
    make: MakeGeocoder, fake: FakeNominatim, caplog: pytest.LogCaptureFixture
) -> None:
    geocoder = make(min_interval=1.0, max_wait=0.2)
    assert await geocoder.search("Amir Temur")

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.geocoder"):
        assert await geocoder.search("Navoi") == []
    assert time.monotonic() - started < 0.5
    assert fake.count() == 1
    assert "rate limit" in caplog.text


# -- failures ----------------------------------------------------------------


async def test_server_error_gives_nothing_and_is_not_cached(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    geocoder = make()
    fake.fail_status = 500
    with caplog.at_level(logging.WARNING, logger="bot.geocoder"):
        assert await geocoder.search("Amir Temur") == []
        assert await geocoder.reverse(*AMIR_TEMUR) is None
    assert fake.count() == 2
    assert caplog.text.count("failed") == 2
    assert await _cache_rows(session_factory) == {}

    fake.fail_status = None  # the server is back: asked again
    assert await geocoder.search("Amir Temur")
    assert await geocoder.reverse(*AMIR_TEMUR) == AMIR_TEMUR_ADDRESS
    assert fake.count() == 4


async def test_hanging_server_times_out(
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    geocoder = make(timeout=0.3)
    fake.delay = 5.0

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.geocoder"):
        assert await geocoder.reverse(*AMIR_TEMUR) is None
        assert await geocoder.search("Chorsu") == []
    elapsed = time.monotonic() - started

    assert elapsed < 1.5
    assert caplog.text.count("timed out") == 2
    assert fake.count() == 2
    assert await _cache_rows(session_factory) == {}


async def test_rate_limited_by_the_server_pauses_requests(
    make: MakeGeocoder, fake: FakeNominatim
) -> None:
    geocoder = make(max_wait=0.5)
    fake.fail_status = 429
    assert await geocoder.search("Amir Temur") == []
    fake.fail_status = None

    started = time.monotonic()
    assert await geocoder.search("Navoi") == []  # not sent: the server asked us to wait
    assert time.monotonic() - started < 0.3
    assert fake.count() == 1


async def test_malformed_answers_are_failures() -> None:
    async def broken(request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.Response(text="<html>not json</html>", content_type="text/html")

    app = aiohttp.web.Application()
    app.router.add_get("/search", broken)
    app.router.add_get("/reverse", broken)
    runner = aiohttp.web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with NominatimGeocoder(url, USER_AGENT, min_interval=0.0) as geocoder:
            assert await geocoder.search("Amir Temur") == []
            assert await geocoder.reverse(*AMIR_TEMUR) is None
    finally:
        await runner.cleanup()


async def test_unreachable_server_gives_nothing() -> None:
    async with NominatimGeocoder("http://127.0.0.1:1", USER_AGENT, min_interval=0.0) as geocoder:
        assert await geocoder.search("Amir Temur") == []
        assert await geocoder.reverse(*AMIR_TEMUR) is None


# -- disabled ----------------------------------------------------------------


@pytest.mark.parametrize("base_url", [None, "", "   "])
async def test_disabled_adapter_makes_no_request(
    base_url: str | None,
    make: MakeGeocoder,
    fake: FakeNominatim,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    geocoder = make(base_url=base_url, user_agent="")
    assert not geocoder.enabled
    assert isinstance(geocoder, Geocoder)
    assert await geocoder.search("Amir Temur") == []
    assert await geocoder.reverse(*AMIR_TEMUR) is None
    assert fake.count() == 0
    assert await _cache_rows(session_factory) == {}


def test_configuration_errors() -> None:
    with pytest.raises(ValueError, match="user agent"):
        NominatimGeocoder("http://127.0.0.1:1", "  ")
    with pytest.raises(ValueError, match="http or https"):
        NominatimGeocoder("ftp://127.0.0.1:1", USER_AGENT)
    with pytest.raises(ValueError, match="timeout"):
        NominatimGeocoder("http://127.0.0.1:1", USER_AGENT, timeout=0)


# -- the fake server itself ----------------------------------------------------


async def test_fake_server_speaks_json_and_jsonv2(fake: FakeNominatim) -> None:
    base = fake.url
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/search", params={"q": "chorsu", "format": "json"}) as r:
            (v1,) = await r.json()
        async with http.get(f"{base}/search", params={"q": "chorsu", "format": "jsonv2"}) as r:
            (v2,) = await r.json()
        async with http.get(
            f"{base}/reverse", params={"lat": "41.3111", "lon": "69.2797", "format": "jsonv2"}
        ) as r:
            reverse = await r.json()
        async with http.get(f"{base}/reverse", params={"lat": "1", "lon": "1"}) as r:
            miss = await r.json()
        async with http.get(f"{base}/search", params={"q": "x", "format": "xml"}) as r:
            assert r.status == 400
        async with http.get(f"{base}/search", params={"format": "json"}) as r:
            assert r.status == 400
        async with http.get(f"{base}/status") as r:
            assert await r.text() == "OK"

    assert (v1["class"], v1["type"], v1["lat"]) == ("amenity", "marketplace", "41.3265000")
    assert (v2["category"], v2["display_name"]) == ("amenity", v1["display_name"])
    assert "class" not in v2
    assert reverse["display_name"] == AMIR_TEMUR_ADDRESS
    assert reverse["address"]["house_number"] == "1"
    assert miss == {"error": "Unable to geocode"}
    assert fake.count("search") == 4
    assert fake.count("reverse") == 2


async def test_fake_server_with_a_custom_table() -> None:
    fake = FakeNominatim([Place(55.75, 37.62, "Red Square, Moscow", aliases=("Красная площадь",))])
    async with serve(fake) as url, NominatimGeocoder(url, USER_AGENT, min_interval=0.0) as geo:
        assert await geo.search("красная площадь") == [GeoPoint(55.75, 37.62, "Red Square, Moscow")]
        assert await geo.reverse(55.7501, 37.6201) == "Red Square, Moscow"
        assert await geo.search("Amir Temur") == []
