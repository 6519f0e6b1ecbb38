"""Consuming events from the bus: each subscription its own queue, each event handled once.

Messages are handled in batches, as many as have arrived (up to the prefetch count):
one transaction skips the events already consumed by the subscriber, runs its handler
on the rest and records them as consumed, and only after that commit are the messages
acknowledged. An event seen again (the relay may publish twice, the broker may
redeliver) is acknowledged without calling the handler. When a batch fails, its
messages are handled again one by one, so one event that cannot be handled holds up
only itself: it stays unacknowledged and is requeued after a pause.

A message is acknowledged only when it can be placed: it names this deployment and its
event is in this deployment's outbox. One from another deployment (two deployments
told to share a namespace) is requeued after a pause, never acknowledged: its own
deployment's consumers, which may share the queue, still get it, and the pause keeps
two consumers from tossing it back and forth. One that names this deployment but no
event of its outbox (or cannot be read) is rejected to the namespace's dead letters,
where an operator can look at it, instead of coming back forever.
"""

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
import structlog
from kombu.connection import Connection
from kombu.message import Message
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine

from taskhub.platform.messaging.bus import DEPLOYMENT_FIELD, Subscription, connect
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.names import BrokerNames
from taskhub.platform.messaging.tables import consumed_events, outbox
from taskhub.platform.sql_lists import among, unnested_insert
from taskhub.platform.tracing import span_from
from taskhub.platform.unit_of_work import statement_on_its_own
from taskhub.shared_kernel.clock import Clock

log = structlog.get_logger("taskhub.consumer")

REDELIVERY_PAUSE_SECONDS = 1.0
# How long the broker may stay quiet before the messages gathered so far are handled,
# and how long the oldest of them may wait while messages keep trickling in.
QUIET_SECONDS = 0.02
MAX_GATHER_SECONDS = 0.1
# How long the consumer waits for the broker when nothing is gathered: how quickly it
# notices `stop`, never how late it sees a message.
IDLE_WAIT_SECONDS = 0.25
HEARTBEAT_CHECK_SECONDS = 1.0

_RECORD_UNNESTED = unnested_insert(
    consumed_events, ("subscriber", "event_id", "consumed_at")
).on_conflict_do_nothing()


