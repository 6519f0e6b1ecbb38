"""work, tenancy: label and team names unique among the organization's live ones

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 09:00:00.000000

The read-then-insert check let concurrent creators store one name twice. Names that
are already doubled keep the oldest row's name; the later rows get " (2)", " (3)", ...
so the unique index can be built; nothing is deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")
_NAME_WIDTH = 200
_TABLES = {"work_labels": "ix_work_labels_org_name", "tenancy_teams": "ix_tenancy_teams_org_name"}


def _named(table_name: str) -> sa.TableClause:
    return sa.table(
        table_name,
        sa.column("id", sa.Uuid()),
        sa.column("org_id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("name_canonical", sa.String()),
        sa.column("created_at", sa.DateTime()),
        sa.column("deleted_at", sa.DateTime()),
    )


def _rename_doubles(connection: sa.Connection, table: sa.TableClause) -> None:
    rows = connection.execute(
        sa.select(table.c.id, table.c.org_id, table.c.name, table.c.name_canonical)
        .where(table.c.deleted_at.is_(None))
        .order_by(table.c.org_id, table.c.created_at, table.c.id)
    ).all()
    taken: set[tuple[object, str]] = {(row.org_id, row.name_canonical) for row in rows}
    kept: set[tuple[object, str]] = set()
    for row in rows:
        key = (row.org_id, row.name_canonical)
        if key not in kept:
            kept.add(key)
            continue
        suffix = 2
        while True:
            tail = f" ({suffix})"
            name = row.name[: _NAME_WIDTH - len(tail)] + tail
            canonical = name.strip().lower()
            if (row.org_id, canonical) not in taken:
                break
            suffix += 1
        taken.add((row.org_id, canonical))
        kept.add((row.org_id, canonical))
        connection.execute(
            table.update().where(table.c.id == row.id).values(name=name, name_canonical=canonical)
        )


def upgrade() -> None:
    connection = op.get_bind()
    for table_name, index in _TABLES.items():
        _rename_doubles(connection, _named(table_name))
        op.drop_index(index, table_name=table_name)
        op.create_index(
            index,
            table_name,
            ["org_id", "name_canonical"],
            unique=True,
            postgresql_where=_LIVE,
            sqlite_where=_LIVE,
        )


def downgrade() -> None:
    for table_name, index in _TABLES.items():
        op.drop_index(index, table_name=table_name)
        op.create_index(index, table_name, ["org_id", "name_canonical"])
