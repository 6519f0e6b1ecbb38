"""One database connection per request, taken in turn by the units of work it runs.

A request usually runs three units of work (who is calling, their role, the work
itself). Checked out separately, each pays for a pool checkout and the pool's liveness
ping; inside a scope they take turns on one connection, checked out when the first of
them needs it and returned when the request ends. A unit of work that starts while
another holds the scope's connection (one nested in another) gets a connection of its
own, exactly as outside a scope, so nesting never shares a transaction by accident.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine


@attrs.define
class _Scope:
    engine: Engine
    connection: sa.Connection | None = None
    busy: bool = False


_current: ContextVar[_Scope | None] = ContextVar("taskhub_connection_scope", default=None)


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
            scope.connection.close()


def acquire(engine: Engine) -> tuple[sa.Connection, bool]:
    """A connection for one unit of work, and whether it is the scope's (kept open)."""
    scope = _current.get()
    if scope is None or scope.engine is not engine or scope.busy:
        return engine.connect(), False
    if scope.connection is None or scope.connection.closed:
        scope.connection = engine.connect()
    scope.busy = True
    return scope.connection, True


def release(connection: sa.Connection, shared: bool) -> None:
    """Hand a connection back: to the scope for the next unit of work, or to the pool."""
    if not shared:
        connection.close()
        return
    scope = _current.get()
    if scope is not None and scope.connection is connection:
        scope.busy = False