class EventConsumer:
    def __init__(
        self,
        engine: Engine,
        broker_url: str,
        subscriptions: Sequence[Subscription],
        clock: Clock,
        names: BrokerNames,
        *,
        connection_factory: Callable[[str], Connection] = connect,
        prefetch: int = 200,
    ) -> None:
        self._engine = engine
        self._broker_url = broker_url
        self._subscriptions = tuple(subscriptions)
        self._clock = clock
        self._names = names
        self._connection_factory = connection_factory
        self._prefetch = prefetch

    def handle(self, subscription: Subscription, body: dict[str, Any]) -> bool:
        """Handle one delivered body; True when it may be acknowledged."""
        return self.handle_batch(subscription, [body])

    def handle_batch(self, subscription: Subscription, bodies: Sequence[dict[str, Any]]) -> bool:
        """Handle delivered bodies in one transaction; True when all may be acknowledged."""
        envelopes: dict[Any, Envelope] = {}
        for body in bodies:
            try:
                envelope = Envelope.from_body(body)
            except (KeyError, TypeError, ValueError):
                log.error("malformed_event_dropped", subscriber=subscription.name)
                continue
            envelopes.setdefault(envelope.event_id, envelope)
        if not envelopes:
            return True
        try:
            with (
                span_from(
                    f"{subscription.name} process",
                    [e.traceparent for e in envelopes.values()],
                    attributes={
                        "messaging.operation.type": "process",
                        "messaging.destination.name": self._names.queue_name(subscription.name),
                        "messaging.batch.message_count": len(envelopes),
                    },
                ),
                self._engine.begin() as connection,
            ):
                fresh = self._not_consumed(connection, subscription.name, list(envelopes.values()))
                if not fresh:
                    return True
                subscription.handle(fresh, connection)
                self._mark_consumed(connection, subscription.name, fresh)
        except Exception:
            log.exception(
                "event_handler_failed",
                subscriber=subscription.name,
                events=len(envelopes),
                first_event_id=str(next(iter(envelopes))),
            )
            return False
        if subscription.committed is not None:
            subscription.committed()
        return True

    @staticmethod
    def _not_consumed(
        connection: sa.Connection, subscriber: str, envelopes: Sequence[Envelope]
    ) -> list[Envelope]:
        consumed = set(
            connection.execute(
                sa.select(consumed_events.c.event_id).where(
                    consumed_events.c.subscriber == subscriber,
                    among(connection, consumed_events.c.event_id, [e.event_id for e in envelopes]),
                )
            ).scalars()
        )
        return [e for e in envelopes if e.event_id not in consumed]

    def _mark_consumed(
        self, connection: sa.Connection, subscriber: str, envelopes: Sequence[Envelope]
    ) -> None:
        now = self._clock.now()
        # In key order, so two consumers recording overlapping batches cannot deadlock.
        rows = [
            {"subscriber": subscriber, "event_id": event_id, "consumed_at": now}
            for event_id in sorted(e.event_id for e in envelopes)
        ]
        if connection.dialect.name == "postgresql":
            columns = {name: [row[name] for row in rows] for name in rows[0]}
            connection.execute(_RECORD_UNNESTED, columns)
            return
        connection.execute(sqlite.insert(consumed_events).on_conflict_do_nothing(), rows)

    def _unplaced(self, bodies: Sequence[dict[str, Any]]) -> tuple[set[int], set[int]]:
        """Indexes of the bodies from another deployment, and of those of this deployment
        whose event its outbox does not hold (or that cannot be read)."""
        foreign: set[int] = set()
        ids: dict[int, uuid.UUID] = {}
        for index, body in enumerate(bodies):
            if body.get(DEPLOYMENT_FIELD) != self._names.deployment_id:
                foreign.add(index)
                continue
            try:
                ids[index] = uuid.UUID(str(body["id"]))
            except (KeyError, ValueError):
                continue
        known: set[uuid.UUID] = set()
        if ids:
            # One statement per batch, in autocommit on PostgreSQL: a plain checkout would
            # add BEGIN, and the pool's reset on return a ROLLBACK (ADR 0039).
            with statement_on_its_own(self._engine) as connection:
                known = set(
                    connection.execute(
                        sa.select(outbox.c.event_id).where(
                            among(connection, outbox.c.event_id, list(set(ids.values())))
                        )
                    ).scalars()
                )
        unknown = {
            index
            for index in range(len(bodies))
            if index not in foreign and ids.get(index) not in known
        }
        return foreign, unknown

    def _settle(
        self,
        subscription: Subscription,
        batch: Sequence[tuple[Any, Message]],
        stop: threading.Event,
    ) -> None:
        """Set aside what cannot be placed, handle the rest and acknowledge what was
        committed; requeue what failed."""
        all_bodies = [body if isinstance(body, dict) else {} for body, _message in batch]
        foreign, unknown = self._unplaced(all_bodies)
        for index in sorted(unknown):
            log.error(
                "unplaceable_event_dead_lettered",
                subscriber=subscription.name,
                event_id=str(all_bodies[index].get("id")),
            )
            batch[index][1].reject(requeue=False)
        if foreign:
            log.error(
                "foreign_events_requeued",
                subscriber=subscription.name,
                events=len(foreign),
                deployment=str(all_bodies[min(foreign)].get(DEPLOYMENT_FIELD)),
                namespace=self._names.namespace,
            )
        placed = [pair for index, pair in enumerate(batch) if index not in foreign | unknown]
        if placed:
            self._handle_placed(subscription, placed, stop)
        if foreign:
            stop.wait(REDELIVERY_PAUSE_SECONDS)
            for index in sorted(foreign):
                batch[index][1].requeue()

    def _handle_placed(
        self,
        subscription: Subscription,
        batch: Sequence[tuple[Any, Message]],
        stop: threading.Event,
    ) -> None:
        bodies = [body if isinstance(body, dict) else {} for body, _message in batch]
        if self.handle_batch(subscription, bodies):
            for _body, message in batch:
                message.ack()
            return
        failed: list[Message] = []
        if len(batch) > 1:
            for body, message in zip(bodies, (m for _b, m in batch), strict=True):
                if self.handle_batch(subscription, [body]):
                    message.ack()
                else:
                    failed.append(message)
        else:
            failed = [batch[0][1]]
        if failed:
            stop.wait(REDELIVERY_PAUSE_SECONDS)
            for message in failed:
                message.requeue()

    def run(self, stop: threading.Event, ready: threading.Event | None = None) -> None:
        """Consume until `stop` is set, reconnecting while the broker is down."""
        failures = 0
        while not stop.is_set():
            try:
                with self._connection_factory(self._broker_url) as connection:
                    connection.ensure_connection(max_retries=1)
                    self._consume(connection, stop, ready)
            except Exception as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("consumer_disconnected", error=type(exc).__name__, retry_in=delay)
                stop.wait(delay)
            else:
                failures = 0

    def _consume(
        self, connection: Connection, stop: threading.Event, ready: threading.Event | None
    ) -> None:
        gathered: dict[str, list[tuple[Any, Message]]] = {s.name: [] for s in self._subscriptions}
        since: dict[str, float] = {}

        def gather(subscription: Subscription) -> Callable[[Any, Message], None]:
            def on_message(body: Any, message: Message) -> None:
                batch = gathered[subscription.name]
                if not batch:
                    since[subscription.name] = time.monotonic()
                batch.append((body, message))

            return on_message

        consumers = [
            connection.Consumer(
                [subscription.queue(self._names)],
                callbacks=[gather(subscription)],
                accept=["json"],
                prefetch_count=self._prefetch,
            )
            for subscription in self._subscriptions
        ]
        for consumer in consumers:
            consumer.consume()
        if ready is not None:
            ready.set()
        next_heartbeat = time.monotonic() + HEARTBEAT_CHECK_SECONDS
        while not stop.is_set():
            quiet = False
            gathering = any(gathered[s.name] for s in self._subscriptions)
            # Short waits only while a batch is gathering; with nothing gathered, polling
            # every 20 ms kept the idle worker at ~15% of a core (ADR 0039). A message
            # ends the wait as soon as it arrives either way.
            wait = QUIET_SECONDS if gathering else IDLE_WAIT_SECONDS
            try:
                connection.drain_events(timeout=wait)
            except TimeoutError:
                quiet = True
            now = time.monotonic()
            for subscription in self._subscriptions:
                batch = gathered[subscription.name]
                if batch and (
                    quiet
                    or len(batch) >= self._prefetch
                    or now - since[subscription.name] >= MAX_GATHER_SECONDS
                ):
                    gathered[subscription.name] = []
                    self._settle(subscription, batch, stop)
            if now >= next_heartbeat:
                next_heartbeat = now + HEARTBEAT_CHECK_SECONDS
                connection.heartbeat_check()
