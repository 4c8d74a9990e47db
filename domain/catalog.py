"""Static reference data: which specializations serve which category, places."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from domain.enums import Category, PlaceKind, Specialization

CATEGORY_SPECIALIZATIONS: Mapping[Category, frozenset[Specialization]] = MappingProxyType(
    {
        Category.PLUMBING: frozenset({Specialization.PLUMBER}),
        Category.ELECTRICITY: frozenset({Specialization.ELECTRICIAN}),
        Category.HEATING: frozenset({Specialization.HEATING, Specialization.PLUMBER}),
        Category.ELEVATOR: frozenset({Specialization.ELEVATOR}),
        Category.CLEANING: frozenset({Specialization.CLEANER}),
        Category.CARPENTRY: frozenset({Specialization.CARPENTER, Specialization.GENERAL}),
        Category.SECURITY: frozenset({Specialization.SECURITY}),
        Category.OTHER: frozenset({Specialization.GENERAL}),
    }
)
"""Every category maps to at least one specialization (no category is unassignable)."""

COMMON_AREAS: list[PlaceKind] = [kind for kind in PlaceKind if kind is not PlaceKind.APARTMENT]
"""Places of a building other than an apartment, in display order."""


def matches_category(specializations: Iterable[Specialization], category: Category) -> bool:
    """True when any of ``specializations`` serves ``category``."""
    wanted = CATEGORY_SPECIALIZATIONS[category]
    return any(spec in wanted for spec in specializations)


def categories_for(specializations: Iterable[Specialization]) -> frozenset[Category]:
    """Categories an executor with these specializations can take."""
    specs = frozenset(specializations)
    return frozenset(cat for cat, wanted in CATEGORY_SPECIALIZATIONS.items() if wanted & specs)
