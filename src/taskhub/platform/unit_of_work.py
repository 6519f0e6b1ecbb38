"""The SQL side of the unit-of-work port: one connection, one transaction, all or nothing.

Contexts subclass it and build their repositories on `self.connection` in `_start`.
Nothing is written unless `commit()` is called; leaving the block any other way rolls
back, so a failure half-way never leaves half a change behind.
"""

from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine


class SqlUnitOfWork:
    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._connection: sa.Connection | None = None
        self._transaction: sa.RootTransaction | None = None

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open")
        return self._connection

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        if self._read_only:
            connection = connection.execution_options(read_only=True)
        self._connection = connection
        self._transaction = connection.begin()
        self._start(connection)
        return self

    def _start(self, connection: sa.Connection) -> None:
        """Build repositories on the open connection."""

    def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("the unit of work is not open")
        self._before_commit()
        self._transaction.commit()

    def _before_commit(self) -> None:
        """Write what must land in the same transaction (outbox rows, audit entries)."""

    def rollback(self) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._transaction = None
