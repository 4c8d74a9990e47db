"""No phone number or bot token reaches a log line; ids, request numbers and dates do."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logging_setup import log_handler, redact
from storage.log_context import bind_log_context

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.mark.parametrize(
    "phone", ["+998901234567", "+998 90 123-45-67", "998901234567", "8 (900) 123-45-67"]
)
def test_phones_are_redacted(phone: str) -> None:
    assert redact(f"contact {phone}, thanks") == "contact [phone], thanks"


@pytest.mark.parametrize(
    "kept",
    [
        "user 1234567890",
        "request 261207-001",
        "request 261207-1234",
        "at 2026-12-07T10:00:00",
        "chat -1001234567890",
        "pi 3.14159265358979",
    ],
)
def test_ids_numbers_and_dates_are_kept(kept: str) -> None:
    assert redact(kept) == kept


def test_a_line_carries_the_context_and_nothing_secret() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("ukbot.test.redaction")
    logger.addHandler(log_handler("json", stream))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    bind_log_context(update_id=42, user_id=7)
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logger.exception(
            "send to %s failed", "+998901234567", extra={"note": {"p": "998901234567"}}
        )
    line = json.loads(stream.getvalue())
    assert line["event"] == "send to [phone] failed"
    assert line["note"] == {"p": "[phone]"}
    assert (line["update_id"], line["user_id"]) == (42, 7)
    assert TOKEN not in line["traceback"] and "bot[token]/sendMessage" in line["traceback"]


def test_api_secrets_and_tokens_are_redacted() -> None:
    secret = "ukc_Zx8kQ2mN4pR7tV1wY3bD5fH6"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzIn0.c2lnbmF0dXJlLXBhcnQ"
    assert redact(f"secret {secret} token {jwt}.") == "secret [token] token [token]."
