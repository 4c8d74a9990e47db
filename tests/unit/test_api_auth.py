"""API tokens, secrets, scopes and the per-client rate (no database)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import jwt
import pytest

from bot.api.auth import LEEWAY, ClientRateLimit, TokenRefused, Tokens
from bot.api.openapi import PROBLEM, build_document
from bot.api.routes import ROUTES
from domain.errors import ValidationFailed
from domain.services.api_clients import (
    ApiClient,
    ApiScope,
    clean_name,
    hash_secret,
    parse_scopes,
    secret_matches,
)

KEY = "k" * 40


def _client(**kwargs: object) -> ApiClient:
    values: dict[str, object] = {
        "id": 7,
        "name": "Call centre",
        "scopes": frozenset({ApiScope.REQUESTS_READ}),
        "building_ids": frozenset(),
        "user_id": -7,
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }
    values.update(kwargs)
    return ApiClient(**values)  # type: ignore[arg-type]


def _tokens(at: float | None = None) -> Tokens:
    """Tokens stamped at `at`, by default now: the time of the test, not of the import
    (a long suite would otherwise verify tokens already expired)."""
    stamp = time.time() if at is None else at
    return Tokens(KEY, issuer="ukbot", audience="ukbot-api", ttl=900, clock=lambda: stamp)


def test_a_token_carries_who_what_and_for_how_long() -> None:
    token = _tokens().issue(_client())
    claims = jwt.decode(token, KEY, algorithms=["HS256"], audience="ukbot-api")
    assert claims["sub"] == "7" and claims["scope"] == "requests:read"
    assert claims["exp"] - claims["iat"] == 900 and claims["iss"] == "ukbot"
    grant = _tokens().verify(token)
    assert grant.client_id == 7 and grant.scopes == {ApiScope.REQUESTS_READ}


def test_clock_skew_within_the_leeway_is_tolerated_beyond_it_refused() -> None:
    """Tokens stamped by another instance whose clock is off: by up to 30 s they work."""
    verifier = _tokens()
    verifier.verify(_tokens(time.time() - 900 - LEEWAY + 5).issue(_client()))  # expired 25 s ago
    with pytest.raises(TokenRefused, match="expired"):
        verifier.verify(_tokens(time.time() - 900 - LEEWAY - 5).issue(_client()))
    verifier.verify(_tokens(time.time() + LEEWAY - 5).issue(_client()))  # a clock 25 s ahead
    with pytest.raises(TokenRefused, match="future"):
        verifier.verify(_tokens(time.time() + LEEWAY + 5).issue(_client()))


@pytest.mark.parametrize(
    "forge",
    [
        lambda c: jwt.encode(c, "another key of thirty-two bytes or more", algorithm="HS256"),
        lambda c: jwt.encode(c, None, algorithm="none"),
        lambda c: jwt.encode({**c, "aud": "other"}, KEY, algorithm="HS256"),
        lambda c: jwt.encode({**c, "iss": "other"}, KEY, algorithm="HS256"),
        lambda c: jwt.encode({k: v for k, v in c.items() if k != "scope"}, KEY, algorithm="HS256"),
        lambda c: jwt.encode({**c, "sub": "client"}, KEY, algorithm="HS256"),
        lambda c: jwt.encode(c, KEY * 2, algorithm="HS512"),
    ],
)
def test_forged_tokens_are_refused(forge: object) -> None:
    now = int(time.time())
    claims = {
        "iss": "ukbot",
        "aud": "ukbot-api",
        "sub": "7",
        "iat": now,
        "exp": now + 300,
        "scope": "requests:read export",
    }
    with pytest.raises(TokenRefused):
        _tokens().verify(forge(claims))  # type: ignore[operator]


def test_the_rate_is_per_client_with_a_burst() -> None:
    clock = [0.0]
    limit = ClientRateLimit(per_minute=60, burst=2, monotonic=lambda: clock[0])
    assert [limit.take(1), limit.take(1)] == [0.0, 0.0]
    assert limit.take(1) == pytest.approx(1.0)
    assert limit.take(2) == 0.0  # another client has its own bucket
    clock[0] = 1.0
    assert limit.take(1) == 0.0


def test_secrets_are_kept_hashed_and_checked_in_constant_time() -> None:
    stored = hash_secret("ukc_secret")
    assert stored.startswith("scrypt$") and "ukc_secret" not in stored
    assert secret_matches("ukc_secret", stored)
    assert not secret_matches("ukc_other", stored)
    assert not secret_matches("ukc_secret", "plain")
    assert hash_secret("ukc_secret") != stored  # salted


def test_scopes_and_names_are_checked() -> None:
    assert parse_scopes(["requests:read", " export "]) == {ApiScope.REQUESTS_READ, ApiScope.EXPORT}
    with pytest.raises(ValidationFailed) as error:
        parse_scopes(["requests:delete"])
    assert error.value.key == "api-clients-error-scope"
    with pytest.raises(ValidationFailed):
        parse_scopes(["", " "])
    assert clean_name("  Call   centre ") == "Call centre"
    with pytest.raises(ValidationFailed):
        clean_name("x")


def test_a_client_of_some_buildings_acts_as_their_manager() -> None:
    limited = _client(building_ids=frozenset({3}))
    assert limited.covers(3) and not limited.covers(4)
    assert limited.actor().is_manager_of(3) and not limited.actor().is_manager_of(4)
    assert _client().actor().is_admin and _client().covers(4)


def test_the_document_describes_every_route_and_its_refusals() -> None:
    doc = build_document([r.endpoint for r in ROUTES], title="t", version="1")
    for r in ROUTES:
        op = doc["paths"][r.endpoint.path][r.endpoint.method]
        assert str(r.endpoint.status) in op["responses"]
        for code in r.endpoint.errors:
            assert PROBLEM in op["responses"][str(code)]["content"]
        assert ("security" in op) == (r.endpoint.scope is not None)
    intake = doc["components"]["schemas"]["IntakeIn"]
    assert set(intake["required"]) == {"phone", "category", "description"}
    listing = doc["paths"]["/requests"]["get"]["parameters"]
    status = next(p for p in listing if p["name"] == "status")
    assert status["schema"]["type"] == "array" and status["explode"] is True


def test_intake_takes_the_residents_only_home_or_asks_which() -> None:
    from domain.enums import PlaceKind
    from domain.errors import MissingField, NotAllowed
    from domain.services.filing import FilingScope, Home, place_for_intake

    one = FilingScope((Home(11, "12", 1, "Navoi 5"),))
    assert place_for_intake(one, PlaceKind.APARTMENT).apartment_id == 11
    assert place_for_intake(one, PlaceKind.ROOF).building_id == 1
    with pytest.raises(NotAllowed):
        place_for_intake(one, PlaceKind.APARTMENT, apartment_id=99)
    two = FilingScope((Home(11, "12", 1, "Navoi 5"), Home(21, "3", 2, "Chilonzor 9")))
    with pytest.raises(MissingField) as asked:
        place_for_intake(two, PlaceKind.APARTMENT)
    assert asked.value.field == "apartment_id" and "21: Chilonzor 9, 3" in str(asked.value)
    assert place_for_intake(two, PlaceKind.APARTMENT, apartment_id=21).building_id == 2
    with pytest.raises(MissingField) as asked:
        place_for_intake(two, PlaceKind.YARD)
    assert asked.value.field == "building_id"
    assert place_for_intake(two, PlaceKind.YARD, building_id=2).building_id == 2
