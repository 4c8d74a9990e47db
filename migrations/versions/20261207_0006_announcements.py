"""Announcements: a manager's message to whole buildings, delivered through the outbox

``announcements`` holds what was written once (text, optional file, kind, the planned
works' window and reminder); ``announcement_buildings`` the buildings it went to (the
history per building). Each recipient's delivery is an outbox row carrying the
announcement's id, so the delivery report is read from the outbox and a restart
continues from the rows still pending. Outbox rows get a ``priority`` (personal
notifications are claimed before bulk announcement rows) and ``paid_broadcast``
(sent with Telegram's paid broadcast option, beyond the free 30 messages per second)
and ``html`` (the text is Telegram HTML: an announcement keeps the manager's formatting).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("media", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("verified_only", sa.Boolean(), nullable=False),
        sa.Column(
            "entrance_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_broadcast", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_announcements_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
        sa.UniqueConstraint("token", name=op.f("uq_announcements_token")),
    )
    op.create_index(
        "ix_announcements_reminder_due",
        "announcements",
        ["reminder_due_at"],
        unique=False,
        postgresql_where=sa.text("reminder_due_at IS NOT NULL AND reminder_sent_at IS NULL"),
    )
    op.create_table(
        "announcement_buildings",
        sa.Column("announcement_id", sa.BigInteger(), nullable=False),
        sa.Column("building_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_buildings_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
            name=op.f("fk_announcement_buildings_building_id_buildings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "announcement_id", "building_id", name=op.f("pk_announcement_buildings")
        ),
    )
    op.create_index(
        "ix_announcement_buildings_building",
        "announcement_buildings",
        ["building_id", "announcement_id"],
        unique=False,
    )
    op.add_column(
        "outbox", sa.Column("priority", sa.SmallInteger(), server_default="0", nullable=False)
    )
    op.add_column(
        "outbox",
        sa.Column("paid_broadcast", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "outbox", sa.Column("html", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("outbox", sa.Column("announcement_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_outbox_announcement_id_announcements"),
        "outbox",
        "announcements",
        ["announcement_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(
        "ix_outbox_announcement",
        "outbox",
        ["announcement_id"],
        unique=False,
        postgresql_where=sa.text("announcement_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_outbox_announcement",
        table_name="outbox",
        postgresql_where=sa.text("announcement_id IS NOT NULL"),
    )
    op.drop_constraint(
        op.f("fk_outbox_announcement_id_announcements"), "outbox", type_="foreignkey"
    )
    op.drop_column("outbox", "announcement_id")
    op.drop_column("outbox", "html")
    op.drop_column("outbox", "paid_broadcast")
    op.drop_column("outbox", "priority")
    op.drop_index("ix_announcement_buildings_building", table_name="announcement_buildings")
    op.drop_table("announcement_buildings")
    op.drop_index(
        "ix_announcements_reminder_due",
        table_name="announcements",
        postgresql_where=sa.text("reminder_due_at IS NOT NULL AND reminder_sent_at IS NULL"),
    )
    op.drop_table("announcements")
