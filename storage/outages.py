"""Outages of a backing service (Postgres, Redis, the network): how to tell them from
bugs, and how to log them once per outage instead of once per attempt.

An outage is not the code's fault and passes by itself: the person is told to try
again in a minute, background loops retry soon, and nobody gets a traceback per loop.
"""

from __future__ import annotations

import logging
import time

import asyncpg
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

__all__ = ["DISCONNECTS", "OutageLog", "Unavailable", "is_disconnect", "is_outage"]


class Unavailable(Exception):
    """An update failed because a backing service is down, and the person was already
    told so (raised from the original error, which stays its ``__cause__``)."""


DISCONNECTS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.ConnectionFailureError,  # AdminShutdownError, CannotConnectNowError
    asyncpg.exceptions.ConnectionRejectionError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed"
    asyncpg.exceptions.OperatorInterventionError,  # AdminShutdown's parent
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections while starting
    ConnectionError,
    OSError,
)
"""Driver errors that mean the connection to Postgres is gone (or cannot be made)."""


def is_disconnect(error: BaseException) -> bool:
    """Whether a driver error (or what it was raised from) means the connection is gone."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 5:
        if isinstance(current, DISCONNECTS):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means Postgres or Redis is unreachable (or a call to them
    timed out), as opposed to a bug or a refused action."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or is_disconnect(error)
    return isinstance(
        error,
        Unavailable
        | DisconnectionError
        | PoolTimeoutError
        | RedisConnectionError
        | RedisTimeoutError
        | TimeoutError
        | OSError  # ConnectionError included
        | asyncpg.exceptions.ConnectionFailureError
        | asyncpg.exceptions.ConnectionDoesNotExistError
        | asyncpg.exceptions.InterfaceError
        | asyncpg.exceptions.OperatorInterventionError,
    ) or _raised_by_outage(error)


def _raised_by_outage(error: BaseException) -> bool:
    """An error raised while handling an outage's error (a rollback on the dead
    connection, a session whose transaction the outage invalidated) is the outage too."""
    seen = 0
    current = error.__cause__ or error.__context__
    while current is not None and seen < 5:
        if isinstance(current, DBAPIError) and (
            current.connection_invalidated or is_disconnect(current)
        ):
            return True
        if is_disconnect(current) or isinstance(current, RedisConnectionError | RedisTimeoutError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


class OutageLog:
    """One warning when a loop's work starts failing because of an outage, one info line
    when it works again (with how long it was down); nothing per failed attempt between."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self.log = logger
        self.what = what
        self.since: float | None = None

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.log.warning(
                "%s: a backing service is unavailable, retrying (%s: %s)",
                self.what,
                type(error).__name__,
                str(error)[:200],
            )

    def succeeded(self) -> None:
        if self.since is not None:
            self.log.info(
                "%s: working again after %.1f s", self.what, time.monotonic() - self.since
            )
            self.since = None
