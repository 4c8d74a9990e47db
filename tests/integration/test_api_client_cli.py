"""`ukbot api-client create / list / revoke` against the test database."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator

import pytest

from bot.cli import main
from domain.services.api_clients import hash_secret, secret_matches


@pytest.fixture(autouse=True)
def _keep_signal_handlers() -> Iterator[None]:
    """``main`` installs its own SIGINT/SIGTERM handling: give pytest's back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_create_list_and_revoke_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UKBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UKBOT_AUTO_MIGRATE", "false")
    assert main(["api-client", "create", "Accounting", "--scopes", "requests:read,export"]) == 0
    shown = capsys.readouterr().out
    found = re.search(r"client id:\s+(\d+)\nclient secret: (ukc_\S+)", shown)
    assert found, shown
    client_id, secret = int(found[1]), found[2]
    assert not secret_matches(secret, hash_secret("another"))

    assert main(["api-client", "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(f"{client_id}\t"))
    assert line.split("\t")[1:] == ["Accounting", "export requests:read", "all buildings", "active"]

    assert main(["api-client", "revoke", str(client_id)]) == 0
    assert "no longer work" in capsys.readouterr().out
    assert main(["api-client", "list"]) == 0
    assert f"{client_id}\tAccounting" in capsys.readouterr().out
    assert main(["api-client", "revoke", str(client_id)]) == 1  # already revoked
    assert f"There is no active API client #{client_id}" in capsys.readouterr().err

    assert main(["api-client", "create", "Bad", "--scopes", "requests:delete"]) == 1
    assert "Unknown scope: requests:delete" in capsys.readouterr().err
