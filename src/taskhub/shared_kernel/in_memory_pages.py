"""Keyset pagination over items in memory, as the SQL adapters page in the database.

Every context's fakes page their lists through this one helper, so a fake cannot drift
from the SQL pages on the points the contract tests care about: the order (each key
term in its direction, ties broken by the last term, an id), where a page continues
after `next_after`, the cursor strings it writes (timestamps as UTC ISO 8601, the rest
as `str`), the 422 for a cursor that belongs to another list, and the total
(`?include=total`): the number of items given, whatever the cursor, only when asked.
"""

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

import attrs

from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest

T = TypeVar("T")


def aware_timestamp(raw: str) -> datetime:
    """A cursor's timestamp; a naive one is read as UTC, as the databases store them."""
    parsed = datetime.fromisoformat(raw)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def cursor_text(value: Any) -> str:
    """How the SQL pagination writes one key value into a cursor."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


@attrs.frozen
class KeyTerm:
    """One term of an order: how its cursor value is read back, and its direction."""

    parse: Callable[[str], Any]
    descending: bool = False


@attrs.frozen
class KeyOrder(Generic[T]):
    """A list's order: its terms (the last one unique, an id) and each item's values."""

    terms: tuple[KeyTerm, ...]
    values: Callable[[T], tuple[Any, ...]]

    def compare(self, left: Sequence[Any], right: Sequence[Any]) -> int:
        for term, a, b in zip(self.terms, left, right, strict=True):
            if a == b:
                continue
            before = a > b if term.descending else a < b
            return -1 if before else 1
        return 0

    def bound(self, after: tuple[str, ...]) -> tuple[Any, ...]:
        """Read a cursor as the SQL pagination reads it, refusing one from another list."""
        if len(after) != len(self.terms):
            raise ValidationFailed.single("cursor", "does not belong to this list")
        try:
            return tuple(term.parse(raw) for term, raw in zip(self.terms, after, strict=True))
        except ValueError:
            raise ValidationFailed.single("cursor", "does not belong to this list") from None


def by_time_then_id(
    values: Callable[[T], tuple[datetime, uuid.UUID]], *, descending: bool = False
) -> KeyOrder[T]:
    """The most common order: a timestamp, ties broken by an id, both one way."""
    return KeyOrder(
        terms=(KeyTerm(aware_timestamp, descending), KeyTerm(uuid.UUID, descending)),
        values=values,
    )


class Created(Protocol):
    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


def creation_key(item: Created) -> tuple[datetime, uuid.UUID]:
    """Creation time, then id: the order of most lists."""
    return item.created_at, item.id


def keyset_page(items: Iterable[T], page: PageRequest, order: KeyOrder[T]) -> Page[T]:
    """The page of `items` after `page.after` in `order`, at most `page.limit` long;
    `items` is the filtered list, so its size is the total when the page asks for it."""

    def compare(a: T, b: T) -> int:
        return order.compare(order.values(a), order.values(b))

    ordered = sorted(items, key=functools.cmp_to_key(compare))
    total = len(ordered) if page.with_total else None
    if page.after is not None:
        bound = order.bound(page.after)
        ordered = [item for item in ordered if order.compare(order.values(item), bound) > 0]
    chunk = ordered[: page.limit]
    next_after = None
    if len(ordered) > page.limit and chunk:
        next_after = tuple(cursor_text(value) for value in order.values(chunk[-1]))
    return Page(items=chunk, next_after=next_after, total=total)
