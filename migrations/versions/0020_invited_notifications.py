"""notifications: a notification may be about no task (`invited`)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 09:00:00.000000

`notifications_notifications.task_id` becomes nullable (ADR 0030, Invitations). Going
down deletes the notifications that have no task, which the old column cannot hold.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "notifications_notifications"


def upgrade() -> None:
    with op.batch_alter_table(_TABLE) as batch:
        batch.alter_column("task_id", existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    table = sa.table(_TABLE, sa.column("task_id", sa.Uuid()))
    op.execute(table.delete().where(table.c.task_id.is_(None)))
    with op.batch_alter_table(_TABLE) as batch:
        batch.alter_column("task_id", existing_type=sa.Uuid(), nullable=False)
