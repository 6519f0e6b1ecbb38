"""The message bus over kombu: one durable topic exchange, routing key = event type.

`memory://` keeps everything in this process (the embedded default); `amqp://` talks
to RabbitMQ with publisher confirms, so `publish` returns only once the broker has
taken responsibility for every message (it raises otherwise, and the relay retries).
"""

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from kombu.connection import Connection
from kombu.entity import Exchange, Queue, binding

from taskhub.platform.messaging.envelope import Envelope

EXCHANGE_NAME = "taskhub.events"
EVENTS = Exchange(EXCHANGE_NAME, type="topic", durable=True)
PUBLISH_TIMEOUT_SECONDS = 10


@attrs.frozen
class Subscription:
    """A named subscriber: its own durable queue, bound to the event types it wants.

    `event_types` of `("*",)` means every event. The consumer hands `handle` the events
    of a batch that this subscriber has not consumed yet, in the order they arrived,
    with the connection of the consumer's transaction: what the handler writes on it
    commits together with the record that these events were consumed, or rolls back
    with it and the batch comes again. So the handler writes only on that connection
    (a transaction of its own would wait for the consumer's write lock on SQLite) and
    never commits. Delivery is at least once, so its effect must tolerate an event
    seen again. `committed`, if given, runs after a batch with new events committed,
    e.g. to wake whatever acts on what the handler wrote.
    """

    name: str
    event_types: tuple[str, ...]
    handle: Callable[[Sequence[Envelope], sa.Connection], None]
    committed: Callable[[], None] | None = None

    def queue(self) -> Queue:
        keys = ["#"] if "*" in self.event_types else list(self.event_types)
        return Queue(
            f"taskhub.{self.name}",
            bindings=[binding(EVENTS, routing_key=key) for key in keys],
            durable=True,
        )


def connect(url: str) -> Connection:
    options: dict[str, Any] = {}
    if url.startswith("memory://"):
        # The in-memory transport polls its queues; the default half second is latency.
        options["transport_options"] = {"polling_interval": 0.05}
    if url.startswith(("amqp", "pyamqp")):
        options["transport_options"] = {"confirm_publish": True}
        options["heartbeat"] = 30
    return Connection(url, connect_timeout=5, **options)


def publish(connection: Connection, envelopes: Sequence[Envelope]) -> None:
    """Publish persistently and, on RabbitMQ, wait for the broker's confirm of each."""
    with connection.Producer(serializer="json") as producer:
        for envelope in envelopes:
            producer.publish(
                envelope.body(),
                exchange=EVENTS,
                routing_key=envelope.type,
                declare=[EVENTS],
                delivery_mode=2,
                message_id=str(envelope.event_id),
                retry=False,
                timeout=PUBLISH_TIMEOUT_SECONDS,
            )
