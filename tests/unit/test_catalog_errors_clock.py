"""Catalog completeness, error shape, clocks, ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.catalog import (
    CATEGORY_SPECIALIZATIONS,
    COMMON_AREAS,
    categories_for,
    matches_category,
)
from domain.clock import Clock, ManualClock, SystemClock, ensure_utc
from domain.enums import Category, PlaceKind, Specialization, Urgency
from domain.errors import (
    DomainError,
    InvalidTransition,
    MissingField,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from domain.ports import Classifier, Geocoder, GeoPoint, Suggestion


def test_no_category_is_unassignable() -> None:
    assert set(CATEGORY_SPECIALIZATIONS) == set(Category)
    for category in Category:
        assert CATEGORY_SPECIALIZATIONS[category], category
        assert set(CATEGORY_SPECIALIZATIONS[category]) <= set(Specialization)


def test_every_specialization_serves_something_except_known_extras() -> None:
    served = set().union(*CATEGORY_SPECIALIZATIONS.values())
    assert served == set(Specialization)


def test_matching() -> None:
    assert matches_category([Specialization.PLUMBER], Category.HEATING)
    assert not matches_category([], Category.OTHER)
    assert categories_for([Specialization.PLUMBER]) == {Category.PLUMBING, Category.HEATING}
    assert categories_for([]) == frozenset()


def test_common_areas() -> None:
    assert PlaceKind.APARTMENT not in COMMON_AREAS
    assert set(COMMON_AREAS) | {PlaceKind.APARTMENT} == set(PlaceKind)


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (DomainError(), "error-generic"),
        (NotAllowed(), "error-not-allowed"),
        (NotFound(), "error-not-found"),
        (InvalidTransition(status="new", action="start"), "error-invalid-transition"),
        (MissingField("reason"), "error-missing-field"),
        (ValidationFailed(), "error-validation"),
    ],
)
def test_error_keys(error: DomainError, key: str) -> None:
    assert error.key == key
    assert isinstance(error, Exception)


def test_error_params_and_rendering() -> None:
    error = MissingField("reason")
    assert error.params == {"field": "reason"}
    assert str(error) == "error-missing-field (field=reason)"
    assert repr(error) == "MissingField('error-missing-field', params={'field': 'reason'})"
    assert str(NotAllowed("error-not-available")) == "error-not-available"
    custom = ValidationFailed("error-text-too-long", field="comment", max=10)
    assert custom.params == {"field": "comment", "max": 10}


def test_manual_clock() -> None:
    start = datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=5)))
    clock = ManualClock(start)
    assert isinstance(clock, Clock)
    assert clock.now() == start
    assert clock.now().tzinfo is UTC
    assert clock.advance(timedelta(minutes=5)) == start + timedelta(minutes=5)
    later = datetime(2026, 1, 1, tzinfo=UTC)
    clock.set(later)
    assert clock.now() == later
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2026, 1, 1))


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert isinstance(SystemClock(), Clock)
    assert ensure_utc(now) == now


class FakeGeocoder:
    async def reverse(self, lat: float, lon: float) -> str | None:
        return f"{lat},{lon}"

    async def search(self, query: str) -> list[GeoPoint]:
        return [GeoPoint(41.3, 69.2, query)]


class FakeClassifier:
    async def suggest(self, description: str, categories: Sequence[Category]) -> Suggestion | None:
        return Suggestion(categories[0], Urgency.NORMAL, 0.9) if categories else None


async def test_ports_are_satisfied_by_simple_fakes() -> None:
    geocoder: Geocoder = FakeGeocoder()
    classifier: Classifier = FakeClassifier()
    assert isinstance(geocoder, Geocoder)
    assert isinstance(classifier, Classifier)
    assert await geocoder.reverse(1.0, 2.0) == "1.0,2.0"
    assert (await geocoder.search("x"))[0].address == "x"
    suggestion = await classifier.suggest("water", [Category.PLUMBING])
    assert suggestion is not None
    assert suggestion.category is Category.PLUMBING
