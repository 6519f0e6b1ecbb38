"""What operators read about the bus: whether the broker answers, how far behind the
relay is (the outbox's unpublished rows) and how deep the subscribers' queues are.

The backlog figures are read when Prometheus scrapes, from the database and the broker,
by the process that relays and consumes (`taskhub worker`, or `taskhub serve` with the
in-process bus): they describe the deployment, not the process that answers, so they
are not kept per process. A figure that cannot be read (the database or the broker
away) is left out of that scrape and counted in `taskhub_probe_errors_total`.
"""

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa
import structlog
from kombu.connection import Connection
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.names import BrokerNames
from taskhub.platform.messaging.tables import outbox

log = structlog.get_logger("taskhub.probes")

BROKER_CHECK_TIMEOUT_SECONDS = 1.0


def check_broker(url: str, timeout: float = BROKER_CHECK_TIMEOUT_SECONDS) -> None:
    """Raise unless the broker accepts a connection within `timeout` seconds."""
    with Connection(url, connect_timeout=timeout) as connection:
        connection.ensure_connection(max_retries=1, timeout=timeout)


class _Errors:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def note(self, probe: str, exc: Exception) -> None:
        self.counts[probe] = self.counts.get(probe, 0) + 1
        log.warning("metrics_probe_failed", probe=probe, error=type(exc).__name__)

    def family(self) -> CounterMetricFamily:
        family = CounterMetricFamily(
            "taskhub_probe_errors",
            "Scrapes in which a figure could not be read (database or broker away).",
            labels=["probe"],
        )
        for probe, count in sorted(self.counts.items()):
            family.add_metric([probe], count)
        return family


class BacklogCollector(Collector):
    """The outbox's unpublished rows and the subscribers' queue depths, read at scrape."""

    def __init__(
        self,
        engine: Engine,
        broker_url: str,
        names: BrokerNames,
        subscriptions: Sequence[Subscription],
        now: Callable[[], datetime],
    ) -> None:
        self._engine = engine
        self._broker_url = broker_url
        self._names = names
        self._subscriptions = tuple(subscriptions)
        self._now = now
        self._errors = _Errors()

    def describe(self) -> Iterator[Metric]:
        """The names, without reading anything: registering must not query or connect."""
        yield GaugeMetricFamily("taskhub_outbox_unpublished", "")
        yield GaugeMetricFamily("taskhub_outbox_lag_seconds", "")
        yield GaugeMetricFamily("taskhub_queue_messages", "", labels=["queue"])
        yield CounterMetricFamily("taskhub_probe_errors", "", labels=["probe"])

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._outbox()
        except Exception as exc:
            self._errors.note("outbox", exc)
        try:
            yield self._queues()
        except Exception as exc:
            self._errors.note("queues", exc)
        yield self._errors.family()

    def _outbox(self) -> Iterator[Metric]:
        with self._engine.connect() as connection:
            reader = connection.execution_options(read_only=True)
            with reader.begin():
                count, oldest = reader.execute(
                    sa.select(sa.func.count(), sa.func.min(outbox.c.occurred_at)).where(
                        outbox.c.published_at.is_(None)
                    )
                ).one()
        lag = 0.0 if oldest is None else max(0.0, (self._now() - oldest).total_seconds())
        yield GaugeMetricFamily(
            "taskhub_outbox_unpublished",
            "Events committed but not yet confirmed by the broker.",
            value=count,
        )
        yield GaugeMetricFamily(
            "taskhub_outbox_lag_seconds",
            "Age of the oldest event not yet published (0 when none waits).",
            value=lag,
        )

    def _queues(self) -> Metric:
        family = GaugeMetricFamily(
            "taskhub_queue_messages",
            "Messages ready in each subscriber's queue (and the dead letters).",
            labels=["queue"],
        )
        queues = [s.queue(self._names).name for s in self._subscriptions]
        queues.append(self._names.dead_letter_queue().name)
        with Connection(self._broker_url, connect_timeout=BROKER_CHECK_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_CHECK_TIMEOUT_SECONDS)
            for name in queues:
                channel = conn.channel()
                try:
                    # Passive: the count of a queue that exists, never a queue created.
                    _name, messages, _consumers = channel.queue_declare(queue=name, passive=True)
                except conn.channel_errors:
                    continue  # not declared yet: the relay declares it before it publishes
                finally:
                    _close_quietly(channel)
                family.add_metric([name], messages)
        return family


def _close_quietly(channel: object) -> None:
    """A channel the broker closed (a passive declare of a missing queue) is done."""
    try:
        channel.close()  # type: ignore[attr-defined]
    except Exception:
        log.debug("probe_channel_close_failed")
