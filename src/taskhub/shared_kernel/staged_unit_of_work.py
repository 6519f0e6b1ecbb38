"""The in-memory unit of work every context's fakes build on.

A unit of work works on a deep copy of its store and swaps the copy in on commit, so
a use case that forgets to commit leaves nothing behind, as against a database; the
events recorded on it (and on the aggregates it names) are kept in the store's
`events`, in the order a real unit of work hands them to its sinks, and handed to the
`observers` after the commit, as a real unit of work does.
"""

import copy
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

from taskhub.shared_kernel.events import DomainEvent, EventRecorder

T = TypeVar("T")


def stored_copy(value: T) -> T:
    """What a fake repository keeps or hands out: a deep copy without the events still
    pending on the original, which travel with the original to its unit of work (a
    database row carries no events either)."""
    duplicate = copy.deepcopy(value)
    if isinstance(duplicate, EventRecorder):
        duplicate.pull_events()
    return duplicate


class EventStore(Protocol):
    events: list[DomainEvent]


StoreT = TypeVar("StoreT", bound=EventStore)


class StagedUnitOfWork(Generic[StoreT]):
    def __init__(
        self,
        store: StoreT,
        observers: Sequence[Callable[[Sequence[DomainEvent]], None]] = (),
    ) -> None:
        self._store = store
        self._observers = tuple(observers)
        self.committed = False

    def _open(self, staged: StoreT) -> None:
        """Build the repositories on the staged copy."""
        raise NotImplementedError

    def _aggregates(self) -> Iterable[EventRecorder]:
        """Aggregates loaded through this unit of work, whose events commit with it."""
        return ()

    def __enter__(self) -> Self:
        self._staged = copy.deepcopy(self._store)
        self._open(self._staged)
        self.committed = False
        self._recorded: list[DomainEvent] = []
        self._tracked: list[EventRecorder] = []
        return self

    def track(self, *aggregates: EventRecorder) -> None:
        self._tracked.extend(aggregates)

    def record(self, *events: DomainEvent) -> None:
        self._recorded.extend(events)

    def commit(self) -> None:
        aggregates = {id(a): a for a in [*self._tracked, *self._aggregates()]}.values()
        events = self._recorded + [e for a in aggregates for e in a.pull_events()]
        ordered = sorted(events, key=lambda e: e.occurred_at)
        self._staged.events.extend(ordered)
        self._recorded = []
        self._tracked = []
        self._store.__dict__.update(copy.deepcopy(self._staged).__dict__)
        self.committed = True
        if ordered:
            for observer in self._observers:
                observer(ordered)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        del self._staged
