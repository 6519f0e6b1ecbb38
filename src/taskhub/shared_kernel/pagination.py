"""Keyset pagination, as the application sees it.

A page is asked for with a limit and the sort key of the last item already seen; the
answer carries the key to continue after. Keys are tuples of strings so they travel
through an opaque cursor unchanged; each repository knows how to read its own.

A request may also ask for the size of the whole filtered list (`?include=total`):
the repository that pages the list counts the same filtered rows, ignoring the cursor,
and only when asked, so a list that nobody counts costs nothing more.
"""

from collections.abc import Callable
from typing import Generic, TypeVar

import attrs

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@attrs.frozen
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: tuple[str, ...] | None = None
    """The position to continue after. An empty tuple is a position too: before the
    first item of a list whose first page held something outside the keyed order (the
    task a searched key puts first)."""
    with_total: bool = False
    """Count the filtered list as well (`Page.total`)."""


@attrs.frozen
class Page(Generic[T]):
    items: list[T]
    next_after: tuple[str, ...] | None = None
    """Where the next page starts; None on the last page (an empty tuple is not None)."""
    total: int | None = None
    """The size of the filtered list, whatever the cursor; set when the request asked."""

    def map(self, convert: Callable[[T], U]) -> "Page[U]":
        """The same page of converted items, its cursor and total kept."""
        return Page(
            items=[convert(item) for item in self.items],
            next_after=self.next_after,
            total=self.total,
        )
