"""Conditions and inserts over lists of values that cost the same whatever their length.

On PostgreSQL a list travels as one array parameter (`= ANY(:values)`, `unnest`), so a
statement's text does not change with the number of values: SQLAlchemy builds it once
and psycopg does not parse thousands of placeholders again for every batch. SQLite,
used in development and tests, gets the plain IN list.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def among(
    connection: sa.Connection, column: sa.ColumnElement[Any], values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL."""
    if connection.dialect.name == "postgresql":
        return column == sa.any_(
            sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        )
    return column.in_(values)


def unnested_insert(table: sa.Table, columns: Sequence[str]) -> postgresql.Insert:
    """PostgreSQL: `INSERT INTO table (columns) SELECT * FROM unnest(:c1, :c2, ...)`, one
    array parameter per column, named after it: execute it with `{column: [values]}`."""
    arrays = sa.func.unnest(
        *(sa.bindparam(name, type_=postgresql.ARRAY(table.c[name].type)) for name in columns)
    )
    return postgresql.insert(table).from_select(
        list(columns), sa.select(arrays.table_valued(*columns).render_derived())
    )
