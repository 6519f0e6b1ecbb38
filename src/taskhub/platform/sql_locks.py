"""Named locks that last until the transaction ends: how a rule spanning rows that no
constraint can express (no cycle in a graph) is kept under concurrency.

Whoever checks such a rule takes the lock first, so the check and the write it allows
are one step for everyone else: the next checker waits for the commit and then, at READ
COMMITTED, reads what it wrote. On PostgreSQL it is a transaction-scoped advisory lock
on a 64-bit hash of the name (a collision only makes two unrelated writers queue);
SQLite serialises every writer already (ADR 0006), so there it is nothing.
"""

import sqlalchemy as sa

_ADVISORY_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")


def hold_transaction_lock(connection: sa.Connection, name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`."""
    if connection.dialect.name == "postgresql":
        connection.execute(_ADVISORY_LOCK, {"name": name})
