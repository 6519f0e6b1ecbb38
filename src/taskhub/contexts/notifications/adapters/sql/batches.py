"""Batches cut to a bounded size: the batch methods of the repositories send one statement
per chunk, so an IN list or a VALUES list never grows with the batch (the statement's
size, SQLite's limit on parameters: 500 rows of the widest table are 5,500)."""

from collections.abc import Iterator, Sequence
from typing import TypeVar

CHUNK = 500

T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
