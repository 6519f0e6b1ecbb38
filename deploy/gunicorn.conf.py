"""gunicorn settings for running taskhub without the `taskhub serve` wrapper:

    gunicorn 'taskhub.entrypoints.wsgi:application()' -c deploy/gunicorn.conf.py

The worker model and timeouts are those of `taskhub serve`. Unlike `taskhub serve`, this
neither checks nor migrates the database: run `taskhub migrate` first.

Environment: TASKHUB_BIND (default 0.0.0.0:8000), WEB_CONCURRENCY (worker processes,
default 2), PROMETHEUS_MULTIPROC_DIR (see below), and the application's TASKHUB_*.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("TASKHUB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread, answering gunicorn's own errors (request line or headers too long, malformed
# HTTP) as problem+json and closing the connection after a 413.
worker_class = "taskhub.entrypoints.gunicorn_worker.EdgeWorker"
threads = 4
timeout = 60
graceful_timeout = 20
proc_name = "taskhub"

# The application writes one JSON `request` line per request to stdout; gunicorn's own
# access log would only repeat it.
accesslog = None
errorlog = "-"
loglevel = "warning"

# Every worker counts its own metrics; with PROMETHEUS_MULTIPROC_DIR set, /metrics
# aggregates all of them. It must be set before prometheus_client is first imported,
# so here, in the master, before any worker loads the app. Multiprocess mode is used
# even with one worker so a restarted worker's counters are not lost.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if not _metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="taskhub-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(_server: Any) -> None:
    # Files left by an earlier run would be counted again.
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)
    for stale in Path(_metrics_dir).glob("*.db"):
        stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    # Imported late: at the top of this file it would run before PROMETHEUS_MULTIPROC_DIR
    # is set above.
    from prometheus_client import multiprocess  # noqa: PLC0415

    multiprocess.mark_process_dead(worker.pid)
