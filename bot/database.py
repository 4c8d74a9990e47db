"""Where the bot's database is: the configured server, else the embedded one."""

from __future__ import annotations

from bot.embedded_pg import ensure_embedded_postgres
from bot.settings import Settings
from storage.db import normalize_database_url


def resolve_database_url(settings: Settings) -> str:
    """``settings.database_url`` or, when unset, the embedded server in
    ``settings.data_dir / "postgres"`` (started if needed).

    Blocking when it starts the embedded server: from a running event loop call it
    through ``asyncio.to_thread``.
    """
    if settings.database_url is not None:
        return normalize_database_url(settings.database_url.get_secret_value())
    return ensure_embedded_postgres(settings.data_dir / "postgres")
