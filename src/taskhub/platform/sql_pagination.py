"""Keyset pagination in SQL: `WHERE (k1, k2) > (:v1, :v2) ORDER BY k1, k2 LIMIT n + 1`.

Never OFFSET: a page is found by its position in the index, so it costs the same on
page 1,000 as on page 1 and stays stable while rows are inserted concurrently.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

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
    if isinstance(type_, sa.Integer):
        return int
    return str


def _aware(raw: str) -> datetime:
    parsed = datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def keyset_page(
    connection: sa.Connection,
    query: sa.Select[Any],
    keys: Sequence[sa.ColumnElement[Any]],
    page: PageRequest,
    to_item: Callable[[sa.Row[Any]], T],
    *,
    descending: bool = False,
) -> Page[T]:
    """Run `query` one page at a time; `keys` must identify a row uniquely (end with an id)."""
    if page.after is not None:
        if len(page.after) != len(keys):
            raise ValidationFailed.single("cursor", "does not belong to this list")
        try:
            values = [_parser(key)(raw) for key, raw in zip(keys, page.after, strict=True)]
        except ValueError:
            raise ValidationFailed.single("cursor", "does not belong to this list") from None
        row_key = sa.tuple_(*keys)
        bound = sa.tuple_(*[sa.literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)])
        query = query.where(row_key < bound if descending else row_key > bound)
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = connection.execute(query.order_by(*order).limit(page.limit + 1)).all()
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_after = None
    if has_more and rows:
        last = rows[-1]._mapping
        next_after = tuple(_text(last[key]) for key in keys)
    return Page(items=[to_item(row) for row in rows], next_after=next_after)
