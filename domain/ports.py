"""Ports: what the domain needs from the outside world, as Protocols.

Adapters live in ``bot/``; tests use fakes. Every port is optional at run
time: a missing geocoder or classifier must never block filing a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.clock import Clock
from domain.enums import Category, Urgency

__all__ = ["Classifier", "Clock", "GeoPoint", "Geocoder", "Suggestion"]


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lat: float
    lon: float
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An LLM's guess; ``confidence`` in 0..1 when the model reports one."""

    category: Category | None
    urgency: Urgency | None = None
    confidence: float | None = None


@runtime_checkable
class Geocoder(Protocol):
    async def reverse(self, lat: float, lon: float) -> str | None:
        """A human-readable address for a point, or ``None`` (unknown / failure)."""
        ...

    async def search(self, query: str) -> list[GeoPoint]:
        """Points matching a free-text address (empty on failure)."""
        ...


@runtime_checkable
class Classifier(Protocol):
    async def suggest(self, description: str, categories: Sequence[Category]) -> Suggestion | None:
        """Suggest a category (one of ``categories``) and urgency; ``None`` on
        any failure or when disabled."""
        ...
