"""What an engine's pool and statements cost, as Prometheus figures and log lines.

Pool figures are set whenever a connection is taken from or given back to the pool,
so each process's gauges are current in its own multiprocess file, and a scrape answered by
any gunicorn worker adds up every worker's pool (`livesum`). A checkout that found
every connection in use and the overflow spent is counted as a wait, with the time it
waited: the sign that the pool, not the database, is the bottleneck.

Slow statements are timed around the cursor (SQLAlchemy's `before/after_cursor_execute`):
one above the threshold is counted under a short, bounded name (its verb and first
table, e.g. `SELECT work_tasks`; never its parameters) and logged as `slow_query`.
"""

import re
import time
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from taskhub.platform.database import create_database_engine

log = structlog.get_logger("taskhub.database")

_VERB = re.compile(r"\s*(?:/\*.*?\*/\s*)*(\w+)", re.DOTALL)
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|TABLE)\s+\"?([A-Za-z_][\w.]*)", re.IGNORECASE)
_STATEMENT_TEXT_LIMIT = 300
_STARTED = "taskhub_statement_started"


def statement_name(statement: str) -> str:
    """A bounded label for a statement: its verb and the first table it names."""
    verb_match = _VERB.match(statement)
    verb = verb_match.group(1).upper() if verb_match else "?"
    table = _TABLE.search(statement)
    return f"{verb} {table.group(1)}" if table else verb


class DatabaseMetrics:
    """The figures of one process's engine; `watch(engine)` hooks them to it."""

    def __init__(self, registry: CollectorRegistry, *, slow_after_seconds: float) -> None:
        self._slow_after = slow_after_seconds
        self.pool_size = Gauge(
            "taskhub_db_pool_size",
            "Connections the pool keeps (its configured size).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.pool_checked_out = Gauge(
            "taskhub_db_pool_checked_out",
            "Connections in use now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.pool_overflow = Gauge(
            "taskhub_db_pool_overflow",
            "Connections open beyond the pool's size now (negative: not all opened yet).",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.pool_waits = Counter(
            "taskhub_db_pool_waits_total",
            "Checkouts that found every connection in use and had to wait.",
            registry=registry,
        )
        self.pool_wait_seconds = Histogram(
            "taskhub_db_pool_wait_seconds",
            "How long the checkouts that had to wait waited.",
            registry=registry,
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30),
        )
        self.slow_queries = Counter(
            "taskhub_db_slow_queries_total",
            "Statements slower than TASKHUB_SLOW_QUERY_MS, by verb and first table.",
            ["statement"],
            registry=registry,
        )
        self.slow_query_seconds = Counter(
            "taskhub_db_slow_query_seconds_total",
            "Time spent in those slow statements, by verb and first table.",
            ["statement"],
            registry=registry,
        )

    def watch(self, engine: Engine) -> None:
        self._watch_statements(engine)
        if isinstance(engine.pool, QueuePool):
            self._watch_pool(engine.pool)

    def _watch_statements(self, engine: Engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _before(
            conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any, _many: bool
        ) -> None:
            conn.info.setdefault(_STARTED, []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(
            conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
        ) -> None:
            started = conn.info.get(_STARTED)
            if not started:
                return
            elapsed = time.perf_counter() - started.pop()
            if elapsed >= self._slow_after:
                self.slow(statement, elapsed)

        @event.listens_for(engine, "handle_error")
        def _failed(context: Any) -> None:
            started = context.connection.info.get(_STARTED) if context.connection else None
            if started:
                started.pop()

    def slow(self, statement: str, seconds: float) -> None:
        name = statement_name(statement)
        self.slow_queries.labels(name).inc()
        self.slow_query_seconds.labels(name).inc(seconds)
        log.warning(
            "slow_query",
            statement=name,
            duration_ms=round(seconds * 1000, 1),
            sql=" ".join(statement.split())[:_STATEMENT_TEXT_LIMIT],
        )

    def _watch_pool(self, pool: QueuePool) -> None:
        self.pool_size.set(pool.size())
        # Every change of the pool's counts goes through these two: the figures are set
        # after each has run (the pool's events fire before a connection is returned).
        get, give_back = pool._do_get, pool._do_return_conn

        def refresh() -> None:
            self.pool_checked_out.set(pool.checkedout())
            self.pool_overflow.set(pool.overflow())

        def timed_get() -> Any:
            # A checkout waits when no idle connection is left and the overflow is spent.
            full = pool.checkedin() == 0 and pool.overflow() >= pool._max_overflow >= 0
            started = time.perf_counter()
            try:
                return get()
            finally:
                if full:
                    self.pool_waits.inc()
                    self.pool_wait_seconds.observe(time.perf_counter() - started)
                refresh()

        def returned(record: Any) -> None:
            try:
                give_back(record)
            finally:
                refresh()

        pool._do_get = timed_get  # type: ignore[method-assign]
        pool._do_return_conn = returned  # type: ignore[method-assign]


def watched_engine(url: str, registry: CollectorRegistry, slow_query_ms: int) -> Engine:
    """The process's engine (`create_database_engine`), its figures in `registry`."""
    engine = create_database_engine(url)
    DatabaseMetrics(registry, slow_after_seconds=slow_query_ms / 1000).watch(engine)
    return engine
