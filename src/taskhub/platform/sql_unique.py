"""Unique constraints as the last word on names and keys.

A use case may ask first whether a name is free, for a friendly answer, but only the
database's unique index holds under concurrency: of two transactions inserting the same
name, the second waits for the first and then violates the index. `unique_or` turns that
violation into the domain's own conflict error, inside a savepoint so the transaction
itself is not left aborted.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError


@contextmanager
def unique_or(connection: sa.Connection, conflict: Callable[[], Exception]) -> Iterator[None]:
    """Run the statements of the block; a constraint they violate raises `conflict()`."""
    try:
        with connection.begin_nested():
            yield
    except IntegrityError:
        raise conflict() from None
