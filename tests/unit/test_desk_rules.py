"""Desk rules: the values an admin types are validated before anything is saved."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.services.audit_view import ACTIONS, action_key
from domain.services.desk_rules import parse_hour, parse_phone


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("+998 71 200-00-00", "+998 71 200-00-00"),
        ("  +998  (71) 555-44-33 ", "+998 (71) 555-44-33"),
        ("2000000", "2000000"),
    ],
)
def test_phone_numbers(text: str, phone: str) -> None:
    assert parse_phone(text) == phone


@pytest.mark.parametrize(
    "text", ["", None, "call Rustam", "12-34", "+998 71 200 00 00 00 00 00", "71#200"]
)
def test_not_phone_numbers(text: str | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_phone(text)
    assert caught.value.key == "settings-error-phone"


@pytest.mark.parametrize(("text", "hour"), [("9", 9), ("09:00", 9), (" 0 ", 0), ("23.00", 23)])
def test_hours(text: str, hour: int) -> None:
    assert parse_hour(text) == hour


@pytest.mark.parametrize("text", ["24", "-1", "9:30", "nine", "", None])
def test_not_hours(text: str | None) -> None:
    with pytest.raises(ValidationFailed):
        parse_hour(text)


def test_every_audit_action_has_a_distinct_key() -> None:
    keys = [action_key(action) for action in ACTIONS]
    assert len(set(keys)) == len(keys)
    assert action_key("setting.changed") == "audit-action-setting-changed"


def test_every_audit_action_has_a_text_in_every_language() -> None:
    from bot.i18n import Translator

    translator = Translator()
    missing = [
        (lang, action)
        for lang in ("ru", "uz", "en")
        for action in ACTIONS
        if not translator.has(action_key(action), lang)
    ]
    assert missing == []
