"""Running the dispatcher until stopped, woken early when deliveries are scheduled."""

import threading

import structlog

from taskhub.contexts.integrations.application.dispatcher import Dispatcher
from taskhub.platform.messaging.relay import OutboxSignal

log = structlog.get_logger("taskhub.webhooks")

POLL_SECONDS = 1.0


class DispatcherLoop:
    def __init__(self, dispatcher: Dispatcher, signal: OutboxSignal) -> None:
        self._dispatcher = dispatcher
        self._signal = signal

    def run(self, stop: threading.Event) -> None:
        try:
            self._run(stop)
        finally:
            self._dispatcher.close()

    def _run(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                attempted = self._dispatcher.run_once()
            except Exception as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("dispatcher_failed", error=type(exc).__name__, retry_in=delay)
                stop.wait(delay)
                continue
            failures = 0
            if not attempted:
                self._signal.wait(POLL_SECONDS)
