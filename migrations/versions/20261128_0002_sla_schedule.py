"""SLA schedule

What each request's deadlines count from (clock starts, extensions, the
auto-accept clock) and the managers' follow-ups of low ratings and returns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 03:59:37.923080+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum("low_rating", "returned", name="followupreason", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_follow_ups_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_follow_ups_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index(
        "ix_follow_ups_due_at_open",
        "follow_ups",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_index(
        "ix_follow_ups_request_id_open",
        "follow_ups",
        ["request_id"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.add_column(
        "requests", sa.Column("accept_clock_from", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "requests", sa.Column("complete_clock_from", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "requests",
        sa.Column("accept_extension_seconds", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "requests",
        sa.Column("complete_extension_seconds", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "requests", sa.Column("auto_accept_from", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("requests", "auto_accept_from")
    op.drop_column("requests", "complete_extension_seconds")
    op.drop_column("requests", "accept_extension_seconds")
    op.drop_column("requests", "complete_clock_from")
    op.drop_column("requests", "accept_clock_from")
    op.drop_index(
        "ix_follow_ups_request_id_open",
        table_name="follow_ups",
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.drop_index(
        "ix_follow_ups_due_at_open",
        table_name="follow_ups",
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.drop_table("follow_ups")
