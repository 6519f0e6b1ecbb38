"""The SQL side of the unit-of-work port: one connection, one transaction, all or nothing.

Contexts subclass it, build their repositories on the connection in `_start`, and
name the aggregates they loaded in `_aggregates`. On commit the events those
aggregates recorded (plus any recorded on the unit of work itself) are handed to the
event sinks on the same connection, so audit entries and outbox rows commit or roll
back with the change that caused them. Nothing is written unless `commit()` is called.
After the commit, the `observers` see the same events: what must happen
because a change is durable (forgetting remembered answers) and not before.

A read-only unit of work on PostgreSQL runs in autocommit: at READ COMMITTED, the
default, every statement takes its own snapshot whether or not a transaction is open,
so BEGIN and ROLLBACK would only add two round trips. On SQLite it keeps its deferred
transaction, which does give one snapshot and costs nothing on the wire.

Inside a request the connection comes from the request's scope
(`platform.connection_scope`), so the units of work of one request share one checkout.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Protocol, Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.platform.connection_scope import acquire, release
from taskhub.shared_kernel.events import DomainEvent, EventRecorder


class EventSink(Protocol):
    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
        """Persist what these events mean to the sink, inside the caller's transaction."""
        ...


class SqlUnitOfWork:
    def __init__(
        self,
        engine: Engine,
        *,
        read_only: bool = False,
        sinks: Sequence[EventSink] = (),
        after_commit: Callable[[], None] | None = None,
        observers: Sequence[Callable[[Sequence[DomainEvent]], None]] = (),
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._sinks = tuple(sinks)
        self._after_commit = after_commit
        self._observers = tuple(observers)
        self._connection: sa.Connection | None = None
        self._shared = False
        self._transaction: sa.RootTransaction | None = None
        self._recorded: list[DomainEvent] = []
        self._tracked: list[EventRecorder] = []

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def __enter__(self) -> Self:
        connection, self._shared = acquire(self._engine)
        autocommit = _prepare(connection, read_only=self._read_only)
        self._connection = connection
        # In autocommit there is nothing to begin; a statement run through SQLAlchemy
        # would begin its bookkeeping by itself, and `rollback` ends that.
        self._transaction = None if autocommit else connection.begin()
        self._recorded = []
        self._tracked = []
        self._start(connection)
        return self

    def _start(self, connection: sa.Connection) -> None:
        """Build repositories on the open connection."""

    def _aggregates(self) -> Iterable[EventRecorder]:
        """Aggregates loaded or added through this unit of work."""
        return ()

    def _before_commit(self, connection: sa.Connection) -> None:
        """Last writes of the transaction, after the sinks: whatever the sinks lock (the
        audit sink holds the organization's chain head) is held by then."""

    def track(self, *aggregates: EventRecorder) -> None:
        """Aggregates whose events commit with this unit of work, besides `_aggregates()`."""
        self._tracked.extend(aggregates)

    def record(self, *events: DomainEvent) -> None:
        """Record events that belong to no aggregate."""
        self._recorded.extend(events)

    def collect_events(self) -> list[DomainEvent]:
        events = list(self._recorded)
        self._recorded = []
        seen: set[int] = set()
        tracked, self._tracked = self._tracked, []
        for aggregate in [*tracked, *self._aggregates()]:
            if id(aggregate) not in seen:
                seen.add(id(aggregate))
                events.extend(aggregate.pull_events())
        return sorted(events, key=lambda e: e.occurred_at)

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if self._transaction is None:
            raise RuntimeError("the unit of work is not open")
        events = self.collect_events()
        if events:
            for sink in self._sinks:
                sink.write(self._connection, events)
        self._before_commit(self._connection)
        self._transaction.commit()
        if events and self._after_commit is not None:
            self._after_commit()
        if events:
            for observer in self._observers:
                observer(events)

    def rollback(self) -> None:
        if self._transaction is not None:
            if self._transaction.is_active:
                self._transaction.rollback()
        elif self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._connection
        try:
            self.rollback()
        finally:
            self._connection = None
            self._transaction = None
            if connection is not None:
                release(connection, self._shared)


def _prepare(connection: sa.Connection, *, read_only: bool) -> bool:
    """Put a connection in the mode this unit of work needs, if it is not in it already,
    and say whether that mode is autocommit (read-only on PostgreSQL).

    A shared connection keeps the mode of the last unit of work on it, so a request of
    reads switches once, not twice per unit of work (each switch costs CPU, not a round
    trip). On SQLite the `read_only` option makes the transaction DEFERRED.
    """
    options = connection.get_execution_options()
    if connection.dialect.name == "postgresql":
        autocommit = options.get("isolation_level") == "AUTOCOMMIT"
        if read_only and not autocommit:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        elif not read_only and autocommit:
            connection.execution_options(isolation_level=connection.default_isolation_level)
        return read_only
    if bool(options.get("read_only")) != read_only:
        connection.execution_options(read_only=read_only)
    return False


@contextmanager
def statement_on_its_own(engine: Engine) -> Iterator[sa.Connection]:
    """A connection for writes that commit by themselves, outside any unit of work.

    The request's connection when it is free (`connection_scope`), so a claim or a
    stored response costs no checkout of its own. On PostgreSQL it runs in autocommit:
    one statement is its own transaction there, and BEGIN and COMMIT would add two
    round trips to it; on SQLite in a write transaction of its own.
    """
    connection, shared = acquire(engine)
    try:
        if connection.dialect.name == "postgresql":
            _prepare(connection, read_only=True)  # autocommit: what read-only means there
            try:
                yield connection
            finally:
                if connection.in_transaction():  # SQLAlchemy's bookkeeping only, as above
                    connection.rollback()
        else:
            _prepare(connection, read_only=False)
            with connection.begin():
                yield connection
    finally:
        release(connection, shared)
