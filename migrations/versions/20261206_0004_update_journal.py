"""Inbox: a journal of received updates, handled exactly once

``processed_updates`` recorded an update as processed before it was handled, so an
update whose process crashed was lost. ``inbox_updates`` keeps each update as
Telegram sent it, with the attempt that is handling it (and until when that attempt's
lease runs) and when it was handled; see ``storage/repositories/inbox.py``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("attempt", sa.Text(), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_inbox_updates")),
    )
    # what the redrive looks for: updates nobody finished
    op.create_index(
        "ix_inbox_updates_unhandled",
        "inbox_updates",
        ["bot_id", "update_id"],
        postgresql_where=sa.text("handled_at IS NULL"),
    )
    op.create_index(op.f("ix_inbox_updates_received_at"), "inbox_updates", ["received_at"])
    op.drop_index(op.f("ix_processed_updates_processed_at"), table_name="processed_updates")
    op.drop_table("processed_updates")


def downgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(
        op.f("ix_processed_updates_processed_at"), "processed_updates", ["processed_at"]
    )
    op.execute(
        "INSERT INTO processed_updates (bot_id, update_id, processed_at) "
        "SELECT bot_id, update_id, coalesce(handled_at, received_at) FROM inbox_updates"
    )
    op.drop_index(op.f("ix_inbox_updates_received_at"), table_name="inbox_updates")
    op.drop_index("ix_inbox_updates_unhandled", table_name="inbox_updates")
    op.drop_table("inbox_updates")
