"""The head revision read from the migration files, without Alembic, is Alembic's."""

from __future__ import annotations

from pathlib import Path

from storage.migrate import head_revision as alembic_head
from storage.schema_version import head_revision


def _migration(directory: Path, name: str, revision: str, down: str) -> None:
    # the header Alembic's template writes
    (directory / f"{name}.py").write_text(
        f'"""{name}\n\nRevision ID: {revision}\nRevises:\n"""\n\n'
        "from collections.abc import Sequence\n\n"
        f"revision: str = {revision!r}\n"
        f"down_revision: str | Sequence[str] | None = {down}\n"
        "branch_labels: str | Sequence[str] | None = None\n\n\n"
        "def upgrade() -> None:\n    revision = 'not this one'\n",
        "utf-8",
    )


def test_the_head_of_the_migration_files_is_alembics() -> None:
    assert head_revision() is not None
    assert head_revision() == alembic_head()


def test_a_chain_and_a_merge(tmp_path: Path) -> None:
    _migration(tmp_path, "a", "0001", "None")
    _migration(tmp_path, "b", "0002", "'0001'")
    _migration(tmp_path, "c", "0003", "'0001'")
    _migration(tmp_path, "d", "0004", "('0002', '0003')  # merge")
    (tmp_path / "__init__.py").write_text("revision = 'ignored'\n", "utf-8")
    assert head_revision(tmp_path) == "0004"


def test_unclear_cases_leave_the_answer_to_alembic(tmp_path: Path) -> None:
    _migration(tmp_path, "a", "0001", "None")
    _migration(tmp_path, "b", "0002", "'0001'")
    _migration(tmp_path, "c", "0003", "'0001'")
    assert head_revision(tmp_path) is None  # two heads

    computed = tmp_path / "computed"
    computed.mkdir()
    _migration(computed, "a", "0001", "None")
    _migration(computed, "b", "0002", "PREVIOUS")
    assert head_revision(computed) is None  # not a literal

    assert head_revision(tmp_path / "empty") is None
