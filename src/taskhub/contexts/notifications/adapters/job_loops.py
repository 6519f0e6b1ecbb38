"""The scheduled jobs as background loops: in `taskhub worker`, and in the embedded process.

Each runs a round when it starts and then every interval; a failing round (the database
away) is logged and tried again later, never fatal.
"""

import threading
from collections.abc import Callable

import structlog

log = structlog.get_logger("taskhub.notifications")

DUE_SOON_INTERVAL_SECONDS = 60.0
EMAIL_INTERVAL_SECONDS = 15.0


class PeriodicLoop:
    def __init__(self, name: str, round_: Callable[[], int], interval: float) -> None:
        self._name = name
        self._round = round_
        self._interval = interval

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                done = self._round()
            except Exception as exc:
                log.warning("notifications_job_failed", job=self._name, error=type(exc).__name__)
            else:
                if done:
                    log.info("notifications_job_done", job=self._name, count=done)
            stop.wait(self._interval)
