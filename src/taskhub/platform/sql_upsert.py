"""`INSERT ... ON CONFLICT` on both databases: the dialect's own insert, whose
`on_conflict_do_nothing` and `on_conflict_do_update` both SQLite and PostgreSQL take.

For writes that must hold under concurrency without reading first: "start watching
unless already watching", "create the row or update it"."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(connection: sa.Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
