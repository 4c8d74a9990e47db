"""The parsed catalogues kept beside the texts: used when the texts are the same,
parsed again when one changed, and never a reason for a start to fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax.ast import Message, Resource

from bot.i18n import LOCALES_DIR, parsed_catalogues


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _messages(resources: dict[str, list[Resource]], lang: str) -> set[str]:
    return {
        entry.id.name
        for resource in resources[lang]
        for entry in resource.body
        if isinstance(entry, Message)
    }


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: FluentParser, text: str) -> None:
        raise AssertionError("parsed although the cache was there")

    monkeypatch.setattr(FluentParser, "parse", refuse)


def test_the_second_start_reads_what_the_first_parsed(
    locales: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = parsed_catalogues(locales)
    assert len(list((locales / "__pycache__").glob("catalogues-*.pickle"))) == 1
    _refuse_parsing(monkeypatch)
    again = parsed_catalogues(locales)
    assert _messages(again, "uz") == _messages(first, "uz") and "menu-help" in _messages(
        again, "uz"
    )


def test_an_edited_text_is_parsed_again(locales: Path) -> None:
    parsed_catalogues(locales)
    with (locales / "en" / "bot.ftl").open("a", encoding="utf-8") as catalogue:
        catalogue.write("\ncache-test-added = Added after the first start\n")
    assert "cache-test-added" in _messages(parsed_catalogues(locales), "en")
    assert len(list((locales / "__pycache__").glob("catalogues-*"))) == 1  # the old one is gone


def test_an_unwritable_or_torn_cache_only_costs_the_parse(
    locales: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (locales / "__pycache__").write_text("a file where the folder would be")
    assert "menu-help" in _messages(parsed_catalogues(locales), "ru")

    (locales / "__pycache__").unlink()
    parsed_catalogues(locales)
    (cache,) = (locales / "__pycache__").glob("catalogues-*.pickle")
    cache.write_bytes(b"torn")
    assert "menu-help" in _messages(parsed_catalogues(locales), "en")
    assert "parsed catalogues unreadable" in caplog.text
