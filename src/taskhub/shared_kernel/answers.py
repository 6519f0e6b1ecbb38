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

from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Protocol

from taskhub.shared_kernel.events import DomainEvent


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
        """Drop every answer filed under these scopes, in every process.

        May raise `ForgetNotBroadcast` when the other processes could not be told.
        """
        ...


class ForgetNotBroadcast(Exception):
    """The change is committed and this process forgot, but the others could not be told.

    They keep what they remembered until it gets old: at most `settles_within_seconds`
    after it was read. Raised by `AnswerCache.forget` only where the adapter was asked
    to (a command with an operator to warn); otherwise the adapter logs the failure.
    """

    def __init__(self, scopes: Sequence[str], settles_within_seconds: float, reason: str) -> None:
        super().__init__(f"forgetting {', '.join(scopes)} reached no other process: {reason}")
        self.scopes = tuple(scopes)
        self.settles_within_seconds = settles_within_seconds
        self.reason = reason


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


class ForgetOnCommit:
    """A unit of work's observer: after a commit, forgets the scopes its events touched.

    `scope_of` names the scope an event makes wrong, or None for an event that changes
    no remembered answer; each context supplies its own.
    """

    def __init__(self, answers: AnswerCache, scope_of: Callable[[DomainEvent], str | None]) -> None:
        self._answers = answers
        self._scope_of = scope_of

    def __call__(self, events: Sequence[DomainEvent]) -> None:
        scopes = {scope for event in events if (scope := self._scope_of(event)) is not None}
        if scopes:
            self._answers.forget(scopes)
