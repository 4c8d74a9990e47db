"""REST API clients: name, scopes, buildings, a hashed secret; revocable

An integration (a call centre, an accounting system) authenticates as an API client:
``POST /api/v1/token`` exchanges its id and secret for a short-lived JWT. Only a
hash of the secret is kept. A revoked client (``revoked_at``) is refused on its next
call, whatever tokens it still holds. Each client acts in the request history and
in comments as its own user row (``user_id``, a negative id no Telegram user has),
so what it wrote is shown under its name.

``requests(updated_at, id)`` serves the API's "updated since" filter and its cursor.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "scopes", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column(
            "building_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_clients_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_api_clients_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["users.id"],
            name=op.f("fk_api_clients_revoked_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("user_id", name=op.f("uq_api_clients_user_id")),
    )
    op.create_index("ix_requests_updated_at_id", "requests", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_requests_updated_at_id", table_name="requests")
    op.execute(
        "DELETE FROM users WHERE id IN (SELECT user_id FROM api_clients) "
        "AND NOT EXISTS (SELECT 1 FROM request_history h WHERE h.actor_id = users.id) "
        "AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.author_id = users.id)"
    )
    op.drop_table("api_clients")
