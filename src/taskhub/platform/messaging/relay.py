"""The outbox relay: committed outbox rows go to the bus, and are marked only once confirmed.

A row is marked published in the same transaction that selected it, after the broker
confirmed every message of the batch; if publishing fails the transaction rolls back
and the rows are tried again, so an event can be published twice (a crash between
confirm and commit) but never lost. On PostgreSQL rows are claimed with
`FOR UPDATE SKIP LOCKED`, so several relays share the work without publishing a row
twice in the normal course; on SQLite the write lock serialises them.
"""

import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import sqlalchemy as sa
import structlog
from kombu.connection import Connection
from kombu.entity import Queue
from opentelemetry.trace import SpanKind
from sqlalchemy.engine import Engine

from taskhub.platform.messaging.bus import Publisher, Subscription, connect
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.names import BrokerNames
from taskhub.platform.messaging.tables import consumed_events, outbox
from taskhub.platform.sql_lists import among
from taskhub.platform.tracing import span_from
from taskhub.platform.unit_of_work import statement_on_its_own
from taskhub.shared_kernel.clock import Clock

log = structlog.get_logger("taskhub.relay")

MAX_BACKOFF_SECONDS = 30.0
# Published events and consumption records are kept at least this long, then pruned:
# long enough to investigate and for any redelivery to be recognised as a duplicate.
# The event feed reads the outbox, so the relay keeps them longer when the feed's
# retention (TASKHUB_EVENT_RETENTION_DAYS) is longer.
RETENTION = timedelta(days=7)
PRUNE_EVERY_SECONDS = 600.0
PRUNE_BATCH = 5000
_FIRST_PENDING = sa.select(outbox.c.position).where(outbox.c.published_at.is_(None)).limit(1)


class OutboxSignal:
    """Lets a writer wake a polling loop at once instead of at its next poll: a commit
    wakes the outbox relay, a scheduled delivery the webhook dispatcher."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)
        self._event.clear()


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        broker_url: str,
        clock: Clock,
        names: BrokerNames,
        *,
        signal: OutboxSignal | None = None,
        subscriptions: Sequence[Subscription] = (),
        batch_size: int = 500,
        poll_seconds: float = 0.1,
        retention: timedelta = RETENTION,
        connection_factory: Callable[[str], Connection] = connect,
    ) -> None:
        self._engine = engine
        self._broker_url = broker_url
        self._clock = clock
        self._signal = signal or OutboxSignal()
        self._batch_size = batch_size
        self._retention = max(retention, RETENTION)
        self._poll_seconds = poll_seconds
        self._connection_factory = connection_factory
        # Declared before the first publish: a message sent before its subscriber's queue
        # exists would be lost to that subscriber.
        self._names = names
        self._queues: list[Queue] = [s.queue(names) for s in subscriptions]
        self._connection: Connection | None = None
        self._publisher: Publisher | None = None

    def _broker(self) -> Publisher:
        if self._publisher is None:
            self._drop_broker()
            self._connection = self._connection_factory(self._broker_url)
            self._connection.ensure_connection(max_retries=1)
            self._publisher = Publisher(self._connection, self._names, self._queues)
        return self._publisher

    def _drop_broker(self) -> None:
        self._publisher = None
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:
                log.debug("broker_release_failed")
            self._connection = None

    def _pending(self) -> bool:
        # Ten times a second: one statement in autocommit on PostgreSQL, not BEGIN,
        # SELECT and COMMIT (ADR 0039).
        with statement_on_its_own(self._engine) as connection:
            first = connection.execute(_FIRST_PENDING).first()
        return first is not None

    def relay_once(self) -> int:
        """Publish one batch; returns how many events were published."""
        if not self._pending():
            return 0
        with self._engine.connect() as connection, connection.begin():
            query = (
                sa.select(outbox)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.position)
                .limit(self._batch_size)
            )
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = connection.execute(query).all()
            if not rows:
                return 0
            envelopes = [
                Envelope(
                    event_id=row.event_id,
                    type=row.event_type,
                    org_id=row.org_id,
                    occurred_at=row.occurred_at,
                    ordering_key=row.ordering_key,
                    data=row.payload,
                    position=row.position,
                    actor_id=row.actor_id,
                    traceparent=row.traceparent,
                )
                for row in rows
            ]
            # In the trace of the first event's request, linked to the others'.
            with span_from(
                "outbox publish",
                [e.traceparent for e in envelopes],
                kind=SpanKind.PRODUCER,
                attributes={"messaging.batch.message_count": len(envelopes)},
            ):
                self._broker().publish(envelopes)
                connection.execute(
                    outbox.update()
                    .where(among(connection, outbox.c.position, [row.position for row in rows]))
                    .values(published_at=self._clock.now())
                )
        return len(rows)

    def prune(self) -> int:
        """Delete published events and consumption records older than the retention.

        A consumption record goes only once its event has left the outbox: an event
        still there without its record would look not yet consumed, and the webhook
        dispatcher holds back the later events of its entity until the earlier ones
        are consumed. (A record can be older than its event's `published_at`: a relay
        that died between the broker's confirm and its commit publishes again.)

        The newest row stays, however old: SQLite gives a new row the largest position
        plus one, so an emptied outbox would hand out positions again, and positions
        must only grow (entity order, and where each webhook starts receiving).
        """
        horizon = self._clock.now() - self._retention
        with self._engine.begin() as connection:
            newest = sa.select(sa.func.max(outbox.c.position)).scalar_subquery()
            old_events = (
                sa.select(outbox.c.position)
                .where(
                    outbox.c.published_at.is_not(None),
                    outbox.c.published_at < horizon,
                    outbox.c.position < newest,
                )
                .limit(PRUNE_BATCH)
            )
            removed = connection.execute(
                outbox.delete().where(outbox.c.position.in_(old_events.scalar_subquery()))
            ).rowcount
            connection.execute(
                consumed_events.delete().where(
                    consumed_events.c.consumed_at < horizon,
                    ~sa.exists().where(outbox.c.event_id == consumed_events.c.event_id),
                )
            )
        return int(removed)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off while the database or broker is down."""
        failures = 0
        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        while not stop.is_set():
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                try:
                    self.prune()
                except Exception as exc:
                    log.warning("outbox_prune_failed", error=type(exc).__name__)
            try:
                published = self.relay_once()
            except Exception as exc:
                failures += 1
                self._drop_broker()
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 6))
                log.warning("relay_failed", error=type(exc).__name__, retry_in=delay)
                stop.wait(delay)
                continue
            if failures:
                log.info("relay_recovered", after_failures=failures)
            failures = 0
            if published:
                log.debug("relayed", events=published)
                continue
            self._signal.wait(self._poll_seconds)
        self._drop_broker()

    def close(self) -> None:
        """Let the broker connection go (`run` does so itself when it stops)."""
        self._drop_broker()

    def wait_until_idle(self, timeout: float) -> bool:
        """For tests and shutdown: relay until nothing is pending or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.relay_once() == 0 and not self._pending():
                return True
        return False
