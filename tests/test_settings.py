"""Configuration: every setting is documented and parsed the way operators write it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_with_a_comment() -> None:
    text = (ROOT / ".env.example").read_text("utf-8")
    documented = set(re.findall(r"^(UKBOT_[A-Z_]+)=", text, flags=re.MULTILINE))
    expected = {f"UKBOT_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("UKBOT_"):
            # the variable or the block it belongs to is explained by a comment above it
            above = [prev for prev in lines[:index] if prev.startswith("#")]
            assert above, f"{line} has no comment"


def test_admin_ids_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UKBOT_ADMIN_IDS", "101, 202,303")
    monkeypatch.setenv("UKBOT_BOT_TOKEN", "123:secret-token")
    monkeypatch.setenv("UKBOT_DATABASE_URL", "")
    settings = Settings(_env_file=None)
    assert settings.admin_ids == [101, 202, 303]
    assert settings.database_url is None
    assert "secret-token" not in repr(settings)
    assert settings.bot_token.get_secret_value() == "123:secret-token"
