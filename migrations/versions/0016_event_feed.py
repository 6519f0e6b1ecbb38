"""the event feed: an organization's outbox rows in position order

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 09:00:00.000000

The feed reads the outbox, which keeps its rows for the event retention (ADR 0029);
this index serves its pages, an organization's events by position.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_platform_outbox_org", "platform_outbox", ["org_id", "position"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_platform_outbox_org", table_name="platform_outbox")
