"""Prometheus metrics.

Under several gunicorn workers each process keeps its own counters; when
`PROMETHEUS_MULTIPROC_DIR` is set (`taskhub serve` sets it for more than one worker)
the `/metrics` answer aggregates every worker's files, so a scrape sees the service,
not whichever worker happened to answer.

Figures read at scrape time from the database or the broker (the outbox backlog, queue
depths) describe the deployment rather than a process: they are added with
`add_scraped` and rendered as they are read, beside the per-process files.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self._registry = registry or CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "taskhub_http_requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self._registry,
        )
        self.duration = Histogram(
            "taskhub_http_request_duration_seconds",
            "HTTP request duration by method and route template.",
            ["method", "route"],
            registry=self._registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )

        self._scraped: list[Collector] = []

    def add_scraped(self, collector: Collector) -> None:
        """Render `collector` in every answer, read when the answer is made."""
        self._scraped.append(collector)
        self._registry.register(collector)

    @property
    def registry(self) -> CollectorRegistry:
        return self._registry

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            for collector in self._scraped:
                registry.register(collector)
            return generate_latest(registry)
        return generate_latest(self._registry)
