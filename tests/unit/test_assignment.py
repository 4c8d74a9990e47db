"""Assignment rules: the executor ordering, automatic choice, reasons, distances."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assignment import (
    EARTH_RADIUS_KM,
    REASON_DISTANCE,
    REASON_KEYS,
    REASON_NO_SPECIALIZATION,
    REASON_OFF_DUTY,
    REASON_ON_DUTY,
    REASON_OPEN_JOBS,
    REASON_RATING,
    REASON_SPECIALIZATION,
    UNRATED_RATING,
    ExecutorCandidate,
    RankedCandidate,
    ReasonPart,
    choose_executor,
    haversine_km,
    rank_executors,
)
from domain.catalog import CATEGORY_SPECIALIZATIONS
from domain.enums import Category, Specialization
from domain.errors import ValidationFailed

# a building in Tashkent and points at known distances from it
BUILDING = (41.3111, 69.2797)
NEAR = (41.3147, 69.2797)  # 0.4 km north
FAR = (41.3291, 69.2797)  # 2.0 km north
PLUMBER = frozenset({Specialization.PLUMBER})
ELECTRICIAN = frozenset({Specialization.ELECTRICIAN})


def cand(user_id: int, **fields: Any) -> ExecutorCandidate:
    """A matching (plumber), on-duty, active executor with no load, position or rating."""
    fields.setdefault("first_name", f"exec{user_id}")
    fields.setdefault("specializations", PLUMBER)
    fields.setdefault("on_duty", True)
    if "at" in fields:
        fields["lat"], fields["lon"] = fields.pop("at")
    return ExecutorCandidate(user_id=user_id, **fields)


def ids(ranked: Sequence[RankedCandidate]) -> list[int]:
    return [r.user_id for r in ranked]


def rank(*candidates: ExecutorCandidate, category: Category = Category.PLUMBING) -> list[int]:
    return ids(rank_executors(category, *BUILDING, candidates))


def reason(ranked: RankedCandidate) -> list[tuple[str, dict[str, Any]]]:
    return [(part.key, dict(part.params)) for part in ranked.reason]


# -- the catalogue -------------------------------------------------------------


@pytest.mark.parametrize("category", list(Category))
def test_every_category_has_a_specialization_and_an_executor_for_it(category: Category) -> None:
    specs = CATEGORY_SPECIALIZATIONS[category]
    assert specs, f"{category} has no specialization: its requests would be unassignable"
    for spec in specs:
        chosen = choose_executor(category, None, None, [cand(1, specializations={spec})])
        assert chosen is not None
        assert chosen.matches
        assert chosen.matched_specialization is spec


def test_catalogue_covers_every_category() -> None:
    assert set(CATEGORY_SPECIALIZATIONS) == set(Category)


# -- distance --------------------------------------------------------------------


def test_haversine_known_distances() -> None:
    assert haversine_km(*BUILDING, *BUILDING) == 0.0
    assert haversine_km(*BUILDING, *NEAR) == pytest.approx(0.4, abs=0.005)
    assert haversine_km(*BUILDING, *FAR) == pytest.approx(2.0, abs=0.005)
    # one degree of latitude is ~111.2 km; a quarter meridian ~10 008 km
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    # antipodes: half the circumference, no math domain error from rounding
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert haversine_km(41.0, 69.0, -41.0, -111.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    # Tashkent -> Samarkand, about 270 km as the crow flies
    assert haversine_km(41.2995, 69.2401, 39.6542, 66.9597) == pytest.approx(270, abs=5)


coord = st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))


@given(coord, coord)
def test_haversine_is_symmetric_and_bounded(a: tuple[float, float], b: tuple[float, float]) -> None:
    d = haversine_km(*a, *b)
    assert 0.0 <= d <= math.pi * EARTH_RADIUS_KM + 1e-6
    assert d == pytest.approx(haversine_km(*b, *a), abs=1e-6)


# -- the ordering, criterion by criterion ------------------------------------------


def test_specialization_match_beats_everything_else() -> None:
    specialist = cand(1, on_duty=False, open_jobs=9, at=FAR, recent_rating=1.0)
    other = cand(2, specializations=ELECTRICIAN, open_jobs=0, at=BUILDING, recent_rating=5.0)
    nobody = cand(3, specializations=frozenset(), open_jobs=0, at=BUILDING, recent_rating=5.0)
    assert rank(other, nobody, specialist) == [1, 2, 3]


def test_on_duty_beats_load_distance_and_rating() -> None:
    on = cand(1, open_jobs=5, at=FAR, recent_rating=1.0)
    off = cand(2, on_duty=False, open_jobs=0, at=BUILDING, recent_rating=5.0)
    assert rank(off, on) == [1, 2]


def test_fewer_open_jobs_beats_distance_and_rating() -> None:
    idle = cand(1, open_jobs=0, at=FAR, recent_rating=1.0)
    busy = cand(2, open_jobs=1, at=BUILDING, recent_rating=5.0)
    busier = cand(3, open_jobs=2, at=BUILDING, recent_rating=5.0)
    assert rank(busier, busy, idle) == [1, 2, 3]


def test_nearer_beats_rating_and_unknown_distance_comes_last() -> None:
    near = cand(1, at=NEAR, recent_rating=1.0)
    far = cand(2, at=FAR, recent_rating=5.0)
    nowhere = cand(3, recent_rating=5.0)
    here = cand(4, at=BUILDING, recent_rating=1.0)
    assert rank(nowhere, far, near, here) == [4, 1, 2, 3]


def test_building_without_coordinates_ignores_distance() -> None:
    a = cand(1, at=FAR, recent_rating=4.0)
    b = cand(2, at=NEAR, recent_rating=4.5)
    ranked = rank_executors(Category.PLUMBING, None, None, [a, b])
    assert ids(ranked) == [2, 1]  # decided by rating
    assert all(r.distance_km is None for r in ranked)
    assert all(r.key.distance_unknown == 1 for r in ranked)


def test_better_rating_wins_and_unrated_counts_as_mid_scale() -> None:
    best = cand(1, recent_rating=4.9)
    good = cand(2, recent_rating=4.0)
    mid = cand(3, recent_rating=UNRATED_RATING)
    unrated = cand(4)
    poor = cand(5, recent_rating=2.0)
    # an unrated newcomer is preferred to a poorly rated executor, and comes
    # right after a rated executor of exactly the mid-scale value
    assert rank(poor, unrated, mid, good, best) == [1, 2, 3, 4, 5]


def test_full_ties_are_broken_by_name_then_id_whatever_the_input_order() -> None:
    people = [
        cand(30, first_name="boris"),
        cand(10, first_name="Boris"),
        cand(20, first_name="Anna"),
        cand(5, first_name="viktor"),
    ]
    expected = [20, 10, 30, 5]  # anna, boris (id 10), boris (id 30), viktor
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(people)
        assert rank(*people) == expected


def test_name_does_not_beat_a_real_criterion() -> None:
    assert rank(cand(1, first_name="Zed", open_jobs=0), cand(2, first_name="Abe", open_jobs=1)) == [
        1,
        2,
    ]


def test_a_full_picker_ordering() -> None:
    roster = [
        cand(1, first_name="Off", on_duty=False, at=NEAR),
        cand(2, first_name="Busy", open_jobs=3, at=NEAR, recent_rating=5.0),
        cand(3, first_name="Far", open_jobs=1, at=FAR),
        cand(4, first_name="Near", open_jobs=1, at=NEAR, recent_rating=3.5),
        cand(5, first_name="Nearer", open_jobs=1, at=NEAR, recent_rating=4.5),
        cand(6, first_name="Elec", specializations=ELECTRICIAN, open_jobs=0, at=BUILDING),
        cand(7, first_name="Gone", is_active=False, open_jobs=0, at=BUILDING),
        cand(8, first_name="ElecOff", specializations=ELECTRICIAN, on_duty=False),
    ]
    assert rank(*roster) == [5, 4, 3, 2, 1, 6, 8]


# -- ranked candidates ------------------------------------------------------------


def test_reason_lists_every_known_criterion() -> None:
    (ranked,) = rank_executors(
        Category.PLUMBING, *BUILDING, [cand(1, open_jobs=1, at=NEAR, recent_rating=4.84)]
    )
    assert reason(ranked) == [
        (REASON_SPECIALIZATION, {"specialization": "plumber"}),
        (REASON_ON_DUTY, {}),
        (REASON_OPEN_JOBS, {"count": 1}),
        (REASON_DISTANCE, {"km": "0.4"}),
        (REASON_RATING, {"rating": "4.8"}),
    ]
    assert ranked.matches
    assert ranked.suitable
    assert ranked.distance_km == pytest.approx(0.4, abs=0.005)
    # reason parts unpack as (key, params) pairs
    key, params = ranked.reason[0]
    assert (key, dict(params)) == (REASON_SPECIALIZATION, {"specialization": "plumber"})
    assert isinstance(ranked.reason[0], ReasonPart)


def test_reason_of_an_unsuitable_executor_without_position_or_rating() -> None:
    (ranked,) = rank_executors(
        Category.PLUMBING, *BUILDING, [cand(1, specializations=ELECTRICIAN, on_duty=False)]
    )
    assert reason(ranked) == [
        (REASON_NO_SPECIALIZATION, {}),
        (REASON_OFF_DUTY, {}),
        (REASON_OPEN_JOBS, {"count": 0}),
    ]
    assert not ranked.matches
    assert not ranked.suitable
    assert ranked.matched_specialization is None
    assert ranked.distance_km is None


def test_every_reason_key_is_declared() -> None:
    used: set[str] = set()
    for category in Category:
        roster = [
            cand(1, specializations=frozenset(Specialization), at=NEAR, recent_rating=4.0),
            cand(2, specializations=frozenset(), on_duty=False),
        ]
        for ranked in rank_executors(category, *BUILDING, roster):
            used.update(part.key for part in ranked.reason)
    assert used == set(REASON_KEYS)
    assert all(key.startswith("assign-reason-") for key in REASON_KEYS)


def test_several_matching_specializations_name_one_deterministically() -> None:
    both = cand(1, specializations=frozenset({Specialization.HEATING, Specialization.PLUMBER}))
    (ranked,) = rank_executors(Category.HEATING, *BUILDING, [both])
    # the first in Specialization order
    assert ranked.matched_specialization is Specialization.PLUMBER
    general = cand(2, specializations=frozenset({Specialization.GENERAL, Specialization.CARPENTER}))
    (ranked,) = rank_executors(Category.CARPENTRY, *BUILDING, [general])
    assert ranked.matched_specialization is Specialization.CARPENTER


def test_distance_is_formatted_with_one_decimal() -> None:
    (ranked,) = rank_executors(Category.PLUMBING, *BUILDING, [cand(1, at=FAR)])
    assert dict(ranked.reason[3].params) == {"km": "2.0"}
    (ranked,) = rank_executors(Category.PLUMBING, *BUILDING, [cand(1, at=BUILDING)])
    assert dict(ranked.reason[3].params) == {"km": "0.0"}


def test_inactive_executors_are_not_ranked() -> None:
    assert rank(cand(1, is_active=False), cand(2, is_active=False)) == []
    assert rank() == []


# -- automatic choice ---------------------------------------------------------------


def choose(*candidates: ExecutorCandidate, **kwargs: Any) -> int | None:
    chosen = choose_executor(Category.PLUMBING, *BUILDING, candidates, **kwargs)
    return None if chosen is None else chosen.user_id


def test_choose_picks_the_least_loaded_suitable_executor() -> None:
    assert choose(cand(1, open_jobs=2), cand(2, open_jobs=1), cand(3, open_jobs=3)) == 2


def test_choose_ignores_unsuitable_executors_even_when_idle() -> None:
    roster = [
        cand(1, open_jobs=4),
        cand(2, on_duty=False, open_jobs=0),
        cand(3, specializations=ELECTRICIAN, open_jobs=0),
        cand(4, is_active=False, open_jobs=0),
    ]
    assert choose(*roster) == 1


@pytest.mark.parametrize(
    "roster",
    [
        pytest.param([], id="nobody"),
        pytest.param([cand(1, on_duty=False)], id="off-duty"),
        pytest.param([cand(1, specializations=ELECTRICIAN)], id="wrong-specialization"),
        pytest.param([cand(1, specializations=frozenset())], id="no-specialization"),
        pytest.param([cand(1, is_active=False)], id="inactive"),
        pytest.param(
            [
                cand(1, on_duty=False),
                cand(2, specializations=ELECTRICIAN),
                cand(3, is_active=False),
            ],
            id="mixed",
        ),
    ],
)
def test_choose_nobody_suitable(roster: list[ExecutorCandidate]) -> None:
    assert choose(*roster) is None


def test_choose_excludes_given_users() -> None:
    roster = [cand(1, open_jobs=0), cand(2, open_jobs=1), cand(3, on_duty=False)]
    assert choose(*roster, exclude={1}) == 2
    assert choose(*roster, exclude=[1, 2]) is None


def test_choose_breaks_ties_by_distance_rating_name_and_id() -> None:
    assert choose(cand(1, at=FAR), cand(2, at=NEAR)) == 2
    assert choose(cand(1, at=NEAR, recent_rating=4.0), cand(2, at=NEAR, recent_rating=4.5)) == 2
    assert choose(cand(1, first_name="Vera"), cand(2, first_name="anna")) == 2
    twins = [cand(9, first_name="Ali"), cand(3, first_name="Ali"), cand(6, first_name="Ali")]
    for shift in range(3):
        assert choose(*(twins[shift:] + twins[:shift])) == 3


def test_choose_returns_the_ranked_candidate_with_its_reason() -> None:
    chosen = choose_executor(Category.PLUMBING, *BUILDING, [cand(1, open_jobs=1, at=NEAR)])
    assert chosen is not None
    assert reason(chosen)[:4] == [
        (REASON_SPECIALIZATION, {"specialization": "plumber"}),
        (REASON_ON_DUTY, {}),
        (REASON_OPEN_JOBS, {"count": 1}),
        (REASON_DISTANCE, {"km": "0.4"}),
    ]


def test_choose_accepts_any_iterable() -> None:
    assert choose_executor(Category.PLUMBING, None, None, (c for c in [cand(4)])) is not None


# -- validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"open_jobs": -1}, "open_jobs"),
        ({"lat": 41.0}, "position"),
        ({"lon": 69.0}, "position"),
        ({"lat": 91.0, "lon": 0.0}, "position"),
        ({"lat": 0.0, "lon": 181.0}, "position"),
        ({"lat": math.nan, "lon": 0.0}, "position"),
        ({"recent_rating": 0.5}, "recent_rating"),
        ({"recent_rating": 5.1}, "recent_rating"),
        ({"recent_rating": math.inf}, "recent_rating"),
    ],
)
def test_candidate_rejects_impossible_values(fields: dict[str, Any], field_name: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        ExecutorCandidate(user_id=1, **fields)
    assert info.value.params == {"field": field_name}


def test_candidate_defaults() -> None:
    c = ExecutorCandidate(user_id=1)
    assert (c.on_duty, c.is_active, c.open_jobs, c.lat, c.lon) == (False, True, 0, None, None)
    placed = cand(1, at=NEAR)
    assert placed.lat is not None and placed.lon is not None


def test_half_a_building_position_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        rank_executors(Category.PLUMBING, 41.0, None, [cand(1)])
    with pytest.raises(ValidationFailed):
        choose_executor(Category.PLUMBING, None, 69.0, [cand(1)])


def test_duplicate_candidates_are_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        rank_executors(Category.PLUMBING, None, None, [cand(1), cand(1, open_jobs=3)])
    assert info.value.params == {"field": "candidates"}


# -- properties -------------------------------------------------------------------

ratings = st.one_of(st.none(), st.floats(1.0, 5.0, allow_nan=False))
# a few nearby points (so distances tie sometimes) or no position at all
positions = st.one_of(
    st.none(),
    st.sampled_from([BUILDING, NEAR, FAR]),
    st.tuples(st.floats(41.2, 41.4), st.floats(69.1, 69.4)),
)


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[ExecutorCandidate]:
    user_ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=12))
    result = []
    for user_id in user_ids:
        position = draw(positions)
        result.append(
            ExecutorCandidate(
                user_id=user_id,
                first_name=draw(st.sampled_from(["Anna", "anna", "Boris", "Vera", ""])),
                specializations=frozenset(draw(st.sets(st.sampled_from(list(Specialization))))),
                on_duty=draw(st.booleans()),
                is_active=draw(st.booleans()),
                open_jobs=draw(st.integers(0, 4)),
                lat=None if position is None else position[0],
                lon=None if position is None else position[1],
                recent_rating=draw(ratings),
            )
        )
    return result


building_positions = st.one_of(st.just((None, None)), st.just(BUILDING))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(Category)), building_positions, candidate_lists(), st.randoms())
def test_ranking_properties(
    category: Category,
    building: tuple[float | None, float | None],
    candidates: list[ExecutorCandidate],
    rnd: random.Random,
) -> None:
    ranked = rank_executors(category, *building, candidates)
    # a permutation of the active candidates
    assert sorted(ids(ranked)) == sorted(c.user_id for c in candidates if c.is_active)
    assert all(r.candidate.is_active for r in ranked)
    # sorted by the key, which is the documented criteria in order
    keys = [r.key for r in ranked]
    assert keys == sorted(keys)
    for r in ranked:
        c = r.candidate
        assert r.key.mismatch == (0 if r.matches else 1)
        assert r.key.off_duty == (0 if c.on_duty else 1)
        assert r.key.open_jobs == c.open_jobs
        assert r.matches == bool(c.specializations & CATEGORY_SPECIALIZATIONS[category])
        assert (r.distance_km is None) == (building[0] is None or c.lat is None or c.lon is None)
        assert r.reason[0].key in (REASON_SPECIALIZATION, REASON_NO_SPECIALIZATION)
        assert all(part.key in REASON_KEYS for part in r.reason)
    # matching before non-matching; within a match group on duty first
    flags = [(r.key.mismatch, r.key.off_duty) for r in ranked]
    assert flags == sorted(flags)
    # independent of the input order
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert ids(rank_executors(category, *building, shuffled)) == ids(ranked)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(Category)), building_positions, candidate_lists())
def test_choice_properties(
    category: Category,
    building: tuple[float | None, float | None],
    candidates: list[ExecutorCandidate],
) -> None:
    chosen = choose_executor(category, *building, candidates)
    wanted = CATEGORY_SPECIALIZATIONS[category]
    suitable = [c for c in candidates if c.is_active and c.on_duty and (c.specializations & wanted)]
    if not suitable:
        assert chosen is None
        return
    assert chosen is not None
    assert chosen.suitable
    assert chosen.candidate in suitable
    # never worse than any other suitable executor on the ordering
    others = rank_executors(category, *building, suitable)
    assert all(chosen.key <= other.key for other in others)
    assert chosen.candidate == others[0].candidate
    # and it is what the picker shows on top
    assert rank_executors(category, *building, candidates)[0] == chosen
    # excluding the chosen one picks the next suitable executor, if any
    rest = choose_executor(category, *building, candidates, exclude={chosen.user_id})
    if len(suitable) == 1:
        assert rest is None
    else:
        assert rest is not None
        assert rest.candidate == others[1].candidate
