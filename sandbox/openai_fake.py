"""A tiny stand-in for an OpenAI-compatible server: ``POST /v1/chat/completions``.

It answers like OpenAI's Chat Completions API (``id``, ``object``, ``created``,
``model``, ``choices[0].message.content``, ``usage``; errors as
``{"error": {"message", "type", "param", "code"}}``) so the bot's classifier
adapter can be exercised without the internet: by the tests, and by the sandbox.

* By default the answer is a small keyword guess over the description (the last
  user message) in ru/uz/en: a category among the ``enum`` of the request's JSON
  schema, an urgency, and a confidence — good enough for a demo.
* A missing ``Authorization: Bearer …`` header is HTTP 401; so is a key other
  than ``api_key`` when one is set. A body that is not JSON, or has no
  ``model`` / ``messages``, is HTTP 400.
* ``GET /v1/models`` lists one model.

For tests, :class:`FakeOpenAI` records every request (path, headers, JSON body,
monotonic arrival time) and can be told to answer a fixed object (``answer``),
raw message content (``content``, e.g. garbage), a refusal (``refusal``), a
broken envelope (``raw_body``), an HTTP error (``fail_status``, with
``retry_after`` on 429), or to hang (``delay`` seconds, cut short by
:meth:`FakeOpenAI.release`).

Run standalone: ``python -m sandbox.openai_fake --port 8089 [--api-key KEY]``;
the base URL to configure is then ``http://127.0.0.1:8089/v1``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

from aiohttp import web

__all__ = ["FakeOpenAI", "RecordedRequest", "guess", "main", "serve"]

API_PREFIX = "/v1"
DEFAULT_MODEL = "gpt-4o-mini"
_ids = itertools.count(1)

# category key -> word stems (lower case) that point at it, most specific first
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (key, tuple(stems.split()))
    for key, stems in (
        ("elevator", "лифт lift elevator"),
        (
            "electricity",
            "электр свет розетк проводк искр elektr chiroq rozetka "
            "electric power socket light spark",
        ),
        ("heating", "отоплен батаре радиатор холодно isitish batareya heating radiator"),
        (
            "plumbing",
            "вод кран труб теч протек канализ унитаз засор suv quvur "
            "water leak pipe tap toilet sink drain",
        ),
        ("cleaning", "мусор грязн убор axlat chiqindi tozala garbage trash dirty clean"),
        ("carpentry", "двер окн замок eshik deraza qulf door window lock"),
        ("security", "домофон охран посторон domofon intercom stranger camera"),
    )
)
EMERGENCY_WORDS: tuple[str, ...] = (
    "затоп",
    "прорыв",
    "пожар",
    "дым",
    "газ",
    "искр",
    "застрял",
    "bosdi",
    "yong'in",
    "gaz",
    "flood",
    "burst",
    "fire",
    "smoke",
    "gas",
    "spark",
    "stuck",
)
URGENT_WORDS: tuple[str, ...] = (
    "срочно",
    "нет воды",
    "нет света",
    "shoshilinch",
    "urgent",
    "asap",
    "no water",
    "no power",
)
ALL_CATEGORIES: tuple[str, ...] = (*(key for key, _ in KEYWORDS), "other")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: Any  # the parsed JSON body, or None when it was not JSON
    at: float  # time.monotonic() on arrival

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None

    @property
    def response_format(self) -> Any:
        return self.body.get("response_format") if isinstance(self.body, dict) else None

    @property
    def messages(self) -> list[Any]:
        if isinstance(self.body, dict) and isinstance(self.body.get("messages"), list):
            return list(self.body["messages"])
        return []


def _text(content: Any) -> str:
    """The text of a message's ``content`` (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _schema_enum(response_format: Any, name: str) -> list[str] | None:
    try:
        values = response_format["json_schema"]["schema"]["properties"][name]["enum"]
    except (KeyError, TypeError):
        return None
    return [str(v) for v in values] if isinstance(values, list) else None


def guess(description: str, categories: Sequence[str]) -> dict[str, Any]:
    """A keyword guess: ``{"category", "urgency", "confidence"}`` with ``category``
    among ``categories`` ("other", else the first one, when nothing matches)."""
    text = description.casefold()
    category = None
    for key, stems in KEYWORDS:
        if key in categories and any(stem in text for stem in stems):
            category = key
            break
    confident = category is not None
    if category is None:
        category = "other" if "other" in categories else (categories[0] if categories else "other")
    if any(word in text for word in EMERGENCY_WORDS):
        urgency = "emergency"
    elif any(word in text for word in URGENT_WORDS):
        urgency = "urgent"
    else:
        urgency = "normal"
    return {"category": category, "urgency": urgency, "confidence": 0.8 if confident else 0.3}


