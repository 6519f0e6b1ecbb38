"""platform: the outbox indexed by entity, for ordered webhook deliveries

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 05:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_platform_outbox_entity",
        "platform_outbox",
        ["org_id", "ordering_key", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_platform_outbox_entity", table_name="platform_outbox")
