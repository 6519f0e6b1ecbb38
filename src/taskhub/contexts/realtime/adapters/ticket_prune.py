"""Expired tickets are deleted once a minute, beside the relay (in `taskhub worker`, or
in the embedded process); a failing round is logged and tried again."""

import threading

import structlog

from taskhub.contexts.realtime.application.tickets import TicketDesk

log = structlog.get_logger("taskhub.realtime")

PRUNE_INTERVAL_SECONDS = 60.0


class TicketPruneLoop:
    def __init__(self, tickets: TicketDesk, interval: float = PRUNE_INTERVAL_SECONDS) -> None:
        self._tickets = tickets
        self._interval = interval

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self._tickets.prune()
            except Exception as exc:
                log.warning("realtime_ticket_prune_failed", error=type(exc).__name__)
            stop.wait(self._interval)
