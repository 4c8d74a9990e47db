"""Outage incidents: the cluster rule, the texts a manager types, the settings, the
lifecycle rows of linking and resolving, and deadlines that follow the incident."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.access import Actor
from domain.enums import Action, ClosedBy, RequestStatus, TimerKind
from domain.errors import MissingField, NotAllowed, ValidationFailed
from domain.events import IncidentLinkChanged, RequestClosed
from domain.lifecycle import apply_action
from domain.schedule import ACCEPT_TIMERS, SlaClocks, plan
from domain.services.desk_rules import OUTAGE_COUNT_RANGE, OUTAGE_WINDOW_RANGE, parse_whole
from domain.services.desk_settings import DeskSettings
from domain.services.incidents import MAX_TEXT, clean_text, is_cluster
from domain.sla import SlaConfig
from tests.unit.factories import T0, make_request, manager, resident

MIN = timedelta(minutes=1)


def test_defaults_are_three_requests_in_thirty_minutes() -> None:
    settings = DeskSettings()
    assert (settings.outage_min_requests, settings.outage_window_minutes) == (3, 30)
    assert DeskSettings.from_values({"outage_min_requests": 5}).outage_min_requests == 5


@pytest.mark.parametrize(
    ("minutes", "count", "expected"),
    [
        ((0, 5, 12), 3, True),  # three in 12 minutes
        ((0, 20, 40), 3, False),  # three, but over 40 minutes
        ((0, 20, 40, 45), 3, True),  # the last three fall within 25 minutes
        ((0, 5), 3, False),  # only two
        ((0, 30, 31), 3, False),  # 31 minutes
        ((0, 30), 2, True),  # exactly the window
        ((), 3, False),
    ],
)
def test_cluster(minutes: tuple[int, ...], count: int, expected: bool) -> None:
    instants = [T0 + m * MIN for m in minutes]
    assert is_cluster(instants, count, 30 * MIN) is expected
    assert is_cluster(list(reversed(instants)), count, 30 * MIN) is expected  # any order


def test_texts() -> None:
    assert clean_text("  No water since 9:40 ") == "No water since 9:40"
    for empty in ("", "   ", None):
        with pytest.raises(ValidationFailed) as caught:
            clean_text(empty)
        assert caught.value.key == "incident-error-empty"
    with pytest.raises(ValidationFailed) as caught:
        clean_text("x" * (MAX_TEXT + 1))
    assert caught.value.key == "incident-error-too-long"
    assert caught.value.params == {"max": MAX_TEXT, "length": MAX_TEXT + 1}


@pytest.mark.parametrize("text", ["", None, "three", "1", "51", "-3", "3.5"])
def test_outage_count_setting_refuses(text: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_whole(text, *OUTAGE_COUNT_RANGE, "incident-settings-error-count")
    assert caught.value.params == {"min": 2, "max": 50}


def test_outage_settings_accept() -> None:
    assert parse_whole(" 4 ", *OUTAGE_COUNT_RANGE, "k") == 4
    assert parse_whole("1440", *OUTAGE_WINDOW_RANGE, "k") == 1440
    with pytest.raises(ValidationFailed):
        parse_whole("4", *OUTAGE_WINDOW_RANGE, "k")


def test_linking_changes_no_status_and_needs_the_incident() -> None:
    request = make_request(RequestStatus.ASSIGNED)
    transition = apply_action(request, manager(), Action.LINK_INCIDENT, T0, incident_id=7)
    assert transition.new.status is RequestStatus.ASSIGNED
    assert transition.history.payload == {"incident_id": 7}
    assert transition.events == [
        IncidentLinkChanged(
            request_id=1,
            number=request.number,
            actor_id=manager().user_id,
            actor_role=transition.actor_role,
            at=T0,
            incident_id=7,
            linked=True,
        )
    ]
    with pytest.raises(MissingField):
        apply_action(request, manager(), Action.LINK_INCIDENT, T0)
    system = apply_action(request, Actor.system(), Action.LINK_INCIDENT, T0, incident_id=7)
    assert system.history.actor_id is None


def test_resolving_closes_an_open_request_with_the_text() -> None:
    request = make_request(RequestStatus.NEW)
    transition = apply_action(
        request, manager(), Action.CLOSE_BY_INCIDENT, T0, comment="Water is back", incident_id=7
    )
    assert transition.new.status is RequestStatus.CLOSED
    assert transition.new.closed_at == T0
    assert transition.history.payload == {"how": "incident", "incident_id": 7}
    (event,) = transition.events
    assert isinstance(event, RequestClosed)
    assert (event.how, event.comment, event.needs_follow_up) == (
        ClosedBy.INCIDENT,
        "Water is back",
        False,
    )
    with pytest.raises(NotAllowed):  # a resident cannot close through an incident
        apply_action(request, resident(), Action.CLOSE_BY_INCIDENT, T0, comment="x", incident_id=7)


def test_deadlines_follow_the_incident_target_and_come_back() -> None:
    request = make_request(RequestStatus.NEW)
    config = SlaConfig()
    own = plan(request, SlaClocks.started(request.created_at), config)
    target = request.created_at + timedelta(hours=4)
    clocks = SlaClocks(
        accept_from=request.created_at, complete_from=request.created_at, incident_due=target
    )
    linked = plan(request, clocks, config)
    assert linked.complete_due == target
    assert not set(ACCEPT_TIMERS) & set(linked.timers)  # nobody chased to accept it
    assert linked.timers[TimerKind.COMPLETE_OVERDUE] == target
    assert linked.timers[TimerKind.COMPLETE_REMINDER] == request.created_at + timedelta(hours=3)
    # returned to the desk: its own deadlines again
    unlinked = plan(request, SlaClocks.started(request.created_at), config)
    assert unlinked == own
    assert own.complete_due != target
