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


def _recorded_actions() -> set[str]:
    """Every action the code passes to ``audit.record``: a literal, a conditional of
    literals, or a local name assigned literals in the same function."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found: set[str] = set()
    for folder in ("domain", "storage", "bot", "handlers"):
        for path in (root / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef):
                    continue
                for call in ast.walk(function):
                    if not (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "record"
                        and isinstance(call.func.value, ast.Attribute)
                        and call.func.value.attr == "audit"
                    ):
                        continue
                    action = call.args[1]
                    if isinstance(action, ast.Name):
                        values = _assigned(function, action.id)
                    else:
                        values = _literals(action)
                    assert values, f"{path.name}:{call.lineno}: the action is not a literal"
                    found |= values
    return found


def _literals(node: object) -> set[str]:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()


def _assigned(function: object, name: str) -> set[str]:
    import ast

    values: set[str] = set()
    for node in ast.walk(function):  # type: ignore[arg-type]
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                values |= _literals(node.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for item, value in zip(target.elts, node.value.elts, strict=True):
                    if isinstance(item, ast.Name) and item.id == name:
                        values |= _literals(value)
    return values


def test_every_recorded_action_is_listed_for_the_audit_view() -> None:
    recorded = _recorded_actions()
    assert {"role.granted", "role.revoked", "user.deactivated", "setting.changed"} <= recorded
    assert recorded - set(ACTIONS) == set()
