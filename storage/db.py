"""Engine and session factory (asyncpg) and the database URL resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = [
    "create_engine",
    "create_session_factory",
    "normalize_database_url",
    "resolve_database_url",
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
    pool_size: int = 10,
    max_overflow: int = 10,
    echo: bool = False,
) -> AsyncEngine:
    """An asyncpg engine with a bounded pool that checks connections before use."""
    return _create_async_engine(
        normalize_database_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        # No ping per checkout (a round trip per transaction): a connection the
        # server dropped fails once and SQLAlchemy then renews the whole pool.
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_timeout=30,
        echo=echo,
        connect_args={"server_settings": {"application_name": "ukbot"}},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def resolve_database_url(settings: Settings) -> str:
    """``settings.database_url`` or, when unset, the embedded server in
    ``settings.data_dir / "postgres"`` (started if needed).

    Blocking when it starts the embedded server: from a running event loop call it
    through ``asyncio.to_thread``.
    """
    if settings.database_url is not None:
        return normalize_database_url(settings.database_url.get_secret_value())
    from bot.embedded_pg import ensure_embedded_postgres

    return ensure_embedded_postgres(settings.data_dir / "postgres")
