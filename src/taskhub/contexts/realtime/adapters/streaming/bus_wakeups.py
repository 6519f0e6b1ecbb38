"""The bus tells the hub which organizations have new events.

Each serving process declares its own exclusive, auto-delete queue bound to the
deployment's events exchange (every routing key), so every process hears every event;
the queue goes with the process. A message only wakes the hub for its organization:
the events themselves are read from the database, in position order, so a message
lost, duplicated or out of order costs nothing but a read. After a reconnect every
organization is woken, since messages may have passed while no queue existed. With the
in-process `memory://` bus the same code binds an in-process queue; but each process of
`taskhub serve --workers N` then has a bus and a relay of its own and hears only what its
own relay published, so every organization with open streams is also read once a
second there (one query per organization, not per connection).
"""

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from kombu.entity import Queue
from kombu.message import Message

from taskhub.platform.messaging.bus import connect
from taskhub.platform.messaging.names import BrokerNames

log = structlog.get_logger("taskhub.realtime")

MAX_BACKOFF_SECONDS = 10.0
# With the in-process bus: how often every organization with open streams is read anyway.
IN_PROCESS_SWEEP_SECONDS = 1.0


class BusWakeups:
    def __init__(self, broker_url: str, names: Callable[[], BrokerNames]) -> None:
        self._broker_url = broker_url
        self._sweep = IN_PROCESS_SWEEP_SECONDS if broker_url.startswith("memory://") else None
        # Resolved when the listener starts: they are read from the database.
        self._names = names

    def _queue(self, names: BrokerNames) -> Queue:
        name = names.queue_name(
            f"realtime.{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        )
        return Queue(
            name,
            exchange=names.exchange,
            routing_key="#",
            durable=False,
            exclusive=True,
            auto_delete=True,
        )

    def run(
        self,
        wake: Callable[[uuid.UUID], None],
        reconnected: Callable[[], None],
        stop: threading.Event,
        ready: threading.Event | None = None,
    ) -> None:
        """Wake organizations until `stop` is set, reconnecting while the broker is away."""

        def on_message(body: Any, _message: Message) -> None:
            try:
                wake(uuid.UUID(str(body["org_id"])))
            except (KeyError, TypeError, ValueError):
                log.debug("realtime_message_without_org")

        failures = 0
        while not stop.is_set():
            try:
                names = self._names()
                with connect(self._broker_url) as connection:
                    connection.ensure_connection(max_retries=1)
                    with connection.Consumer(
                        self._queue(names), callbacks=[on_message], accept=["json"], no_ack=True
                    ):
                        reconnected()
                        if ready is not None:
                            ready.set()
                        failures = 0
                        next_sweep = time.monotonic() + (self._sweep or 0)
                        while not stop.is_set():
                            with contextlib.suppress(TimeoutError):
                                connection.drain_events(timeout=self._sweep or 1.0)
                            if self._sweep is not None and time.monotonic() >= next_sweep:
                                next_sweep = time.monotonic() + self._sweep
                                reconnected()
            except Exception as exc:
                failures += 1
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** min(failures, 5))
                log.warning("realtime_bus_failed", error=type(exc).__name__, retry_in=delay)
                stop.wait(delay)
