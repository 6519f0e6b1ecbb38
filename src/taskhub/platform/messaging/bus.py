"""The message bus over kombu: one durable topic exchange per deployment, routing key =
event type (names: `names.BrokerNames`).

`memory://` keeps everything in this process (the embedded default); `amqp://` talks
to RabbitMQ with publisher confirms, so `Publisher.publish` returns only once the
broker has taken responsibility for every message (it raises otherwise, and the relay
retries).
"""

import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from kombu.connection import Connection
from kombu.entity import Queue, binding
from kombu.messaging import Producer

from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.names import BrokerNames

PUBLISH_TIMEOUT_SECONDS = 10
# The body field naming the deployment whose outbox the event comes from.
DEPLOYMENT_FIELD = "deployment"


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

    def queue(self, names: BrokerNames) -> Queue:
        """The subscriber's queue in `names`' namespace; what its consumer rejects (an
        event it cannot place) goes to the namespace's dead letters."""
        keys = ["#"] if "*" in self.event_types else list(self.event_types)
        return Queue(
            names.queue_name(self.name),
            bindings=[binding(names.exchange, routing_key=key) for key in keys],
            durable=True,
            queue_arguments={"x-dead-letter-exchange": names.dead_letters.name},
        )


def connect(url: str) -> Connection:
    options: dict[str, Any] = {}
    if url.startswith("memory://"):
        # The in-memory transport polls its queues; the default half second is latency.
        options["transport_options"] = {"polling_interval": 0.05}
    if url.startswith(("amqp", "pyamqp")):
        options["heartbeat"] = 30
    return Connection(url, connect_timeout=5, **options)


class ConfirmFailed(Exception):
    """The broker refused (nacked) a message, or did not confirm it in time."""


class Publisher:
    """Publishes batches of events on a channel of its own.

    On RabbitMQ the channel is in confirm mode: a batch is sent in full, then the
    broker's confirms of all its messages are awaited together (py-amqp's
    `confirm_publish` option would wait for each message before sending the next, one
    round trip per event). `publish` returns only when the broker has taken
    responsibility for every message of the batch, and raises otherwise. The queues
    of `queues` are declared (and bound) first, so no message is published before the
    subscribers' queues exist to receive it.
    """

    def __init__(
        self, connection: Connection, names: BrokerNames, queues: Sequence[Queue] = ()
    ) -> None:
        self._connection = connection
        self._deployment = names.deployment_id
        self._channel = connection.channel()
        self._confirming = connection.transport.driver_type == "amqp"
        self._unconfirmed: set[int] = set()
        self._refused: set[int] = set()
        self._sent = 0
        names.exchange(self._channel).declare()
        names.dead_letters(self._channel).declare()
        names.dead_letter_queue()(self._channel).declare()
        for queue in queues:
            queue(self._channel).declare()
        if self._confirming:
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._channel.confirm_select()
        self._producer = Producer(self._channel, exchange=names.exchange, serializer="json")

    def _settle(self, delivery_tag: int, multiple: bool) -> set[int]:
        settled = (
            {tag for tag in self._unconfirmed if tag <= delivery_tag}
            if multiple
            else {delivery_tag} & self._unconfirmed
        )
        self._unconfirmed -= settled
        return settled

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._refused |= self._settle(delivery_tag, multiple)

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Publish persistently; on RabbitMQ, wait for the broker's confirms of them all."""
        for envelope in envelopes:
            self._producer.publish(
                {**envelope.body(), DEPLOYMENT_FIELD: self._deployment},
                routing_key=envelope.type,
                delivery_mode=2,
                message_id=str(envelope.event_id),
                retry=False,
                timeout=PUBLISH_TIMEOUT_SECONDS,
            )
            self._sent += 1
            if self._confirming:
                self._unconfirmed.add(self._sent)
        deadline = time.monotonic() + PUBLISH_TIMEOUT_SECONDS
        while self._unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConfirmFailed(f"{len(self._unconfirmed)} messages not confirmed in time")
            self._connection.drain_events(timeout=remaining)
        if self._refused:
            refused, self._refused = len(self._refused), set()
            raise ConfirmFailed(f"the broker refused {refused} messages")

    def close(self) -> None:
        self._channel.close()
