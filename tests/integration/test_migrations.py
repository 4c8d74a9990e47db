"""The schema only changes through Alembic: every revision can go up, down and up
again, and the models match the migrated schema."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.migrate import (
    alembic_config,
    compare_schema,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from storage.models import Base
from tests.conftest import CreateDatabase


def _revisions_base_to_head() -> list[tuple[str, str]]:
    """(revision, its down revision or "base") from the first to the head."""
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(script.walk_revisions("base", "heads"))
    revisions.reverse()
    result = []
    for rev in revisions:
        down = rev.down_revision
        if isinstance(down, tuple | list):  # merge point: going down to any parent is enough
            down = down[0]
        result.append((rev.revision, str(down) if down else "base"))
    return result


def test_single_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, "migrations have diverged: add a merge revision"


async def test_stairway(create_database: CreateDatabase) -> None:
    url = await create_database()
    revisions = _revisions_base_to_head()
    assert revisions
    for revision, down in revisions:
        await upgrade(url, revision)
        await downgrade(url, down)
        await upgrade(url, revision)
        assert await current_revision(url) == revision
    assert await current_revision(url) == head_revision()

    await downgrade(url, "base")
    assert await current_revision(url) is None


async def test_downgrade_to_base_leaves_no_tables(create_database: CreateDatabase) -> None:
    url = await create_database()
    await upgrade(url, "head")
    await downgrade(url, "base")

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            tables = (
                await conn.scalars(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert tables == []


async def test_models_match_migrations(database_url: str) -> None:
    diffs = await compare_schema(database_url)
    assert diffs == [], f"models and migrations differ: {diffs}"


async def test_every_model_table_exists(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        names = set(
            (
                await conn.scalars(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                )
            ).all()
        )
    assert set(Base.metadata.tables) <= names
