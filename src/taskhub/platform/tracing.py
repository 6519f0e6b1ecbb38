"""OpenTelemetry traces: off by default, one exporter chosen by configuration.

Only the OpenTelemetry API is a dependency of the default install; with no tracer
provider installed every span here is a no-op that costs a function call, and no trace
context is written anywhere. `TASKHUB_OTEL_EXPORTER=console|otlp` installs the SDK (the
`otel` extra), the maintained Falcon and SQLAlchemy instrumentations and the exporter;
the OTLP endpoint and headers come from the standard `OTEL_EXPORTER_OTLP_*` variables,
the service name from `OTEL_SERVICE_NAME` when set.

A trace crosses the outbox as a W3C `traceparent` string: written beside the event in
the request's transaction (`current_traceparent`), read back by the consumers and by the
webhook dispatcher (`span_from`), so one trace runs from the HTTP request through the
worker to the partner's receiver (ADR 0037).
"""

import importlib.util
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY
from opentelemetry.trace import Link, Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT = "traceparent"
# The longest traceparent of version 00 is 55 characters; a later version may add fields.
TRACEPARENT_MAX = 128

# `_SUPPRESS_INSTRUMENTATION_KEY` is the flag every instrumentation reads before it makes
# a span (the SDK keeps its own exports untraced with it); only its name is private.
_propagator = TraceContextTextMapPropagator()
# A proxy: it follows whichever provider is installed, also one installed after import.
_tracer = trace.get_tracer("taskhub")
# A process installs one provider: the first configuration holds (OpenTelemetry
# refuses to replace it anyway), so each gunicorn worker may ask again safely.
_installed: list[Any] = []


class TracingUnavailable(Exception):
    """An exporter was asked for but the OpenTelemetry SDK is not installed."""


def current_traceparent() -> str | None:
    """The W3C traceparent of the span now current, or None when nothing is traced."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    value = carrier.get(TRACEPARENT)
    return value if value and len(value) <= TRACEPARENT_MAX else None


def _remote(traceparent: str | None) -> trace.SpanContext | None:
    if not traceparent:
        return None
    context = _propagator.extract({TRACEPARENT: traceparent})
    span_context = trace.get_current_span(context).get_span_context()
    return span_context if span_context.is_valid else None


@contextmanager
def span_from(
    name: str,
    traceparents: Sequence[str | None],
    *,
    kind: SpanKind = SpanKind.CONSUMER,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[Span]:
    """A span continuing the trace of the first valid `traceparents`, linked to the others.

    A consumer handles a batch of events that may come from many requests: the batch's
    span is a child of the first one's trace and carries a link to each of the others,
    so every request's trace leads to the work done for it.
    """
    contexts = [c for c in (_remote(t) for t in traceparents) if c is not None]
    parent = trace.set_span_in_context(trace.NonRecordingSpan(contexts[0])) if contexts else None
    seen = {contexts[0].span_id} if contexts else set()
    links = []
    for span_context in contexts[1:]:
        if span_context.span_id not in seen:
            seen.add(span_context.span_id)
            links.append(Link(span_context))
    # What runs in a span started here is deliberate work: its statements are traced
    # even inside a loop that is otherwise `untraced`.
    token = otel_context.attach(otel_context.set_value(_SUPPRESS_INSTRUMENTATION_KEY, False))
    try:
        with _tracer.start_as_current_span(
            name, context=parent, kind=kind, links=links, attributes=dict(attributes or {})
        ) as span:
            yield span
    finally:
        otel_context.detach(token)


@contextmanager
def untraced() -> Iterator[None]:
    """Statements run inside make no spans of their own (the instrumentations skip them).

    The worker's loops poll: the relay ten times a second, the dispatcher and the jobs
    on their intervals. Traced, each idle poll would be a trace of its own; the work
    they find is traced by the spans they start with `span_from`.
    """
    token = otel_context.attach(otel_context.set_value(_SUPPRESS_INSTRUMENTATION_KEY, True))
    try:
        yield
    finally:
        otel_context.detach(token)


def install(provider: Any) -> None:
    """Make `provider` (an SDK `TracerProvider`) the process's, and instrument Falcon and
    SQLAlchemy. Call it before the Falcon app and the engines are built: the Falcon
    instrumentation replaces `falcon.App`, the SQLAlchemy one hooks `create_engine`."""
    from opentelemetry.instrumentation.falcon import FalconInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    if _installed:
        return
    _installed.append(provider)
    trace.set_tracer_provider(provider)
    falcon_instrumentor = FalconInstrumentor()
    if not falcon_instrumentor.is_instrumented_by_opentelemetry:
        # Probes and scrapes are not worth a trace each. The instrumentation reads its
        # exclusions from this variable only; an operator's own value wins.
        os.environ.setdefault(
            "OTEL_PYTHON_FALCON_EXCLUDED_URLS", "/health/live$,/health/ready$,/metrics$"
        )
        falcon_instrumentor.instrument()
    _accept_numeric_statuses()
    sqlalchemy_instrumentor = SQLAlchemyInstrumentor()
    if not sqlalchemy_instrumentor.is_instrumented_by_opentelemetry:
        # It declares SQLAlchemy < 2.1 and would refuse 2.1, whose engine events it
        # uses unchanged; tests/integration/platform/test_tracing.py checks its spans.
        sqlalchemy_instrumentor.instrument(enable_commenter=False, skip_dep_check=True)


_NEEDED: dict[str, tuple[str, ...]] = {
    "console": (
        "opentelemetry.sdk",
        "opentelemetry.instrumentation.falcon",
        "opentelemetry.instrumentation.sqlalchemy",
    ),
}
_NEEDED["otlp"] = (*_NEEDED["console"], "opentelemetry.exporter.otlp.proto.http")


def require_sdk(exporter: str) -> None:
    """Raise TracingUnavailable when `exporter` needs packages that are not installed:
    what a command checks before it starts, rather than in each of its workers."""
    for module in _NEEDED.get(exporter, ()):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise TracingUnavailable(
                f"TASKHUB_OTEL_EXPORTER={exporter} needs {module}: pip install 'taskhub[otel]'"
            )


def _accept_numeric_statuses() -> None:
    """The Falcon instrumentation hands `resp.status` to the WSGI one, which splits it as
    a status line ("201 Created"); Falcon also takes a number, as taskhub sets it, and
    the split would fail after every response. Numbers are turned into lines first."""
    import falcon
    from opentelemetry.instrumentation import wsgi as otel_wsgi

    original = otel_wsgi.add_response_attributes
    if getattr(original, "taskhub_numeric_statuses", False):
        return

    def add_response_attributes(span: Span, status: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(status, int):
            status = falcon.code_to_http_status(status)
        return original(span, status, *args, **kwargs)

    add_response_attributes.taskhub_numeric_statuses = True  # type: ignore[attr-defined]
    otel_wsgi.add_response_attributes = add_response_attributes  # type: ignore[assignment]


def configure_tracing(exporter: str, *, service_name: str) -> None:
    """Install the SDK with `exporter` (`none`, `console` or `otlp`); "none" installs nothing."""
    if exporter == "none" or _installed:
        return
    require_sdk(exporter)
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    # Attributes given here would win over the environment's: OTEL_SERVICE_NAME first.
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)
