"""Start-up migrates a database only when it is behind, and then without loading Alembic."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.migrate import alembic_config, current_revision, downgrade
from storage.schema_version import head_revision, migrate_if_behind, schema_is_current
from tests.conftest import CreateDatabase

ROOT = Path(__file__).resolve().parent.parent.parent


async def test_only_a_database_behind_is_migrated(create_database: CreateDatabase) -> None:
    url = await create_database()
    assert not await schema_is_current(url)  # never migrated: no alembic_version table
    assert await migrate_if_behind(url)
    assert await current_revision(url) == head_revision()
    assert await schema_is_current(url)
    assert not await migrate_if_behind(url)

    revision = head_revision()
    assert revision is not None
    head = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    assert head is not None
    await downgrade(url, str(head.down_revision or "base"))
    assert not await schema_is_current(url)
    assert await migrate_if_behind(url)
    assert await current_revision(url) == head_revision()


async def test_the_bot_at_head_never_imports_alembic(database_url: str) -> None:
    script = (
        "import asyncio, sys\n"
        "import bot.app\n"
        "from storage.schema_version import migrate_if_behind\n"
        f"assert not asyncio.run(migrate_if_behind({database_url!r}))\n"
        "print(sorted(m for m in ('alembic', 'geopy') if m in sys.modules))\n"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
