"""While Postgres or Redis is down a person is told "temporarily unavailable" in their
own language, known without asking either of them; an outage is told from a bug."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import pytest
from aiogram import Bot
from aiogram.types import ErrorEvent, Update
from aiogram.utils.callback_answer import CallbackAnswer
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.i18n import Translator
from bot.services import LanguageCache
from domain.errors import NotAllowed
from handlers.errors import DomainErrorMiddleware, answer_unavailable, on_unexpected_error
from storage.outages import Unavailable, is_outage

pytestmark = pytest.mark.asyncio(loop_scope="session")

TRANSLATOR = Translator(default="ru")


def _dbapi(cause: Exception, error_class: type[DBAPIError] = DBAPIError) -> DBAPIError:
    try:
        try:
            raise cause
        except Exception as driver_error:
            raise error_class("SELECT 1", {}, driver_error) from driver_error
    except DBAPIError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "error",
    [
        RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."),
        ConnectionRefusedError(111, "Connect call failed"),
        OSError(104, "Connection reset by peer"),
        TimeoutError(),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        _dbapi(asyncpg.exceptions.AdminShutdownError("terminating connection")),
        _dbapi(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")),
        Unavailable("told already"),
    ],
    ids=lambda error: type(error).__name__,
)
async def test_outages(error: Exception) -> None:
    assert is_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        NotAllowed(),
        _dbapi(asyncpg.exceptions.UniqueViolationError("duplicate key"), IntegrityError),
        _dbapi(asyncpg.exceptions.NumericValueOutOfRangeError("bigint out of range")),
    ],
    ids=lambda error: type(error).__name__,
)
async def test_not_outages(error: Exception) -> None:
    assert not is_outage(error)


def _update(kind: str, language_code: str | None = "de") -> Update:
    user = {"id": 501, "is_bot": False, "first_name": "Ann", "language_code": language_code}
    chat = {"id": 501, "type": "private"}
    if kind == "callback":
        body: dict[str, Any] = {
            "callback_query": {
                "id": "77",
                "from": user,
                "chat_instance": "c",
                "data": "job:accept:1",
                "message": {"message_id": 3, "date": 0, "chat": chat, "text": "card"},
            }
        }
    else:
        body = {"message": {"message_id": 4, "date": 0, "chat": chat, "from": user, "text": "hi"}}
    return Update.model_validate({"update_id": 1, **body})


class FakeBot:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, str, dict[str, Any]]] = []

    async def answer_callback_query(self, query_id: str, text: str, **kwargs: Any) -> bool:
        self.calls.append(("answer_callback_query", query_id, text, kwargs))
        return True

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> None:
        self.calls.append(("send_message", chat_id, text, kwargs))


async def test_the_language_comes_from_memory_then_telegram_then_the_default() -> None:
    languages = LanguageCache("ru")
    assert languages.of(501, "de") == "ru"
    assert languages.of(501, "en-GB") == "en"
    assert languages.of_update(_update("message", "uz")) == "uz"
    languages.remember(501, "en")
    assert languages.of(501, "uz") == "en"
    assert languages.of_update(_update("callback", None)) == "en"
    assert languages.of(None) == "ru"


async def test_a_press_gets_an_alert_and_a_message_a_reply() -> None:
    bot = FakeBot()
    await answer_unavailable(cast(Bot, bot), _update("callback"), "en", TRANSLATOR)
    await answer_unavailable(cast(Bot, bot), _update("message"), "uz", TRANSLATOR)
    assert bot.calls == [
        (
            "answer_callback_query",
            "77",
            TRANSLATOR("en", "error-unavailable"),
            {"show_alert": True},
        ),
        ("send_message", 501, TRANSLATOR("uz", "error-unavailable"), {}),
    ]


class _Services:
    def __init__(self) -> None:
        self.translator = TRANSLATOR
        self.languages = LanguageCache("ru")


async def test_an_outage_before_the_profile_was_read_answers_in_the_remembered_language(
    caplog: pytest.LogCaptureFixture,
) -> None:
    services = _Services()
    services.languages.remember(501, "en")
    bot = FakeBot()
    update = _update("callback")
    error = RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
    await on_unexpected_error(
        ErrorEvent(update=update, exception=error),
        cast(Bot, bot),
        t=None,
        services=cast(Any, services),
    )
    assert bot.calls == [
        (
            "answer_callback_query",
            "77",
            "The service is temporarily unavailable. Please try again in a minute.",
            {"show_alert": True},
        )
    ]
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert record.levelname == "WARNING" and record.exc_info is None


async def test_an_outage_already_answered_is_only_logged() -> None:
    bot = FakeBot()
    error = Unavailable("told already")
    await on_unexpected_error(
        ErrorEvent(update=_update("message"), exception=error),
        cast(Bot, bot),
        t=None,
        services=cast(Any, _Services()),
    )
    assert bot.calls == []


async def _fail(_event: Any, _data: dict[str, Any]) -> None:
    raise _dbapi(asyncpg.exceptions.AdminShutdownError("terminating connection"))


async def test_an_outage_inside_a_handler_is_answered_there_and_goes_on_marked() -> None:
    bot = FakeBot()
    press = _update("callback").callback_query
    answer = CallbackAnswer(answered=False)
    data: dict[str, Any] = {"t": TRANSLATOR.bind("en"), "callback_answer": answer, "bot": bot}
    with pytest.raises(Unavailable):
        await DomainErrorMiddleware()(_fail, cast(Any, press), data)
    assert answer.text == TRANSLATOR("en", "error-unavailable") and answer.show_alert

    message = _update("message").message
    data = {"t": TRANSLATOR.bind("uz"), "bot": bot}
    with pytest.raises(Unavailable):
        await DomainErrorMiddleware()(_fail, cast(Any, message), data)
    assert bot.calls == [("send_message", 501, TRANSLATOR("uz", "error-unavailable"), {})]


async def test_a_bug_inside_a_handler_is_not_an_outage() -> None:
    async def bug(_event: Any, _data: dict[str, Any]) -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        await DomainErrorMiddleware()(bug, cast(Any, _update("message").message), {})


def _raised_while_handling(first: Exception) -> Exception:
    from sqlalchemy.exc import PendingRollbackError

    def rollback_after() -> None:
        try:
            raise first
        except Exception:
            raise PendingRollbackError("Can't reconnect until invalid transaction is rolled back")  # noqa: B904

    with pytest.raises(PendingRollbackError) as raised:
        rollback_after()
    return raised.value


async def test_an_error_raised_while_handling_an_outage_is_the_outage() -> None:
    outage = _dbapi(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert is_outage(_raised_while_handling(outage))
    assert not is_outage(_raised_while_handling(KeyError("a bug")))
