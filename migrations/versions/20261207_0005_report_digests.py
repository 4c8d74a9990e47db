"""Reports: one row per scheduled digest and period; invites can be revoked

A digest is sent once per period however many processes run: the process whose
INSERT of ``(kind, period_start)`` wins sends it (``storage/repositories/reports.py``);
a process that died while sending leaves ``sent_at`` empty and its claim is taken
over once ``claimed_at`` is old.

An invite revoked before it was used (``revoked_at``, ``revoked_by``) no longer works.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 00:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_digests",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_digests")),
        sa.UniqueConstraint(
            "kind", "period_start", name=op.f("uq_report_digests_kind_period_start")
        ),
    )
    op.add_column("invites", sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("invites", sa.Column("revoked_by", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_invites_revoked_by_users"),
        "invites",
        "users",
        ["revoked_by"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_invites_revoked_by_users"), "invites", type_="foreignkey")
    op.drop_column("invites", "revoked_by")
    op.drop_column("invites", "revoked_at")
    op.drop_table("report_digests")
