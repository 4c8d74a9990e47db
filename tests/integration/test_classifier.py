"""The LLM classifier adapter against the fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from openai import AsyncOpenAI

from bot.classifier import (
    CATEGORY_HINTS,
    SCHEMA_NAME,
    BadAnswer,
    OpenAIClassifier,
    build_response_format,
    parse_suggestion,
)
from bot.settings import Settings
from domain.enums import Category, Urgency
from domain.ports import Classifier, Suggestion
from sandbox.openai_fake import FakeOpenAI, guess, serve

API_KEY = "sk-test-0123456789"
DESCRIPTION = "В ванной течёт кран, соседи снизу жалуются. Кв. 12, тел. +998901234567"
ALL = list(Category)

MakeClassifier = Callable[..., OpenAIClassifier]


@pytest_asyncio.fixture(loop_scope="session")
async def fake() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI(api_key=API_KEY)
    async with serve(fake):
        yield fake


@pytest_asyncio.fixture(loop_scope="session")
async def make(fake: FakeOpenAI) -> AsyncIterator[MakeClassifier]:
    """Builds classifiers on the fake server (no back-off unless asked), closed after."""
    made: list[OpenAIClassifier] = []

    def _make(**kwargs: Any) -> OpenAIClassifier:
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("base_url", fake.url)
        kwargs.setdefault("timeout", 2.0)
        kwargs.setdefault("cooldown", 0.0)
        classifier = OpenAIClassifier(**kwargs)
        made.append(classifier)
        return classifier

    yield _make
    for classifier in made:
        await classifier.aclose()


def _assert_private(caplog: pytest.LogCaptureFixture) -> None:
    text = caplog.text
    assert "течёт" not in text
    assert "+998" not in text
    assert API_KEY not in text


# -- good answers -------------------------------------------------------------


async def test_good_answer_is_a_suggestion(make: MakeClassifier, fake: FakeOpenAI) -> None:
    fake.answer = {"category": "plumbing", "urgency": "urgent", "confidence": 0.9}
    classifier = make()
    assert isinstance(classifier, Classifier)
    assert classifier.enabled
    suggestion = await classifier.suggest(DESCRIPTION, ALL)
    assert suggestion == Suggestion(Category.PLUMBING, Urgency.URGENT, 0.9)
    assert isinstance(suggestion.category, Category)
    assert isinstance(suggestion.urgency, Urgency)


async def test_request_carries_model_schema_and_auth(
    make: MakeClassifier, fake: FakeOpenAI
) -> None:
    offered = [Category.PLUMBING, Category.HEATING, Category.OTHER]
    assert await make(model="test-model").suggest(f"  {DESCRIPTION}  ", offered) is not None
    assert fake.count() == 1
    sent = fake.last
    assert sent.method == "POST"
    assert sent.path == "/v1/chat/completions"
    assert sent.authorization == f"Bearer {API_KEY}"
    assert sent.model == "test-model"
    assert sent.body.get("stream") in (None, False)
    fmt = sent.response_format
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == SCHEMA_NAME
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["properties"]["category"]["enum"] == ["plumbing", "heating", "other"]
    assert schema["properties"]["urgency"]["enum"] == ["normal", "urgent", "emergency"]
    assert set(schema["required"]) == set(schema["properties"])
    assert schema["additionalProperties"] is False
    system, user = sent.messages
    assert system["role"] == "system"
    for category in offered:
        assert f"- {category.value}: {CATEGORY_HINTS[category]}" in system["content"]
    assert "- elevator:" not in system["content"]
    assert user == {"role": "user", "content": DESCRIPTION}


async def test_default_fake_answer_guesses_by_keywords(make: MakeClassifier) -> None:
    classifier = make()
    assert await classifier.suggest(DESCRIPTION, ALL) == Suggestion(
        Category.PLUMBING, Urgency.NORMAL, 0.8
    )
    flooded = await classifier.suggest("Затопило подвал, прорыв трубы!", ALL)
    assert flooded is not None
    assert (flooded.category, flooded.urgency) == (Category.PLUMBING, Urgency.EMERGENCY)
    lift = await classifier.suggest("Lift is stuck between floors, a child inside", ALL)
    assert lift is not None
    assert (lift.category, lift.urgency) == (Category.ELEVATOR, Urgency.EMERGENCY)
    vague = await classifier.suggest("Something is wrong", ALL)
    assert vague is not None
    assert (vague.category, vague.urgency, vague.confidence) == (
        Category.OTHER,
        Urgency.NORMAL,
        0.3,
    )


async def test_missing_urgency_and_odd_confidence_are_tolerated(
    make: MakeClassifier, fake: FakeOpenAI
) -> None:
    classifier = make()
    fake.answer = {"category": "heating"}
    assert await classifier.suggest(DESCRIPTION, ALL) == Suggestion(Category.HEATING, None, None)
    fake.answer = {"category": "heating", "urgency": None, "confidence": 7}
    assert await classifier.suggest(DESCRIPTION, ALL) == Suggestion(Category.HEATING, None, None)
    fake.answer = {"category": "heating", "urgency": "normal", "confidence": True}
    assert await classifier.suggest(DESCRIPTION, ALL) == Suggestion(
        Category.HEATING, Urgency.NORMAL, None
    )
    fake.answer = {"category": "heating", "urgency": "normal", "confidence": 1}
    assert await classifier.suggest(DESCRIPTION, ALL) == Suggestion(
        Category.HEATING, Urgency.NORMAL, 1.0
    )


# -- bad answers --------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("Sure! The category is plumbing.", id="prose"),
        pytest.param('{"category": "plumbing", "urgency": ', id="truncated-json"),
        pytest.param('["plumbing", "urgent"]', id="not-an-object"),
        pytest.param('"plumbing"', id="a-string"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("null", id="null"),
    ],
)
async def test_garbage_content_is_none(
    make: MakeClassifier,
    fake: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
    content: str,
) -> None:
    fake.content = content
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await make().suggest(DESCRIPTION, ALL) is None
    assert "classifier answer ignored" in caplog.text
    _assert_private(caplog)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            {"category": "gardening", "urgency": "normal", "confidence": 0.9}, id="unknown"
        ),
        pytest.param({"category": "Plumbing", "urgency": "normal", "confidence": 0.9}, id="case"),
        pytest.param(
            {"category": "elevator", "urgency": "normal", "confidence": 0.9}, id="not-offered"
        ),
        pytest.param({"category": None, "urgency": "normal", "confidence": 0.9}, id="null"),
        pytest.param({"urgency": "normal", "confidence": 0.9}, id="missing"),
        pytest.param({"category": 3, "urgency": "normal", "confidence": 0.9}, id="number"),
        pytest.param({"category": "plumbing", "urgency": "asap", "confidence": 0.9}, id="urgency"),
        pytest.param({"category": "plumbing", "urgency": 2, "confidence": 0.9}, id="urgency-type"),
    ],
)
async def test_unknown_category_or_urgency_is_none(
    make: MakeClassifier, fake: FakeOpenAI, answer: dict[str, Any]
) -> None:
    fake.answer = answer
    assert await make().suggest(DESCRIPTION, [Category.PLUMBING, Category.HEATING]) is None


async def test_refusal_is_none(
    make: MakeClassifier, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake.refusal = "I'm sorry, I can't help with that."
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await make().suggest(DESCRIPTION, ALL) is None
    assert "refused" in caplog.text


async def test_filtered_answer_is_none(make: MakeClassifier, fake: FakeOpenAI) -> None:
    fake.answer = {"category": "plumbing", "urgency": "normal", "confidence": 0.5}
    fake.finish_reason = "content_filter"
    assert await make().suggest(DESCRIPTION, ALL) is None


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param("{}", id="empty-object"),
        pytest.param('{"choices": []}', id="no-choices"),
        pytest.param("<html>bad gateway</html>", id="not-json"),
        pytest.param('{"choices": [{"message": "plumbing"}]}', id="odd-shape"),
    ],
)
async def test_broken_envelope_is_none(
    make: MakeClassifier, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture, raw_body: str
) -> None:
    fake.raw_body = raw_body
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await make().suggest(DESCRIPTION, ALL) is None
    assert "classifier" in caplog.text
    _assert_private(caplog)


# -- HTTP failures ------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 400, 404])
async def test_http_error_is_none_without_retries(
    make: MakeClassifier, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    fake.fail_status = status
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await make().suggest(DESCRIPTION, ALL) is None
    assert fake.count() == 1  # max_retries=0
    assert f"HTTP {status}" in caplog.text
    _assert_private(caplog)


async def test_wrong_key_is_none(make: MakeClassifier, fake: FakeOpenAI) -> None:
    assert await make(api_key="sk-wrong").suggest(DESCRIPTION, ALL) is None
    assert fake.last.authorization == "Bearer sk-wrong"


async def test_rate_limit_is_none_and_pauses_for_retry_after(
    make: MakeClassifier, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_status = 429
    fake.retry_after = 120
    classifier = make()
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert "rate limited" in caplog.text
    assert fake.count() == 1
    assert classifier.paused
    # while paused nothing is sent, even once the server is fine again
    fake.fail_status = None
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert fake.count() == 1


async def test_failure_backs_off_for_the_cooldown(make: MakeClassifier, fake: FakeOpenAI) -> None:
    fake.fail_status = 500
    classifier = make(cooldown=0.3)
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert classifier.paused
    fake.fail_status = None
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert fake.count() == 1
    await asyncio.sleep(0.35)
    assert not classifier.paused
    assert await classifier.suggest(DESCRIPTION, ALL) is not None
    assert fake.count() == 2


async def test_bad_answers_do_not_back_off(make: MakeClassifier, fake: FakeOpenAI) -> None:
    classifier = make(cooldown=60.0)
    fake.content = "garbage"
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert not classifier.paused
    fake.content = None
    assert await classifier.suggest(DESCRIPTION, ALL) is not None


async def test_without_cooldown_every_call_is_tried(make: MakeClassifier, fake: FakeOpenAI) -> None:
    fake.fail_status = 503
    classifier = make(cooldown=0.0)
    for _ in range(3):
        assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert fake.count() == 3
    assert not classifier.paused


# -- time ---------------------------------------------------------------------


async def test_hang_past_the_timeout_is_none_quickly(
    make: MakeClassifier, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake.delay = 10.0
    classifier = make(timeout=0.3)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.classifier"):
        assert await classifier.suggest(DESCRIPTION, ALL) is None
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 1.0
    assert "timed out" in caplog.text
    assert fake.count() == 1


async def test_total_time_is_capped_even_when_the_client_would_wait(
    make: MakeClassifier, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    classifier = make(timeout=0.2)

    async def stuck(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(30)

    assert classifier._client is not None
    monkeypatch.setattr(classifier._client.chat.completions, "create", stuck)
    started = time.monotonic()
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert time.monotonic() - started < 1.0


async def test_unreachable_server_is_none(make: MakeClassifier) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    classifier = make(base_url=f"http://127.0.0.1:{port}/v1", timeout=1.0)
    started = time.monotonic()
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert time.monotonic() - started < 1.5


async def test_cancellation_is_not_swallowed(make: MakeClassifier, fake: FakeOpenAI) -> None:
    fake.delay = 10.0
    task = asyncio.create_task(make().suggest(DESCRIPTION, ALL))
    await asyncio.sleep(0.2)  # the request is in flight
    assert fake.count() == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# -- disabled and trivial inputs ------------------------------------------------


@pytest.mark.parametrize("api_key", [None, "", "   "])
async def test_disabled_without_a_key(
    make: MakeClassifier, fake: FakeOpenAI, api_key: str | None
) -> None:
    classifier = make(api_key=api_key)
    assert not classifier.enabled
    assert isinstance(classifier, Classifier)
    assert await classifier.suggest(DESCRIPTION, ALL) is None
    assert fake.requests == []
    await classifier.aclose()  # closing a disabled adapter is fine


async def test_nothing_to_classify_sends_nothing(make: MakeClassifier, fake: FakeOpenAI) -> None:
    classifier = make()
    assert await classifier.suggest("   ", ALL) is None
    assert await classifier.suggest(DESCRIPTION, []) is None
    assert fake.requests == []


async def test_long_descriptions_are_cut(make: MakeClassifier, fake: FakeOpenAI) -> None:
    assert await make(max_description_chars=50).suggest("кран " * 1000, ALL) is not None
    assert len(fake.last.messages[-1]["content"]) == 50


async def test_duplicate_categories_are_offered_once(
    make: MakeClassifier, fake: FakeOpenAI
) -> None:
    offered = [Category.PLUMBING, Category.PLUMBING, Category.OTHER]
    await make().suggest(DESCRIPTION, offered)
    schema = fake.last.response_format["json_schema"]["schema"]
    assert schema["properties"]["category"]["enum"] == ["plumbing", "other"]


async def test_bad_arguments_never_raise(make: MakeClassifier, fake: FakeOpenAI) -> None:
    assert await make().suggest(DESCRIPTION, ["no-such-category"]) is None  # type: ignore[list-item]
    assert fake.requests == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": float("inf")},
        {"cooldown": -1},
        {"max_description_chars": 0},
        {"model": " "},
    ],
)
def test_invalid_configuration_is_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="classifier"):
        OpenAIClassifier(API_KEY, **kwargs)


# -- settings and lifecycle -----------------------------------------------------


async def test_from_settings(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UKBOT_OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("UKBOT_OPENAI_BASE_URL", fake.url or "")
    monkeypatch.setenv("UKBOT_OPENAI_MODEL", "sandbox-model")
    monkeypatch.setenv("UKBOT_OPENAI_TIMEOUT", "1.5")
    settings = Settings(_env_file=None)
    assert API_KEY not in repr(settings)
    async with OpenAIClassifier.from_settings(settings) as classifier:
        assert classifier.enabled
        assert classifier.timeout == 1.5
        assert await classifier.suggest(DESCRIPTION, ALL) is not None
    assert fake.last.model == "sandbox-model"


def test_settings_defaults_leave_the_classifier_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("API_KEY", "BASE_URL", "MODEL", "TIMEOUT"):
        monkeypatch.delenv(f"UKBOT_OPENAI_{name}", raising=False)
    settings = Settings(_env_file=None)
    assert settings.openai_model == "gpt-4o-mini"
    assert settings.openai_timeout == 3.0
    classifier = OpenAIClassifier.from_settings(settings)
    assert not classifier.enabled
    assert classifier.timeout == 3.0


# -- pure helpers -----------------------------------------------------------------


def test_response_format_lists_offered_categories() -> None:
    fmt = build_response_format([Category.OTHER])
    assert fmt["json_schema"]["schema"]["properties"]["category"]["enum"] == ["other"]  # type: ignore[index]


def test_parse_suggestion_reasons() -> None:
    with pytest.raises(BadAnswer, match="not JSON"):
        parse_suggestion("{", ALL)
    with pytest.raises(BadAnswer, match="empty"):
        parse_suggestion(None, ALL)
    assert parse_suggestion('{"category": "other", "urgency": "emergency"}', ALL) == Suggestion(
        Category.OTHER, Urgency.EMERGENCY
    )


def test_every_category_has_a_prompt_hint() -> None:
    assert set(CATEGORY_HINTS) == set(Category)


def test_fake_guess_respects_the_offered_categories() -> None:
    assert guess("течёт кран", ["heating", "other"])["category"] == "other"
    assert guess("течёт кран", ["heating"])["category"] == "heating"


async def test_fake_without_a_schema_guesses_among_all_categories(fake: FakeOpenAI) -> None:
    assert fake.url is not None
    async with AsyncOpenAI(api_key=API_KEY, base_url=fake.url, max_retries=0) as client:
        completion = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "нет света в подъезде"}]
        )
    assert completion.model == "m"
    assert completion.usage is not None
    assert completion.usage.total_tokens > 0
    content = completion.choices[0].message.content
    assert content is not None
    assert json.loads(content) == {
        "category": "electricity",
        "urgency": "urgent",
        "confidence": 0.8,
    }
