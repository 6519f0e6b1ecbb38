"""Conditions and inserts over lists of values that cost the same whatever their length.

On PostgreSQL a list travels as one array parameter (`= ANY(:values)`, `unnest`), so a
statement's text does not change with the number of values: SQLAlchemy builds it once
and psycopg does not parse thousands of placeholders again for every batch. SQLite,
used in development and tests, gets the plain IN list, except in `member_of`, whose
text must not change at all: there the list is one JSON parameter read by `json_each`.
"""

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class _JsonList(sa.types.TypeDecorator[Sequence[Any]]):
    """A list bound as one JSON array, for SQLite's `json_each`."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Sequence[Any] | None, dialect: Dialect) -> Any:
        return None if value is None else json.dumps(list(value))


def among(
    connection: sa.Connection, column: sa.ColumnElement[Any], values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """`column IN values`, as one array parameter on PostgreSQL."""
    if connection.dialect.name == "postgresql":
        return column == sa.any_(
            sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        )
    return column.in_(values)


def member_of(column: sa.ColumnElement[Any], name: str, dialect: str) -> sa.ColumnElement[bool]:
    """`column IN (:name)` where `:name` is bound to the whole list, so the statement's
    text is the same for any number of values (bind a list of plain values)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(column.type)))
    values = sa.func.json_each(sa.bindparam(name, type_=_JsonList())).table_valued("value")
    return column.in_(sa.select(values.c.value))


def _unbounded(column_type: Any) -> Any:
    """The column's type without a length: an explicit cast to `varchar(n)[]` would cut
    a longer value short, where the insert itself refuses it."""
    if type(column_type) is sa.String and column_type.length is not None:
        return sa.String()
    return column_type


def unnested_rows(
    table: sa.Table, columns: Sequence[str], *, prefix: str = "new_"
) -> sa.TableValuedAlias:
    """PostgreSQL: `unnest(:new_c1, :new_c2, ...) AS (c1, c2, ...)`, rows to join to (an
    UPDATE's FROM), one array parameter per column of `table`, named after it with
    `prefix` (an UPDATE reserves the columns' own names)."""
    arrays = sa.func.unnest(
        *(
            sa.bindparam(prefix + name, type_=postgresql.ARRAY(_unbounded(table.c[name].type)))
            for name in columns
        )
    )
    return arrays.table_valued(*columns).render_derived()


def unnested_insert(
    table: sa.Table,
    columns: Sequence[str],
    *,
    in_order: bool = False,
    as_text: Collection[str] = (),
) -> postgresql.Insert:
    """PostgreSQL: `INSERT INTO table (columns) SELECT * FROM unnest(:c1, :c2, ...)`, one
    array parameter per column, named after it: execute it with `{column: [values]}`.

    `in_order`: the rows are inserted in the arrays' order (`WITH ORDINALITY ... ORDER
    BY`), so a serial column's defaults follow it. `as_text`: columns whose values are
    themselves arrays (which cannot be elements of an array parameter: PostgreSQL's
    arrays do not nest), passed in their text form (`array_text`) and cast back."""
    arrays = sa.func.unnest(
        *(
            sa.bindparam(
                name,
                type_=postgresql.ARRAY(
                    sa.Text() if name in as_text else _unbounded(table.c[name].type)
                ),
            )
            for name in columns
        )
    )
    if not in_order and not as_text:
        return postgresql.insert(table).from_select(
            list(columns), sa.select(arrays.table_valued(*columns).render_derived())
        )
    rows = arrays.table_valued(
        *columns, with_ordinality="ordinality" if in_order else None
    ).render_derived()
    selected = sa.select(
        *(
            sa.cast(rows.c[name], table.c[name].type) if name in as_text else rows.c[name]
            for name in columns
        )
    )
    if in_order:
        selected = selected.order_by(rows.c.ordinality)
    return postgresql.insert(table).from_select(list(columns), selected)


def array_text(values: Iterable[Any]) -> str:
    """PostgreSQL's text form of a one-dimensional array of values that need no quoting
    (ids, numbers): `{a,b,c}`."""
    return "{" + ",".join(str(value) for value in values) + "}"
