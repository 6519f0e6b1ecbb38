"""Keyset pagination, as the application sees it.

A page is asked for with a limit and the sort key of the last item already seen; the
answer carries the key to continue after. Keys are tuples of strings so they travel
through an opaque cursor unchanged; each repository knows how to read its own.
"""

from typing import Generic, TypeVar

import attrs

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@attrs.frozen
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: tuple[str, ...] | None = None


@attrs.frozen
class Page(Generic[T]):
    items: list[T]
    next_after: tuple[str, ...] | None = None
