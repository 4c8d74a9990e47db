"""Engine and session factory (asyncpg) and the database URL resolution."""

from __future__ import annotations

from typing import Any

from sqlalchemy import TextClause, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from storage.outages import is_disconnect

__all__ = [
    "ReadOnlySession",
    "ReadOnlySessionError",
    "create_engine",
    "create_reader_factory",
    "create_session_factory",
    "normalize_database_url",
]


def normalize_database_url(url: str) -> str:
    """Accept ``postgres://`` / ``postgresql://`` URLs and use the asyncpg driver."""
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg://",
        "postgresql+psycopg2://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(
    url: str,
    *,
    pool_size: int = 20,
    max_overflow: int = 10,
    echo: bool = False,
    drop_closed: bool = True,
) -> AsyncEngine:
    """An asyncpg engine with a bounded pool that drops dead connections.

    After Postgres restarts every pooled connection is dead. The driver learns it without
    a word from us (the server says goodbye and closes the socket), so a connection is
    looked at when it leaves the pool, with no round trip: a closed one is thrown away
    and a new one opened (``drop_closed``), and the first update after the restart works.
    A connection that dies in use, or silently, fails its statement once: any driver
    error that means the connection is gone (``storage.outages.is_disconnect``: the
    server's admin shutdown, "cannot connect now" while it starts, a reset socket) marks
    it invalid, and SQLAlchemy then renews the whole pool instead of pooling it again.
    No ping per checkout (``pool_pre_ping``): it would cost a round trip per transaction
    for what the two above already cover. (``drop_closed=False`` only for tests of a
    connection that dies after its checkout.)
    """
    engine = _create_async_engine(
        normalize_database_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_timeout=POOL_TIMEOUT,
        echo=echo,
        connect_args={
            "server_settings": {"application_name": "ukbot"},
            "timeout": CONNECT_TIMEOUT,
        },
    )
    event.listen(engine.sync_engine, "handle_error", _mark_disconnects)
    if drop_closed:
        event.listen(engine.sync_engine.pool, "checkout", _drop_closed)
    return engine


POOL_TIMEOUT = 10
"""Seconds an update waits for a pooled connection before it is told to try again."""
CONNECT_TIMEOUT = 5
"""Seconds to open a connection: a server that does not answer is an outage, not a wait."""


def _mark_disconnects(context: ExceptionContext) -> None:
    if not context.is_disconnect and is_disconnect(context.original_exception):
        context.is_disconnect = True


def _drop_closed(_dbapi: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    driver = record.driver_connection
    if driver is not None and driver.is_closed():
        # The pool throws the connection away and checks out a new one in its place.
        raise DisconnectionError("the server closed this pooled connection")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class ReadOnlySessionError(RuntimeError):
    """A write attempted through a read-only session: a programming error."""


class ReadOnlySession(Session):
    """A session whose statements run outside a transaction, each on its own.

    Reads need no transaction under READ COMMITTED (every statement takes its own
    snapshot either way); leaving it out saves the BEGIN and ROLLBACK round trips.
    Since nothing here would be atomic, writes and row locks are refused.
    """


def _refuse_flush(session: Session, *_: Any) -> None:
    raise ReadOnlySessionError("a read-only session cannot write (flush)")


def _refuse_writes(state: ORMExecuteState) -> None:
    statement = state.statement
    if (
        state.is_insert
        or state.is_update
        or state.is_delete
        or isinstance(statement, TextClause)
        or getattr(statement, "_for_update_arg", None) is not None
    ):
        raise ReadOnlySessionError("a read-only session cannot write or lock rows")


event.listen(ReadOnlySession, "before_flush", _refuse_flush)
event.listen(ReadOnlySession, "do_orm_execute", _refuse_writes)


def create_reader_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading only (``ReadOnlySession``), on the same connection pool."""
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"),
        expire_on_commit=False,
        sync_session_class=ReadOnlySession,
    )
