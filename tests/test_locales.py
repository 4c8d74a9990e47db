"""Every text exists in ru, uz and en with the same placeholders and the same choices
(a plural in one language is a plural in all), and every key used exists."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast, visitor

from bot.i18n import LOCALES_DIR, Translator, load_catalogue_texts
from domain import enums
from domain.lifecycle import RequiredField

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ru", "uz", "en")


class _Vars(visitor.Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.choices: list[str] = []  # the variable each select expression chooses by

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)
        self.generic_visit(node)

    def visit_SelectExpression(self, node: ast.SelectExpression) -> None:
        selector = node.selector
        self.choices.append(
            selector.id.name if isinstance(selector, ast.VariableReference) else "?"
        )
        self.generic_visit(node)


Shape = tuple[frozenset[str], tuple[str, ...]]  # placeholders, choices


def catalogue(lang: str) -> dict[str, Shape]:
    messages: dict[str, Shape] = {}
    for text in load_catalogue_texts(lang):
        resource = FluentParser().parse(text)
        junk = [e for e in resource.body if isinstance(e, ast.Junk)]
        assert not junk, f"{lang}: syntax error near {(junk[0].content or '')[:80]!r}"
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                assert entry.id.name not in messages, f"{lang}: duplicate key {entry.id.name}"
                found = _Vars()
                found.visit(entry)
                messages[entry.id.name] = (frozenset(found.names), tuple(sorted(found.choices)))
    return messages


def test_every_key_in_every_language_with_same_placeholders_and_choices() -> None:
    catalogues = {lang: catalogue(lang) for lang in LANGS}
    reference = catalogues["en"]
    for lang in LANGS:
        assert catalogues[lang].keys() == reference.keys(), (
            f"{lang}: missing {sorted(reference.keys() - catalogues[lang].keys())}, "
            f"extra {sorted(catalogues[lang].keys() - reference.keys())}"
        )
        for key, (names, choices) in reference.items():
            assert catalogues[lang][key][0] == names, f"{lang}:{key} placeholders differ"
            assert catalogues[lang][key][1] == choices, f"{lang}:{key} plurals/choices differ"


@pytest.mark.parametrize(
    ("lang", "key", "params", "expected"),
    [
        ("ru", "job-ask-comment", {"number": "N", "count": 1}, "К работе N приложен 1 файл."),
        ("ru", "job-ask-comment", {"number": "N", "count": 3}, "К работе N приложено 3 файла."),
        ("ru", "job-ask-comment", {"number": "N", "count": 5}, "К работе N приложено 5 файлов."),
        ("uz", "job-ask-comment", {"number": "N", "count": 1}, "N ishiga bitta fayl biriktirildi."),
        ("uz", "job-card-files", {"count": 2}, "📎 2 ta fayl"),
        ("uz", "assign-reason-open-jobs", {"count": 1}, "bitta ochiq ish"),
        ("uz", "staff-invite-ttl", {"days": 7}, "7 kun"),
        ("en", "staff-invite-ttl", {"days": 1}, "1 day"),
    ],
)
def test_counts_read_naturally(
    lang: str, key: str, params: dict[str, object], expected: str
) -> None:
    assert expected in Translator()(lang, key, **params)


@pytest.mark.parametrize(
    ("prefix", "enum"),
    [
        ("status", enums.RequestStatus),
        ("category", enums.Category),
        ("urgency", enums.Urgency),
        ("role", enums.Role),
        ("specialization", enums.Specialization),
        ("place", enums.PlaceKind),
        ("action", enums.Action),
        ("field", RequiredField),
    ],
)
def test_every_canonical_key_has_a_display_text(prefix: str, enum: type[Enum]) -> None:
    keys = catalogue("en").keys()
    missing = [member.value for member in enum if f"{prefix}-{member.value}" not in keys]
    assert not missing


KEY_LITERAL = re.compile(
    r"""\b(?:t|translator|_t)\(\s*(?:[a-z_.]+,\s*)?["']([a-z][a-z0-9-]+)["']"""
)
KEY_ARG = re.compile(r"""(?:key|text_key|template)=["']([a-z][a-z0-9-]+)["']""")


def test_every_key_used_in_code_exists() -> None:
    keys = catalogue("en").keys()
    used: set[str] = set()
    for folder in ("bot", "handlers", "domain", "storage", "fsm"):
        for path in (ROOT / folder).rglob("*.py"):
            source = path.read_text("utf-8")
            used.update(KEY_LITERAL.findall(source))
            used.update(KEY_ARG.findall(source))
            used.update(re.findall(r"""MenuButton\(["']([a-z][a-z0-9-]+)["']\)""", source))
            used.update(re.findall(r"""\bButton\(\s*["']([a-z][a-z0-9-]+)["']""", source))
            used.update(re.findall(r"""to_user\(\s*[\w.]+,\s*["']([a-z][a-z0-9-]+)["']""", source))
            used.update(
                re.findall(
                    r"""(?:Failed|Allowed|NotFound|Error)\(\s*["']([a-z][a-z0-9-]+)["']""", source
                )
            )
    assert used, "the scan found no keys; the pattern is broken"
    assert sorted(used - keys) == []


def test_translator_never_shows_a_raw_key() -> None:
    t = Translator(locales_dir=LOCALES_DIR)
    assert t("en", "no-such-key") == t("en", "error-generic")


def test_texts_without_parameters_are_kept_and_a_missing_key_is_reported_every_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = Translator(locales_dir=LOCALES_DIR)
    first = t("uz", "error-generic")
    assert t("uz", "error-generic") is first  # formatted once, then kept
    assert t("en", "error-generic") != first  # per language
    t("en", "no-such-key")
    t("en", "no-such-key")
    assert [r.message for r in caplog.records].count("missing translation") == 2
