"""The outbox relay and the event consumers, as threads of this process.

`taskhub worker` runs them in the foreground against RabbitMQ until SIGTERM/SIGINT.
With the embedded `memory://` bus there is no separate broker process to meet at, so
every `taskhub serve` worker runs them in the background instead.
"""

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import structlog
from prometheus_client import start_http_server

from taskhub.bootstrap import ApplicationContainer
from taskhub.platform.observability_settings import split_bind
from taskhub.platform.tracing import untraced

log = structlog.get_logger("taskhub.worker")


class MessagingThreads:
    def __init__(self, container: ApplicationContainer) -> None:
        self._relay = container.relay()
        self._consumer = container.consumer()
        self._has_subscribers = bool(container.subscriptions())
        self._jobs = container.background_jobs()
        # The outbox backlog and queue depths are this process's to report: it relays.
        container.backlog_metrics()
        self._stop = threading.Event()
        self.consumer_ready = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads = [
            threading.Thread(
                target=_untraced(self._relay.run),
                args=(self._stop,),
                name="outbox-relay",
                daemon=True,
            )
        ]
        if self._has_subscribers:
            self._threads.append(
                threading.Thread(
                    target=_untraced(self._consumer.run),
                    args=(self._stop, self.consumer_ready),
                    name="event-consumer",
                    daemon=True,
                )
            )
        else:
            self.consumer_ready.set()
        for index, job in enumerate(self._jobs):
            self._threads.append(
                threading.Thread(
                    target=_untraced(job.run),
                    args=(self._stop,),
                    name=f"job-{index}",
                    daemon=True,
                )
            )
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def wait(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(1.0)


def _untraced(loop: Callable[..., None]) -> Callable[..., None]:
    """`loop` with its idle polls left out of the traces (`tracing.untraced`)."""

    def run(*args: Any) -> None:
        with untraced():
            loop(*args)

    return run


def serve_worker_metrics(container: ApplicationContainer) -> Any | None:
    """The worker's metrics on TASKHUB_WORKER_METRICS_BIND (any path answers), for
    Prometheus and for the worker's probes; None when switched off or the address is
    taken (logged: the worker's job matters more than its figures)."""
    address = split_bind(container.settings().worker_metrics_bind)
    if address is None:
        return None
    host, port = address
    try:
        server, _thread = start_http_server(port, addr=host, registry=container.metrics().registry)
    except OSError as exc:
        log.error("worker_metrics_unavailable", address=f"{host}:{port}", error=str(exc))
        return None
    log.info("worker_metrics_serving", address=f"{host}:{server.server_port}")
    return server


def run_worker(container: ApplicationContainer) -> None:
    """Relay and consume until asked to stop; a second signal is not needed to exit."""
    threads = MessagingThreads(container)
    metrics_server = serve_worker_metrics(container)

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker_stopping", signal=signal.Signals(signum).name)
        threads.stop(timeout=0)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    threads.start()
    log.info("worker_started", subscribers=len(container.subscriptions()))
    threads.wait()
    threads.stop()
    if metrics_server is not None:
        metrics_server.shutdown()
    log.info("worker_stopped")
