"""Every webhook attempt counted by outcome and traced as a client span.

A decorator of the `WebhookSender` port, so the dispatcher stays free of Prometheus and
OpenTelemetry: the attempt's span continues the trace named by the `traceparent` the
dispatcher passes (the change's), and the request carries the attempt's own span
instead, so the partner's receiver sees the very request in the trace. With tracing
off, the change's `traceparent` goes out as it came.
"""

from collections.abc import Mapping, Sequence

from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import CollectorRegistry, Counter, Histogram

from taskhub.contexts.integrations.application.ports import AttemptResult, WebhookSender
from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.delivery import Verdict, verdict
from taskhub.contexts.integrations.domain.target import Target
from taskhub.platform.tracing import TRACEPARENT, current_traceparent, span_from

_OUTCOMES = {Verdict.SUCCESS: "success", Verdict.GONE: "gone", Verdict.RETRY: "refused"}


def outcome(result: AttemptResult) -> str:
    """`success` (2xx), `gone` (410), `refused` (any other answer), `unreachable` (none)."""
    if result.status is None:
        return "unreachable"
    return _OUTCOMES[verdict(result.status)]


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.attempts = Counter(
            "taskhub_webhook_attempts_total",
            "Webhook delivery attempts by outcome: success, gone, refused, unreachable.",
            ["outcome"],
            registry=registry,
        )
        self.duration = Histogram(
            "taskhub_webhook_attempt_duration_seconds",
            "Webhook delivery attempts, connect to last byte read.",
            registry=registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
        )
        # Every outcome from zero, so a rate over the first attempts is not lost.
        for name in (*_OUTCOMES.values(), "unreachable"):
            self.attempts.labels(name)


class ObservedSender:
    def __init__(self, sender: WebhookSender, metrics: DeliveryMetrics) -> None:
        self._sender = sender
        self._metrics = metrics

    def send(
        self,
        target: Target,
        addresses: Sequence[Address],
        headers: Mapping[str, str],
        body: bytes,
    ) -> AttemptResult:
        with span_from(
            "webhook POST",
            [headers.get(TRACEPARENT)],
            kind=SpanKind.CLIENT,
            attributes={
                "http.request.method": "POST",
                "server.address": target.host,
                "server.port": target.port,
                "url.scheme": target.scheme,
            },
        ) as span:
            own = current_traceparent()
            sent = {**headers, TRACEPARENT: own} if own else headers
            result = self._sender.send(target, addresses, sent, body)
            if result.status is not None:
                span.set_attribute("http.response.status_code", result.status)
            if not 200 <= (result.status or 0) < 300:
                span.set_status(Status(StatusCode.ERROR, result.error or None))
        self._metrics.attempts.labels(outcome(result)).inc()
        self._metrics.duration.observe(result.duration_ms / 1000)
        return result
