"""Engines for the two supported databases, tuned for how taskhub uses them.

SQLite: WAL so readers never block the writer, foreign keys on, a busy timeout, and
write transactions that take the write lock up front (BEGIN IMMEDIATE) so two writers
queue instead of failing with "database is locked" half-way through. PostgreSQL:
psycopg 3 with a pool that checks connections idle for a while (so a restarted server
costs one retry, not an error), and sessions in UTC. Both hide statement parameters
from errors and logs: they hold password hashes, token digests and whatever users typed.
"""

import os
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool

from taskhub.platform.owner_only_files import create_owner_only, narrow_to_owner

SQLITE_BUSY_TIMEOUT_MS = 10_000


# A pooled connection idle for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 1.0


def create_database_engine(url: str, *, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    engine = sa.create_engine(
        url,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        # Sessions in UTC: timestamps come back as the UTC values the API speaks, whatever
        # the server's own time zone, so read paths need not convert them one by one.
        connect_args={"connect_timeout": 5, "options": "-c TimeZone=UTC"},
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use, unless it was in use a moment ago.

    SQLAlchemy's `pool_pre_ping` pings on every checkout: one extra round trip per
    request. A connection that served a request within the last second has just shown
    it is alive, so only one idle for longer is pinged; a server restarted while it sat
    in the pool is caught there, and a dead one is replaced (the pool retries the
    checkout) instead of failing the request. A connection that breaks mid-use
    invalidates the whole pool as before.
    """

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since <= PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc


def _sqlite_engine(url: str) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:") or ":memory:" in url
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}, "hide_parameters": True}
    if in_memory:
        kwargs["poolclass"] = StaticPool
    else:
        _owner_only_database(url)
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so BEGIN below is the one that runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = "DEFERRED" if connection.get_execution_options().get("read_only") else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _owner_only_database(url: str) -> None:
    """Create the database file 0600 before SQLite does (it would use 0644 under the usual
    umask, and give -wal and -shm the same mode), or narrow the files that exist."""
    database = sa.engine.make_url(url).database
    if not database or database.startswith("file:"):
        return  # a URI filename: the operator chose how it is opened
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite reports that it cannot open the file
    fd = create_owner_only(path)
    if fd is not None:
        os.close(fd)
    for companion in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        narrow_to_owner(companion)


def check_database(engine: Engine) -> None:
    """Raise if the database does not answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
