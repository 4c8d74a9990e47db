"""Translations: one Fluent catalogue per language in ``locales/<lang>/*.ftl``.

The same ``Translator`` renders replies inside handlers and outbox messages at
delivery time, so the recipient always reads their own language.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser
from fluent.syntax.ast import Resource

from domain.enums import Language

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
log = logging.getLogger(__name__)


def load_catalogue_texts(lang: str, locales_dir: Path = LOCALES_DIR) -> list[str]:
    return [p.read_text("utf-8") for p in sorted((locales_dir / lang).glob("*.ftl"))]


def parsed_catalogues(locales_dir: Path = LOCALES_DIR) -> dict[str, list[Resource]]:
    """Every language's catalogue, parsed.

    Parsing takes about 0.6 s, at every start of every process, so the result is kept
    beside the texts as Python keeps bytecode (``locales/__pycache__``), named by a
    digest of the texts and the parser's version: an edited text is parsed again. A
    folder that cannot be written (a read-only image) only costs the parse; a cache
    that cannot be read is parsed over.
    """
    texts = {lang.value: load_catalogue_texts(lang.value, locales_dir) for lang in Language}
    key = repr((version("fluent.syntax"), sorted(texts.items()))).encode()
    folder = locales_dir / "__pycache__"
    cache = folder / f"catalogues-{hashlib.sha256(key).hexdigest()[:16]}.pickle"
    try:
        cached: dict[str, list[Resource]] = pickle.loads(cache.read_bytes())
        return cached
    except FileNotFoundError:
        pass
    except Exception:  # a torn or foreign file: never a reason not to start
        log.warning("parsed catalogues unreadable, parsing again", extra={"path": str(cache)})
    # Without spans: source positions are only for tools that edit .ftl files (~2 MB less).
    parser = FluentParser(with_spans=False)
    parsed = {lang: [parser.parse(text) for text in files] for lang, files in texts.items()}
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        for stale in folder.glob("catalogues-*"):
            stale.unlink(missing_ok=True)
        partial = folder / f"{cache.name}.{os.getpid()}"
        partial.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(cache)  # whole or not at all, for processes starting beside us
    return parsed


@lru_cache
def _load_bundles(locales_dir: Path) -> Mapping[str, FluentBundle]:
    """Every language's catalogue, shared by all translators of the process: the
    handlers' and the runtime's."""
    bundles = {}
    for lang, resources in parsed_catalogues(locales_dir).items():
        bundle = FluentBundle([lang], use_isolating=False)
        for resource in resources:
            bundle.add_resource(resource)
        bundles[lang] = bundle
    return MappingProxyType(bundles)


class Translator:
    def __init__(self, default: str = Language.RU, locales_dir: Path = LOCALES_DIR) -> None:
        self.default = default
        self._bundles = _load_bundles(locales_dir)
        # Texts without parameters (button labels, titles: most of a keyboard) never
        # change: formatted once per language, as Fluent resolves a pattern each call.
        self._plain: dict[tuple[str | None, str], str] = {}

    def has(self, key: str, lang: str | None = None) -> bool:
        return self._bundles[lang or self.default].has_message(key)

    def __call__(self, lang: str | None, key: str, /, **params: Any) -> str:
        if params:
            return self._format(lang, key, params)[0]
        text = self._plain.get((lang, key))
        if text is None:
            text, clean = self._format(lang, key, params)
            if clean:  # a missing key or a broken pattern is reported on every use
                self._plain[(lang, key)] = text
        return text

    def _format(self, lang: str | None, key: str, params: Mapping[str, Any]) -> tuple[str, bool]:
        """The text, and whether it came cleanly from the catalogue asked for."""
        bundle = self._bundles.get(lang or self.default) or self._bundles[self.default]
        missing = not bundle.has_message(key)
        if missing:
            # A missing key is a bug caught by the catalogue test; never show the raw key.
            log.error("missing translation", extra={"key": key, "lang": lang})
            bundle = self._bundles[self.default]
            if not bundle.has_message(key):
                bundle = self._bundles[Language.EN]
                key = key if bundle.has_message(key) else "error-generic"
        pattern = bundle.get_message(key).value
        if pattern is None:  # a message with attributes only; the catalogue test forbids it
            return key, False
        text, errors = bundle.format_pattern(pattern, _prepare(params))
        if errors:
            log.error("translation errors", extra={"key": key, "errors": [str(e) for e in errors]})
        return str(text), not errors and not missing

    def bind(self, lang: str | None) -> BoundTranslator:
        return BoundTranslator(self, lang or self.default)


def _prepare(params: Mapping[str, Any]) -> dict[str, Any]:
    # Fluent accepts str/int/float/date; anything else (enums, None) is shown as text.
    prepared: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            prepared[name] = ""
        elif isinstance(value, bool):
            prepared[name] = str(value)
        elif isinstance(value, int | float | str):
            prepared[name] = value
        else:
            prepared[name] = str(value)
    return prepared


class BoundTranslator:
    """A translator fixed to one language: ``t("menu-help")``."""

    __slots__ = ("lang", "translator")

    def __init__(self, translator: Translator, lang: str) -> None:
        self.translator = translator
        self.lang = lang

    def __call__(self, key: str, /, **params: Any) -> str:
        return self.translator(self.lang, key, **params)


@lru_cache(maxsize=1)
def get_translator() -> Translator:
    return Translator()
