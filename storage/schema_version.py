"""Is the database at the newest migration? Answered without importing Alembic.

The bot asks on every start, and the answer is almost always yes. Importing Alembic
costs the bot about 0.1 s and 8 MB, kept for the life of the process, so it is only
loaded, through ``storage.migrate``, when there is something to migrate.

The head revision is read from the ``revision`` / ``down_revision`` lines of the
migration files (a test proves it equal to Alembic's). Whenever that reading or
the database's answer is not clear-cut, the schema counts as not current and
Alembic decides, as it always did.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import normalize_database_url

__all__ = ["VERSIONS_DIR", "head_revision", "migrate_if_behind", "schema_is_current"]

VERSIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# ``revision: str = "0002"``, ``down_revision: ... = "0001"`` (Alembic's template)
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)


def _links(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """A file's revision and the revisions it follows; ``None`` when unclear."""
    values: dict[str, str] = {}
    for name, value in _ASSIGNMENT.findall(path.read_text("utf-8")):
        values.setdefault(name, value)
    try:
        revision = ast.literal_eval(values["revision"].strip())
        down = ast.literal_eval(values.get("down_revision", "None").strip())
    except (KeyError, ValueError, SyntaxError):
        return None
    if not isinstance(revision, str):
        return None
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
        return revision, tuple(down)
    return None


@lru_cache
def head_revision(versions_dir: Path = VERSIONS_DIR) -> str | None:
    """The single head of the migration files; ``None`` when there is not exactly one
    or a file cannot be read this simply (Alembic then has the last word)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in versions_dir.glob("*.py"):
        if path.name == "__init__.py":
            continue
        links = _links(path)
        if links is None:
            return None
        revisions.add(links[0])
        followed.update(links[1])
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


async def schema_is_current(url: str) -> bool:
    """True when the database at ``url`` is at the head revision (one query)."""
    head = head_revision()
    if head is None:
        return False
    engine = create_async_engine(normalize_database_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            result = await conn.scalars(text("SELECT version_num FROM alembic_version"))
            return result.all() == [head]
    except ProgrammingError:  # no alembic_version table: never migrated
        return False
    finally:
        await engine.dispose()


async def migrate_if_behind(url: str) -> bool:
    """Upgrades the database at ``url`` to head unless it is there already, as
    ``storage.migrate.upgrade_to_head`` does (one transaction, several processes
    serialised by a lock); True when Alembic ran."""
    if await schema_is_current(url):
        return False
    from storage.migrate import upgrade_to_head  # imports Alembic: only when it has work

    await upgrade_to_head(url)
    return True
