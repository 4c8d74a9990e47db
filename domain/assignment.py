"""Assignment rules: which executor should take a request, and why.

Pure rules over plain values; the caller loads the candidates. The order,
from the most to the least important criterion:

1. a specialization that serves the request's category
   (``domain.catalog.CATEGORY_SPECIALIZATIONS``);
2. on duty;
3. fewest open jobs;
4. nearest to the building (an executor or a building without coordinates
   sorts after every known distance);
5. better recent rating (an executor without ratings counts as
   ``UNRATED_RATING``, the middle of the 1–5 scale, and sorts after a rated
   executor with the same value);
6. first name (case-insensitive), then user id: equal candidates always come
   out in the same order, whatever the input order.

:func:`rank_executors` orders every active executor for the manager's picker;
:func:`choose_executor` picks the best *suitable* one for automatic assignment
(active, on duty, matching specialization) or ``None``.

Each ranked candidate carries its reason as message keys with parameters, so
the edge renders "plumber, on duty, 1 open job, 0.4 km" in the manager's
language (see ``REASON_KEYS``); the domain never formats a sentence.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from domain.catalog import CATEGORY_SPECIALIZATIONS
from domain.enums import Category, Specialization
from domain.errors import ParamValue, ValidationFailed

__all__ = [
    "EARTH_RADIUS_KM",
    "REASON_DISTANCE",
    "REASON_KEYS",
    "REASON_NO_SPECIALIZATION",
    "REASON_OFF_DUTY",
    "REASON_ON_DUTY",
    "REASON_OPEN_JOBS",
    "REASON_RATING",
    "REASON_SPECIALIZATION",
    "UNRATED_RATING",
    "ExecutorCandidate",
    "RankKey",
    "RankedCandidate",
    "ReasonPart",
    "choose_executor",
    "haversine_km",
    "rank_executors",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG)."""

MIN_RATING = 1.0
MAX_RATING = 5.0
UNRATED_RATING = 3.0
"""The rating an executor without recent ratings is compared with (mid-scale)."""

REASON_SPECIALIZATION = "assign-reason-specialization"
"""params: ``specialization`` – the canonical key of the matching specialization."""
REASON_NO_SPECIALIZATION = "assign-reason-no-specialization"
"""No specialization of the executor serves the category; no params."""
REASON_ON_DUTY = "assign-reason-on-duty"
REASON_OFF_DUTY = "assign-reason-off-duty"
REASON_OPEN_JOBS = "assign-reason-open-jobs"
"""params: ``count`` (int, may be 0)."""
REASON_DISTANCE = "assign-reason-distance"
"""params: ``km`` – the distance as a string with one decimal ("0.4"); omitted when unknown."""
REASON_RATING = "assign-reason-rating"
"""params: ``rating`` – the recent average with one decimal ("4.8"); omitted when unrated."""

REASON_KEYS: tuple[str, ...] = (
    REASON_SPECIALIZATION,
    REASON_NO_SPECIALIZATION,
    REASON_ON_DUTY,
    REASON_OFF_DUTY,
    REASON_OPEN_JOBS,
    REASON_DISTANCE,
    REASON_RATING,
)
"""Every message key a reason may contain (the locale catalogues must define them)."""

