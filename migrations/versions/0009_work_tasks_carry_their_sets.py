"""work: tasks carry copies of their assignee and label ids, for the list

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL_POSTGRESQL = """
UPDATE work_tasks SET
  assignee_ids = coalesce(
    (SELECT array_agg(a.user_id ORDER BY a.user_id)
       FROM work_task_assignees a WHERE a.task_id = work_tasks.id), '{}'),
  label_ids = coalesce(
    (SELECT array_agg(l.label_id ORDER BY l.label_id)
       FROM work_task_labels l WHERE l.task_id = work_tasks.id), '{}')
"""

# SQLite keeps a UUID as 32 hex digits; the column holds them comma-joined (any order:
# they are sorted when read).
_BACKFILL_SQLITE = """
UPDATE work_tasks SET
  assignee_ids = coalesce(
    (SELECT group_concat(a.user_id, ',') FROM work_task_assignees a
      WHERE a.task_id = work_tasks.id), ''),
  label_ids = coalesce(
    (SELECT group_concat(l.label_id, ',') FROM work_task_labels l
      WHERE l.task_id = work_tasks.id), '')
"""


def _id_list() -> sa.types.TypeEngine[object]:
    """The column type of a set of ids as it was stored then: `uuid[]` on PostgreSQL,
    text on SQLite (what `IdList` in the application maps to today)."""
    return sa.Text().with_variant(postgresql.ARRAY(sa.Uuid()), "postgresql")


def upgrade() -> None:
    op.add_column("work_tasks", sa.Column("assignee_ids", _id_list(), nullable=True))
    op.add_column("work_tasks", sa.Column("label_ids", _id_list(), nullable=True))
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute(_BACKFILL_POSTGRESQL if postgresql else _BACKFILL_SQLITE)


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would lose its
    # full-text triggers.
    op.execute("ALTER TABLE work_tasks DROP COLUMN label_ids")
    op.execute("ALTER TABLE work_tasks DROP COLUMN assignee_ids")
