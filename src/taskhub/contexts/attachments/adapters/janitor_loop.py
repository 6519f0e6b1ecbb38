"""The janitor as a background job: in `taskhub worker`, and in the embedded process.

It runs a round when it starts and then hourly (a full batch runs again at once); a
failing round (storage or database away) is logged and retried later, never fatal.
"""

import threading

import structlog

from taskhub.contexts.attachments.application.janitor import BATCH, AttachmentJanitor

log = structlog.get_logger("taskhub.attachments")

INTERVAL_SECONDS = 3600.0
RETRY_SECONDS = 60.0


class JanitorLoop:
    def __init__(self, janitor: AttachmentJanitor) -> None:
        self._janitor = janitor

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                removed = self._janitor.run_once()
            except Exception as exc:
                log.warning("attachment_janitor_failed", error=type(exc).__name__)
                stop.wait(RETRY_SECONDS)
                continue
            if removed:
                log.info("attachment_janitor_removed", count=removed)
            if removed < BATCH:
                stop.wait(INTERVAL_SECONDS)
