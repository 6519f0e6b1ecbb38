"""One database connection per request, taken in turn by the units of work it runs, and
kept by the serving thread for its next request.

A request may run several units of work (who is calling, their role, the work itself).
Checked out separately, each pays for a pool checkout and the pool's liveness ping;
inside a scope they take turns on one connection. A unit of work that starts while
another holds the scope's connection (one nested in another) gets a connection of its
own, exactly as outside a scope, so nesting never shares a transaction by accident.

When the scope ends its connection is not returned to the pool but parked with the
thread (any transaction rolled back first): a checkout and a checkin, with their events
and the connection's reset, cost about as much as the statements of a steady list
request. The next scope on that thread and engine takes it back; if it was parked for
longer than the pool's ping interval it is pinged first and replaced if dead, as the
pool would do. A thread keeps at most one connection, returned to the pool when the
thread uses another engine or ends, and threads together keep fewer than the pool's
size: past that a scope's connection goes back to the pool as before.
"""

import contextlib
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.platform import database


@attrs.define
class _Scope:
    engine: Engine
    connection: sa.Connection | None = None
    busy: bool = False


_current: ContextVar[_Scope | None] = ContextVar("taskhub_connection_scope", default=None)


class _ParkingSlots:
    """How many connections threads keep parked, per engine: always fewer than the pool's
    size, so threads that park never leave the others waiting for a connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()

    def claim(self, engine: Engine) -> bool:
        pool = engine.pool
        limit = pool.size() - 1 if isinstance(pool, sa.pool.QueuePool) else 0
        with self._lock:
            held = self._held.get(engine, 0)
            if held >= limit:
                return False
            self._held[engine] = held + 1
            return True

    def free(self, engine: Engine) -> None:
        with self._lock:
            self._held[engine] = max(0, self._held.get(engine, 0) - 1)


_slots = _ParkingSlots()


class _Parked:
    """The connection a thread keeps between scopes; checked in when dropped unused."""

    __slots__ = ("_connection", "engine", "since")

    def __init__(self, engine: Engine, connection: sa.Connection) -> None:
        self.engine = engine
        self._connection: sa.Connection | None = connection
        self.since = time.monotonic()

    def detach(self) -> sa.Connection | None:
        """The connection, no longer parked (once; None after)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            _slots.free(self.engine)
        return connection

    def take(self, engine: Engine) -> sa.Connection | None:
        """The connection, if it belongs to `engine` and is (still) usable."""
        connection = self.detach()
        if connection is None:
            return None
        if self.engine is not engine or connection.closed or connection.invalidated:
            connection.close()
            return None
        if time.monotonic() - self.since > database.PING_AFTER_IDLE_SECONDS:
            dbapi_connection = connection.connection.dbapi_connection
            try:
                if dbapi_connection is None:
                    raise engine.dialect.loaded_dbapi.Error("the connection was released")
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as exc:
                connection.invalidate(exc)
                connection.close()
                return None
        return connection

    def __del__(self) -> None:
        # The thread ended (or parked another connection): back to the pool, not to the
        # garbage collector, which could only drop it.
        with contextlib.suppress(Exception):  # a finaliser must not raise
            connection = self.detach()
            if connection is not None:
                connection.close()


class _ThreadParking(threading.local):
    parked: _Parked | None = None


_parking = _ThreadParking()


def _park(engine: Engine, connection: sa.Connection) -> None:
    if connection.closed or connection.invalidated or not _slots.claim(engine):
        connection.close()
        return
    try:
        if connection.in_transaction():
            connection.rollback()
    except Exception:
        # As the pool does when a connection fails its reset: drop it, quietly, for the
        # response is already decided.
        _slots.free(engine)
        with contextlib.suppress(Exception):
            connection.invalidate()
            connection.close()
        return
    _parking.parked = _Parked(engine, connection)


def _unpark(engine: Engine) -> sa.Connection:
    parked, _parking.parked = _parking.parked, None
    connection = parked.take(engine) if parked is not None else None
    return connection if connection is not None else engine.connect()


@contextmanager
def connection_scope(engine: Engine) -> Iterator[None]:
    """Share one connection of `engine` among the units of work run inside."""
    scope = _Scope(engine)
    token = _current.set(scope)
    try:
        yield
    finally:
        _current.reset(token)
        if scope.connection is not None:
            _park(engine, scope.connection)


def acquire(engine: Engine) -> tuple[sa.Connection, bool]:
    """A connection for one unit of work, and whether it is the scope's (kept open)."""
    scope = _current.get()
    if scope is None or scope.engine is not engine or scope.busy:
        return engine.connect(), False
    if scope.connection is None or scope.connection.closed:
        scope.connection = _unpark(engine)
    scope.busy = True
    return scope.connection, True


def return_parked() -> None:
    """Hand this thread's parked connection back to its pool (before disposing of it)."""
    parked, _parking.parked = _parking.parked, None
    connection = parked.detach() if parked is not None else None
    if connection is not None:
        connection.close()


def release(connection: sa.Connection, shared: bool) -> None:
    """Hand a connection back: to the scope for the next unit of work, or to the pool."""
    if not shared:
        connection.close()
        return
    scope = _current.get()
    if scope is not None and scope.connection is connection:
        scope.busy = False