_SPECIALIZATION_ORDER: Mapping[Specialization, int] = {
    spec: index for index, spec in enumerate(Specialization)
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points (degrees) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _check_point(lat: float | None, lon: float | None, name: str) -> None:
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise ValidationFailed(field=name)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValidationFailed(field=name)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValidationFailed(field=name)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutorCandidate:
    """An executor as the assignment rules see them.

    - ``is_active``: the user is active *and* holds the executor role; inactive
      candidates are never ranked nor chosen.
    - ``open_jobs``: requests currently assigned to them that are not finished
      (assigned, accepted, in progress, on hold, returned).
    - ``lat``/``lon``: the executor's last known position (both or neither),
      e.g. the building of their latest job or a location they shared; the
      distance to the request's building is computed here.
    - ``recent_rating``: the average of their last N ratings (1–5), ``None``
      when they have none.
    """

    user_id: int
    first_name: str = ""
    specializations: frozenset[Specialization] = frozenset()
    on_duty: bool = False
    is_active: bool = True
    open_jobs: int = 0
    lat: float | None = None
    lon: float | None = None
    recent_rating: float | None = None

    def __post_init__(self) -> None:
        if self.open_jobs < 0:
            raise ValidationFailed(field="open_jobs")
        _check_point(self.lat, self.lon, "position")
        rating = self.recent_rating
        if rating is not None and not (
            math.isfinite(rating) and MIN_RATING <= rating <= MAX_RATING
        ):
            raise ValidationFailed(field="recent_rating")


class ReasonPart(NamedTuple):
    """One piece of a reason: a message key and its parameters."""

    key: str
    params: Mapping[str, ParamValue]


class RankKey(NamedTuple):
    """The score components, compared in this order (smaller is better)."""

    mismatch: int  # 0: a specialization serves the category
    off_duty: int  # 0: on duty
    open_jobs: int
    distance_unknown: int  # 0: distance known
    distance_km: float  # 0.0 when unknown
    negative_rating: float  # -(recent rating, or UNRATED_RATING)
    unrated: int  # 0: has a recent rating
    name: str  # case-folded first name
    user_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RankedCandidate:
    """A candidate with the values the ordering used and the reason to show.

    ``matched_specialization``: the executor's specialization that serves the
    category (the first in ``Specialization`` order when several do), or
    ``None``. ``reason`` parts come in criterion order; distance and rating are
    left out when unknown.
    """

    candidate: ExecutorCandidate
    key: RankKey
    matches: bool
    matched_specialization: Specialization | None
    distance_km: float | None
    reason: tuple[ReasonPart, ...] = field(default=())

    @property
    def user_id(self) -> int:
        return self.candidate.user_id

    @property
    def suitable(self) -> bool:
        """May be assigned automatically: active, on duty, matching specialization."""
        return self.candidate.is_active and self.candidate.on_duty and self.matches


def _distance(
    candidate: ExecutorCandidate, building_lat: float | None, building_lon: float | None
) -> float | None:
    if building_lat is None or building_lon is None:
        return None
    if candidate.lat is None or candidate.lon is None:
        return None
    return haversine_km(candidate.lat, candidate.lon, building_lat, building_lon)


def _rank_one(
    candidate: ExecutorCandidate,
    wanted: frozenset[Specialization],
    building_lat: float | None,
    building_lon: float | None,
) -> RankedCandidate:
    matched = sorted(candidate.specializations & wanted, key=_SPECIALIZATION_ORDER.__getitem__)
    specialization = matched[0] if matched else None
    distance = _distance(candidate, building_lat, building_lon)
    rating = candidate.recent_rating
    key = RankKey(
        mismatch=0 if specialization is not None else 1,
        off_duty=0 if candidate.on_duty else 1,
        open_jobs=candidate.open_jobs,
        distance_unknown=0 if distance is not None else 1,
        distance_km=distance if distance is not None else 0.0,
        negative_rating=-(rating if rating is not None else UNRATED_RATING),
        unrated=0 if rating is not None else 1,
        name=candidate.first_name.casefold(),
        user_id=candidate.user_id,
    )
    reason: list[ReasonPart] = [
        ReasonPart(REASON_SPECIALIZATION, {"specialization": specialization.value})
        if specialization is not None
        else ReasonPart(REASON_NO_SPECIALIZATION, {}),
        ReasonPart(REASON_ON_DUTY if candidate.on_duty else REASON_OFF_DUTY, {}),
        ReasonPart(REASON_OPEN_JOBS, {"count": candidate.open_jobs}),
    ]
    if distance is not None:
        reason.append(ReasonPart(REASON_DISTANCE, {"km": f"{distance:.1f}"}))
    if rating is not None:
        reason.append(ReasonPart(REASON_RATING, {"rating": f"{rating:.1f}"}))
    return RankedCandidate(
        candidate=candidate,
        key=key,
        matches=specialization is not None,
        matched_specialization=specialization,
        distance_km=distance,
        reason=tuple(reason),
    )


def rank_executors(
    category: Category,
    building_lat: float | None,
    building_lon: float | None,
    candidates: Iterable[ExecutorCandidate],
) -> list[RankedCandidate]:
    """Every active candidate, best first (the manager's executor picker).

    ``building_lat``/``building_lon``: the request's building (both or neither).
    Raises ``ValidationFailed`` for half a building position or for two
    candidates with the same ``user_id``.
    """
    _check_point(building_lat, building_lon, "building_position")
    wanted = CATEGORY_SPECIALIZATIONS[category]
    seen: set[int] = set()
    ranked: list[RankedCandidate] = []
    for candidate in candidates:
        if candidate.user_id in seen:
            raise ValidationFailed(field="candidates")
        seen.add(candidate.user_id)
        if candidate.is_active:
            ranked.append(_rank_one(candidate, wanted, building_lat, building_lon))
    ranked.sort(key=lambda item: item.key)
    return ranked


def choose_executor(
    category: Category,
    building_lat: float | None,
    building_lon: float | None,
    candidates: Iterable[ExecutorCandidate],
    *,
    exclude: Collection[int] = frozenset(),
) -> RankedCandidate | None:
    """The best suitable executor for automatic assignment, or ``None``.

    Suitable: active, on duty, with a specialization serving ``category``, and
    not in ``exclude`` (user ids, e.g. the executor who just declined). Among
    them: fewest open jobs, then nearest, then best rating, then name and id.
    """
    for ranked in rank_executors(category, building_lat, building_lon, candidates):
        if not ranked.suitable:
            # suitable candidates sort before every unsuitable one
            return None
        if ranked.user_id not in exclude:
            return ranked
    return None
