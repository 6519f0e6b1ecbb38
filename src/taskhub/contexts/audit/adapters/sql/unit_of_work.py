"""Audit's unit of work on SQL: the reads behind the log endpoints and the entity history."""

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.repositories import SqlAuditEntryRepository
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlAuditUnitOfWork(SqlUnitOfWork):
    """On PostgreSQL a read-only unit runs REPEATABLE READ: a chain's head and its entries
    are read from one snapshot, so an append committing mid-verification cannot look like
    tampering. (SQLite's read transaction is a snapshot already.)"""

    entries: SqlAuditEntryRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        if read_only and engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        super().__init__(engine, read_only=read_only)

    def _start(self, connection: sa.Connection) -> None:
        self.entries = SqlAuditEntryRepository(connection)
