"""Outbox: an index for dedupe-key prefix searches

A change of a request looks for its staff chat card with ``dedupe_key LIKE
'filing-card:<id>:%'`` until the card is recorded (and on every change when no staff
chat is configured). The unique index cannot serve ``LIKE`` unless the database's
collation is plain ``C``; a ``text_pattern_ops`` index can under any collation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 09:50:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_dedupe_key_prefix",
        "outbox",
        ["dedupe_key"],
        postgresql_ops={"dedupe_key": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_dedupe_key_prefix", table_name="outbox")
