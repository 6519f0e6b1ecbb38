"""Consuming events from the bus: each subscription its own queue, each event handled once.

A subscriber's handler runs, then the event is recorded as consumed for it, then the
message is acknowledged. An event seen again (the relay may publish twice, the broker
may redeliver) is acknowledged without calling the handler. A handler that fails
leaves the message unacknowledged and it is redelivered after a pause.
"""

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
import structlog
from kombu.connection import Connection
from kombu.message import Message
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from taskhub.platform.messaging.bus import Subscription, connect
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.tables import consumed_events
from taskhub.shared_kernel.clock import Clock

log = structlog.get_logger("taskhub.consumer")

REDELIVERY_PAUSE_SECONDS = 1.0


class EventConsumer:
    def __init__(
        self,
        engine: Engine,
        broker_url: str,
        subscriptions: Sequence[Subscription],
        clock: Clock,
        *,
        connection_factory: Callable[[str], Connection] = connect,
        prefetch: int = 50,
    ) -> None:
        self._engine = engine
        self._broker_url = broker_url
        self._subscriptions = tuple(subscriptions)
        self._clock = clock
        self._connection_factory = connection_factory
        self._prefetch = prefetch

    def _already_consumed(self, subscriber: str, envelope: Envelope) -> bool:
        with self._engine.connect() as connection:
            reader = connection.execution_options(read_only=True)
            with reader.begin():
                row = reader.execute(
                    sa.select(consumed_events.c.event_id).where(
                        consumed_events.c.subscriber == subscriber,
                        consumed_events.c.event_id == envelope.event_id,
                    )
                ).first()
        return row is not None

    def _mark_consumed(self, subscriber: str, envelope: Envelope) -> None:
        values = {
            "subscriber": subscriber,
            "event_id": envelope.event_id,
            "consumed_at": self._clock.now(),
        }
        with self._engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            connection.execute(
                dialect.insert(consumed_events).values(**values).on_conflict_do_nothing()
            )

    def handle(self, subscription: Subscription, body: dict[str, Any]) -> bool:
        """Handle one delivered body; True when it may be acknowledged."""
        try:
            envelope = Envelope.from_body(body)
        except (KeyError, TypeError, ValueError):
            log.error("malformed_event_dropped", subscriber=subscription.name)
            return True
        if self._already_consumed(subscription.name, envelope):
            return True
        try:
            subscription.handle(envelope)
        except Exception:
            log.exception(
                "event_handler_failed",
                subscriber=subscription.name,
                event_id=str(envelope.event_id),
            )
            return False
        self._mark_consumed(subscription.name, envelope)
        return True

    def _callback(self, subscription: Subscription) -> Callable[[Any, Message], None]:
        def on_message(body: Any, message: Message) -> None:
            if self.handle(subscription, body if isinstance(body, dict) else {}):
                message.ack()
            else:
                time.sleep(REDELIVERY_PAUSE_SECONDS)
                message.requeue()

        return on_message

    def run(self, stop: threading.Event, ready: threading.Event | None = None) -> None:
        """Consume until `stop` is set, reconnecting while the broker is down."""
        failures = 0
        while not stop.is_set():
            try:
                with self._connection_factory(self._broker_url) as connection:
                    connection.ensure_connection(max_retries=1)
                    consumers = [
                        connection.Consumer(
                            [subscription.queue()],
                            callbacks=[self._callback(subscription)],
                            accept=["json"],
                            prefetch_count=self._prefetch,
                        )
                        for subscription in self._subscriptions
                    ]
                    for consumer in consumers:
                        consumer.consume()
                    failures = 0
                    if ready is not None:
                        ready.set()
                    while not stop.is_set():
                        try:
                            connection.drain_events(timeout=0.5)
                        except TimeoutError:
                            connection.heartbeat_check()
            except Exception as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("consumer_disconnected", error=type(exc).__name__, retry_in=delay)
                stop.wait(delay)
