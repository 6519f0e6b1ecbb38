"""The port for answers worth remembering between requests: who may act, and as what.

Every authenticated request asks whether its session still grants access and which role
its user holds in the organization; both answers change rarely, and a change must count
at once in every process. A context that remembers such an answer files it under a
scope it names (a user, an organization), and after committing a change it forgets the
scopes the change touched; the adapter carries that to every process.

The stamp closes the race with a concurrent change: take it before reading the source of
truth and hand it back with the answer, and the answer is dropped if anything was
forgotten in between, since it may have been read before that change committed.
"""

from collections.abc import Collection, Hashable
from typing import Protocol


class AnswerCache(Protocol):
    def recall(self, key: Hashable) -> object | None:
        """The answer remembered under `key`, or None."""
        ...

    def stamp(self) -> int:
        """A mark to take before reading what `remember` will be given."""
        ...

    def remember(self, key: Hashable, answer: object, *, scope: str, stamp: int) -> None:
        """Keep `answer` under `key` until `scope` is forgotten or the answer gets old."""
        ...

    def forget(self, scopes: Collection[str]) -> None:
        """Drop every answer filed under these scopes, in every process."""
        ...


class NoAnswerCache:
    """Remembers nothing: every request asks the source of truth."""

    def recall(self, key: Hashable) -> object | None:
        return None

    def stamp(self) -> int:
        return 0

    def remember(self, key: Hashable, answer: object, *, scope: str, stamp: int) -> None:
        return None

    def forget(self, scopes: Collection[str]) -> None:
        return None