class FakeOpenAI:
    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key  # when set, any other bearer token is refused (401)
        self.answer: Mapping[str, Any] | None = None  # answered as JSON content; None: guess
        self.content: str | None = None  # raw message content (wins over ``answer``)
        self.refusal: str | None = None  # answer with a refusal instead of content
        self.finish_reason: str = "stop"
        self.raw_body: str | None = None  # a 200 body that is not a chat completion at all
        self.fail_status: int | None = None  # answer every completion with this HTTP status
        self.retry_after: float | None = None  # Retry-After header of a 429
        self.delay: float = 0.0  # seconds to hang before answering
        self.requests: list[RecordedRequest] = []
        self.url: str | None = None  # the base URL (with /v1) while running under :func:`serve`
        self._released = asyncio.Event()

    # -- test helpers ------------------------------------------------------

    def count(self) -> int:
        """Chat completion requests received."""
        return sum(1 for r in self.requests if r.path.endswith("/chat/completions"))

    @property
    def last(self) -> RecordedRequest:
        return self.requests[-1]

    def release(self) -> None:
        """Wake requests that are hanging on ``delay`` (e.g. before shutting down)."""
        self._released.set()

    # -- the app -----------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(f"{API_PREFIX}/chat/completions", self._completions)
        app.router.add_get(f"{API_PREFIX}/models", self._models)
        return app

    def _authorized(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not header[len("Bearer ") :].strip():
            return _error(
                401,
                "You didn't provide an API key.",
                "invalid_request_error",
                code=None,
            )
        if self.api_key is not None and header[len("Bearer ") :].strip() != self.api_key:
            return _error(
                401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
            )
        return None

    async def _models(self, request: web.Request) -> web.StreamResponse:
        refused = self._authorized(request)
        if refused is not None:
            return refused
        model = {"id": DEFAULT_MODEL, "object": "model", "created": 0, "owned_by": "sandbox"}
        return web.json_response({"object": "list", "data": [model]})

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                headers=dict(request.headers),
                body=body,
                at=time.monotonic(),
            )
        )
        if self.delay > 0 and not self._released.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), self.delay)
        refused = self._authorized(request)
        if refused is not None:
            return refused
        if self.fail_status is not None:
            return self._failure(self.fail_status)
        if not isinstance(body, dict):
            return _error(
                400, "We could not parse the JSON body of your request.", "invalid_request_error"
            )
        model, messages = body.get("model"), body.get("messages")
        if not isinstance(model, str) or not model:
            return _error(
                400, "you must provide a model parameter", "invalid_request_error", param="model"
            )
        if not isinstance(messages, list) or not messages:
            return _error(
                400, "'messages' is a required property", "invalid_request_error", param="messages"
            )
        if self.raw_body is not None:
            return web.Response(text=self.raw_body, content_type="application/json")
        return web.json_response(self._completion(model, messages, body.get("response_format")))

    def _failure(self, status: int) -> web.Response:
        if status == 429:
            headers = {}
            if self.retry_after is not None:
                headers["Retry-After"] = f"{self.retry_after:g}"
            return _error(
                429,
                "Rate limit reached for requests. Please try again later.",
                "requests",
                "rate_limit_exceeded",
                headers=headers,
            )
        if status >= 500:
            return _error(
                status, "The server had an error while processing your request.", "server_error"
            )
        return _error(status, "Simulated failure.", "invalid_request_error")

    def _completion(self, model: str, messages: list[Any], response_format: Any) -> dict[str, Any]:
        content: str | None
        if self.refusal is not None:
            content = None
        elif self.content is not None:
            content = self.content
        else:
            answer = self.answer
            if answer is None:
                description = next(
                    (
                        _text(m.get("content"))
                        for m in reversed(messages)
                        if isinstance(m, dict) and m.get("role") == "user"
                    ),
                    "",
                )
                offered = _schema_enum(response_format, "category") or ALL_CATEGORIES
                answer = guess(description, offered)
            content = json.dumps(answer, ensure_ascii=False)
        prompt_chars = sum(len(_text(m.get("content"))) for m in messages if isinstance(m, dict))
        prompt_tokens = max(1, prompt_chars // 4)
        completion_tokens = max(1, len(content or self.refusal or "") // 4)
        return {
            "id": f"chatcmpl-fake{next(_ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": content,
                        "refusal": self.refusal,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": self.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "service_tier": "default",
            "system_fingerprint": "fp_sandbox",
        }


def _error(
    status: int,
    message: str,
    type_: str,
    code: str | None = None,
    *,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return web.json_response(body, status=status, headers=dict(headers or {}))


@asynccontextmanager
async def serve(fake: FakeOpenAI, *, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Runs ``fake`` (``port=0``: a free port); yields its base URL including ``/v1``,
    e.g. ``http://127.0.0.1:41234/v1`` (what ``AsyncOpenAI(base_url=...)`` expects)."""
    fake._released.clear()
    runner = web.AppRunner(fake.app(), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        fake.url = f"http://{host}:{bound_port}{API_PREFIX}"
        yield fake.url
    finally:
        fake.url = None
        fake.release()
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server for the sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--api-key", default=None, help="refuse any other bearer token")
    args = parser.parse_args(argv)
    web.run_app(FakeOpenAI(api_key=args.api_key).app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
