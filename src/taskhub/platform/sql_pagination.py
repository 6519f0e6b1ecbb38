"""Keyset pagination in SQL: `WHERE (k1, k2) > (:v1, :v2) ORDER BY k1, k2 LIMIT n + 1`.

Never OFFSET: a page is found by its position in the index, so it costs the same on
page 1,000 as on page 1 and stays stable while rows are inserted concurrently.

`?include=total` counts the very query that is paged, before the cursor, the order and
the limit are added (`count_statement`), so the total is the size of the filtered list
by construction, never a second description of the filters that could drift.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest

T = TypeVar("T")


def _parser(column: sa.ColumnElement[Any]) -> Callable[[str], Any]:
    type_ = column.type
    if isinstance(type_, UtcDateTime | sa.DateTime):
        return _aware
    if isinstance(type_, sa.Uuid):
        return uuid.UUID
    if isinstance(type_, sa.Date):
        return date.fromisoformat
    if isinstance(type_, sa.Integer):
        return int
    return str


def _aware(raw: str) -> datetime:
    parsed = datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _value(row: sa.RowMapping, key: sa.ColumnElement[Any]) -> Any:
    """A key's value in a row, also when the query selects it under a cast with its name."""
    try:
        return row[key]
    except KeyError:
        return row[getattr(key, "name", key)]


def keyset_statement(
    query: sa.Select[Any],
    keys: Sequence[sa.ColumnElement[Any]],
    *,
    descending: bool = False,
    after: bool,
) -> sa.Select[Any]:
    """`query` ordered by `keys`, limited, and (with `after`) continuing after a cursor.

    Every value is a bind parameter (`after_0`, `after_1`, ..., `page_limit`), so a
    statement built once serves every page: callers on hot paths cache it, and SQLAlchemy
    then skips rebuilding and re-keying it per request. `keyset_params` fills it in.
    """
    if after:
        row_key = sa.tuple_(*keys)
        bound = sa.tuple_(
            *[sa.bindparam(f"after_{i}", type_=key.type) for i, key in enumerate(keys)]
        )
        query = query.where(row_key < bound if descending else row_key > bound)
    order = [key.desc() if descending else key.asc() for key in keys]
    return query.order_by(*order).limit(sa.bindparam("page_limit", type_=sa.Integer))


def keyset_params(keys: Sequence[sa.ColumnElement[Any]], page: PageRequest) -> dict[str, Any]:
    """The bind values of `keyset_statement` for this page; a cursor that does not fit
    the keys is a 422 on `cursor`."""
    params: dict[str, Any] = {"page_limit": page.limit + 1}
    if page.after is None:
        return params
    if len(page.after) != len(keys):
        raise ValidationFailed.single("cursor", "does not belong to this list")
    try:
        for i, (key, raw) in enumerate(zip(keys, page.after, strict=True)):
            params[f"after_{i}"] = _parser(key)(raw)
    except ValueError:
        raise ValidationFailed.single("cursor", "does not belong to this list") from None
    return params


def next_after(values: Iterable[Any]) -> tuple[str, ...]:
    """A cursor from the last row's key values, in the keys' order."""
    return tuple(_text(value) for value in values)


def keyset_result(
    rows: Sequence[sa.Row[Any]],
    keys: Sequence[sa.ColumnElement[Any]],
    page: PageRequest,
    to_item: Callable[[sa.Row[Any]], T],
) -> Page[T]:
    """The page in the rows `keyset_statement` returned (one more than asked, if any)."""
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = None
    if has_more and rows:
        last = rows[-1]._mapping
        cursor = next_after(_value(last, key) for key in keys)
    return Page(items=[to_item(row) for row in rows], next_after=cursor)


def count_statement(query: sa.Select[Any]) -> sa.Select[Any]:
    """`SELECT count(*) FROM (<query>)`: the size of the filtered list `query` pages.

    `query` is the filtered query as it is before `keyset_statement` (no cursor, order
    or limit); any order it carries is dropped, since it cannot change a count. Its bind
    parameters stay bind parameters, so a cached query counts with the same values.
    """
    filtered = query.order_by(None).subquery("filtered")
    return sa.select(sa.func.count()).select_from(filtered)


COUNT_BUDGET_MS = 250
"""The database time a count may take on PostgreSQL (API.md: no request holds a worker
for more than a few hundred milliseconds of database time). Counting is linear in the
rows counted, index-only scans included, so a broad filter over a large organization
can need more; the request is then refused (422 on `include`) rather than answered late
or with a guess (ADR 0034, bench/results/list-total-*.md)."""

_QUERY_CANCELED = "57014"


def count_rows(connection: sa.Connection, query: sa.Select[Any]) -> int:
    """The number of rows `query` selects (see `count_statement`), within the budget."""
    return run_count(connection, count_statement(query))


def run_count(
    connection: sa.Connection,
    statement: sa.Select[Any],
    params: Mapping[str, Any] | None = None,
    *,
    budget_ms: int | None = None,
) -> int:
    """Run a `count_statement` (cached by the caller, if it likes) within `budget_ms`.

    On PostgreSQL the count runs under `statement_timeout`, set for it alone and reset
    after it; a count that runs out of time is a ValidationFailed on `include`. SQLite
    (one embedded process, small data) counts without a bound.
    """
    values = dict(params or {})
    budget_ms = COUNT_BUDGET_MS if budget_ms is None else budget_ms
    if connection.dialect.name != "postgresql":
        return int(connection.execute(statement, values).scalar_one())
    connection.exec_driver_sql(f"SET statement_timeout = {int(budget_ms)}")
    try:
        return int(connection.execute(statement, values).scalar_one())
    except sa.exc.DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != _QUERY_CANCELED:
            raise
        raise ValidationFailed.single(
            "include",
            f"cannot be answered for this list: counting it takes more than {budget_ms} ms; "
            "narrow the filters, or ask without include=total",
        ) from None
    finally:
        _reset_timeout(connection)


def _reset_timeout(connection: sa.Connection) -> None:
    """Back to the session's own timeout. Inside a transaction the count aborted, the
    reset cannot run, and need not: the rollback that follows undoes the SET."""
    try:
        connection.exec_driver_sql("RESET statement_timeout")
    except sa.exc.DBAPIError:
        if not connection.in_transaction():
            raise


def keyset_page(
    connection: sa.Connection,
    query: sa.Select[Any],
    keys: Sequence[sa.ColumnElement[Any]],
    page: PageRequest,
    to_item: Callable[[sa.Row[Any]], T],
    *,
    descending: bool = False,
) -> Page[T]:
    """Run `query` one page at a time; `keys` must identify a row uniquely (end with an id).

    With `page.with_total`, the same `query` is counted as well (the cursor ignored).
    """
    params = keyset_params(keys, page)
    statement = keyset_statement(query, keys, descending=descending, after=page.after is not None)
    rows = connection.execute(statement, params).all()
    found = keyset_result(rows, keys, page, to_item)
    if not page.with_total:
        return found
    return attrs.evolve(found, total=count_rows(connection, query))
