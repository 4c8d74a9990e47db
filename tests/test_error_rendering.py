"""Every domain error a user can meet renders as a sentence in their language."""

from __future__ import annotations

import itertools

import pytest

from bot.i18n import get_translator
from domain.enums import Action, RequestStatus
from domain.errors import DomainError, InvalidTransition, MissingField, NotAllowed, ValidationFailed
from domain.lifecycle import MAX_TEXT_LENGTH, RequiredField
from handlers.errors import render_error

ERRORS: list[DomainError] = [
    NotAllowed(),
    NotAllowed("error-not-available"),
    NotAllowed("error-not-on-duty"),
    ValidationFailed(),
    ValidationFailed("error-text-too-long", field=RequiredField.REASON, max=MAX_TEXT_LENGTH),
    *(MissingField(field) for field in RequiredField),
    *(ValidationFailed("error-unchanged", field=field) for field in RequiredField),
    *(
        InvalidTransition(status=status.value, action=action.value)
        for status, action in itertools.product(RequestStatus, Action)
    ),
]


@pytest.mark.parametrize("lang", ["ru", "uz", "en"])
def test_domain_errors_render_without_raw_keys(lang: str) -> None:
    t = get_translator().bind(lang)
    generic = t("error-generic")
    for error in ERRORS:
        text = render_error(t, error)
        assert text != generic, error.key
        assert "error-" not in text and "field-" not in text and "status-" not in text, text
        assert "{" not in text and "_" not in text, text
