"""One trace from the request that creates a task, through the outbox and the worker's
consumer, to the webhook request's `traceparent` at a real receiver (ADR 0037).

The SDK's in-memory exporter collects the spans; the Falcon and SQLAlchemy
instrumentations are the maintained ones `TASKHUB_OTEL_EXPORTER` installs.
"""

import os
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from falcon import testing
from kombu.connection import Connection
from opentelemetry.instrumentation.falcon import FalconInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.worker import MessagingThreads
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform import tracing
from taskhub.platform.database import create_database_engine
from taskhub.platform.messaging.relay import OutboxRelay
from taskhub.platform.messaging.tables import outbox
from tests.conftest import service_unavailable
from tests.integration.conftest import container_for
from tests.integration.integrations.receiver import running_receiver
from tests.integration.world import API, create_org, register


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    yield exporter
    # The provider stays (a process has one); nothing is instrumented or kept after.
    FalconInstrumentor().uninstrument()
    SQLAlchemyInstrumentor().uninstrument()
    exporter.shutdown()


def _hex(trace_id: int) -> str:
    return f"{trace_id:032x}"


def _traces_of(span: ReadableSpan) -> set[str]:
    """The trace a span is in and the traces it links to."""
    return {_hex(span.context.trace_id)} | {_hex(link.context.trace_id) for link in span.links}


def _only(found: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(found) == 1, f"{what}: {[s.name for s in found]}"
    return found[0]


def test_a_task_created_over_http_is_traced_to_the_webhook_request(
    spans: InMemorySpanExporter, engine: Engine
) -> None:
    # An engine built after the instrumentation is installed, as a traced process has.
    traced_engine = create_database_engine(engine.url.render_as_string(hide_password=False))
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    container.engine.override(providers.Object(traced_engine))
    try:
        client = testing.TestClient(create_app(container))
        owner = register(client, "owner")
        org = create_org(client, owner)
        with running_receiver() as receiver:
            created = client.simulate_post(
                f"{API}/orgs/{org['id']}/webhooks",
                json={"url": receiver.url, "events": ["task.created"]},
                headers=owner.auth,
            )
            assert created.status_code == 201, created.text
            project = client.simulate_post(
                f"{API}/orgs/{org['id']}/projects",
                json={"name": "P", "key": "PRJ"},
                headers=owner.auth,
            ).json
            # Everything the organization's setup published, out of the way first.
            _relay_and_consume(container, traced_engine)
            assert container.integrations.dispatcher().run_once() == 0
            spans.clear()

            task = client.simulate_post(
                f"{API}/orgs/{org['id']}/tasks",
                json={"project_id": project["id"], "title": "Ship it"},
                headers=owner.auth,
            )
            assert task.status_code == 201, task.text
            request_span = _only(
                [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER],
                "server spans",
            )
            trace_id = _hex(request_span.context.trace_id)
            sql_spans = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CLIENT]
            assert sql_spans, "the statements of the request are traced"
            assert {_hex(s.context.trace_id) for s in sql_spans} == {trace_id}

            with traced_engine.connect() as connection:
                written = connection.execute(
                    sa.select(outbox.c.event_type, outbox.c.traceparent).where(
                        outbox.c.org_id == uuid.UUID(org["id"]),
                        outbox.c.event_type == "task.created",
                    )
                ).one()
            assert written.traceparent.split("-")[1] == trace_id

            _relay_and_consume(container, traced_engine)
            publish_span = _only(
                [
                    s
                    for s in spans.get_finished_spans()
                    if s.name == "outbox publish" and _hex(s.context.trace_id) == trace_id
                ],
                "the relay's publish span in the request's trace",
            )
            assert publish_span.kind is SpanKind.PRODUCER
            consumer_span = _only(
                [
                    s
                    for s in spans.get_finished_spans()
                    if s.name == "webhooks process" and _hex(s.context.trace_id) == trace_id
                ],
                "the fan-out's consumer span in the request's trace",
            )
            assert consumer_span.kind is SpanKind.CONSUMER

            assert container.integrations.dispatcher().run_once() == 1
            assert receiver.arrived.wait(5)

        (received,) = receiver.requests
        version, sent_trace, parent_span, flags = received.headers["traceparent"].split("-")
        assert (version, sent_trace) == ("00", trace_id)
        assert int(flags, 16) & 1, "sampled"
        attempt = _only(
            [s for s in spans.get_finished_spans() if s.name == "webhook POST"], "attempt spans"
        )
        # The receiver sees the attempt's own span as the parent of whatever it traces.
        assert parent_span == f"{attempt.context.span_id:016x}"
        assert _hex(attempt.context.trace_id) == trace_id
        assert attempt.attributes is not None
        assert attempt.attributes["http.response.status_code"] == 200
        registry = container.metrics().registry
        assert (
            registry.get_sample_value("taskhub_webhook_attempts_total", {"outcome": "success"}) == 1
        )
    finally:
        container.engine.reset_override()
        traced_engine.dispose()


def _relay_and_consume(container: object, engine: Engine) -> None:
    """What the worker does: publish the outbox, hand each message to the fan-out."""
    relay = OutboxRelay(
        engine,
        container.settings().broker_url,  # type: ignore[attr-defined]
        container.clock(),  # type: ignore[attr-defined]
        container.broker_names(),  # type: ignore[attr-defined]
    )
    consumer = container.consumer()  # type: ignore[attr-defined]
    subscription = container.integrations.subscription()  # type: ignore[attr-defined]
    with Connection(container.settings().broker_url) as connection:  # type: ignore[attr-defined]
        queue = subscription.queue(container.broker_names())(  # type: ignore[attr-defined]
            connection.default_channel
        )
        queue.declare()
        assert relay.wait_until_idle(10)
        while (message := queue.get(no_ack=True)) is not None:
            consumer.handle(subscription, message.payload)
    relay.close()


def test_probes_and_scrapes_are_not_traced(spans: InMemorySpanExporter, engine: Engine) -> None:
    client = testing.TestClient(create_app(container_for(engine)))
    spans.clear()
    for path in ("/health/live", "/health/ready", "/metrics"):
        assert client.simulate_get(path).status_code == 200
    assert [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER] == []
    assert client.simulate_get("/openapi.json").status_code == 200
    assert [s.name for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER] == [
        "GET /openapi.json"
    ]


def test_the_worker_loops_idle_untraced_and_trace_the_work_they_find(
    spans: InMemorySpanExporter, engine: Engine
) -> None:
    traced_engine = create_database_engine(engine.url.render_as_string(hide_password=False))
    container = container_for(engine, broker_url=f"memory://{uuid.uuid4().hex}")
    container.engine.override(providers.Object(traced_engine))
    threads = MessagingThreads(container)
    try:
        client = testing.TestClient(create_app(container))
        owner = register(client, "owner")
        threads.start()
        assert threads.consumer_ready.wait(10)
        time.sleep(1.0)  # the relay polls ten times a second, the jobs start their rounds
        spans.clear()
        time.sleep(1.0)
        assert spans.get_finished_spans() == (), "idle polls make no spans"

        org = create_org(client, owner)
        (request_span,) = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
        trace_id = request_span.context.trace_id
        deadline = time.monotonic() + 10
        consumed: list[ReadableSpan] = []
        while not consumed and time.monotonic() < deadline:
            time.sleep(0.05)
            consumed = [
                s
                for s in spans.get_finished_spans()
                if s.kind is SpanKind.CONSUMER and s.context.trace_id == trace_id
            ]
        assert consumed, f"no consumer span for the organization's events ({org['id']})"
        inside = {s.context.span_id for s in consumed}
        statements = [
            s
            for s in spans.get_finished_spans()
            if s.kind is SpanKind.CLIENT and s.parent is not None and s.parent.span_id in inside
        ]
        assert statements, "the consumer's statements are traced inside its span"
    finally:
        threads.stop()
        container.engine.reset_override()
        traced_engine.dispose()


def test_nothing_is_written_when_no_span_is_current(spans: InMemorySpanExporter) -> None:
    assert tracing.current_traceparent() is None
    with tracing.span_from("work", [None, "not a traceparent"]) as span:
        assert span.get_span_context().is_valid
        assert tracing.current_traceparent() is not None


def test_a_batch_span_continues_the_first_trace_and_links_the_others(
    spans: InMemorySpanExporter,
) -> None:
    first = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    second = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    spans.clear()
    with tracing.span_from("batch", [first, second, first]):
        pass
    (batch,) = [s for s in spans.get_finished_spans() if s.name == "batch"]
    assert _hex(batch.context.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert batch.parent is not None
    assert [_hex(link.context.trace_id) for link in batch.links] == [
        "0af7651916cd43dd8448eb211c80319c"
    ]


BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.mark.rabbitmq
def test_the_trace_crosses_rabbitmq_into_the_worker_threads(
    spans: InMemorySpanExporter, engine: Engine
) -> None:
    """The same path with what `taskhub worker` runs: relay, consumer and dispatcher
    threads against RabbitMQ, in a namespace of this test's own."""
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    traced_engine = create_database_engine(engine.url.render_as_string(hide_password=False))
    container = container_for(
        engine,
        webhook_allow_private=True,
        broker_url=BROKER_URL,
        broker_namespace=f"trace-{uuid.uuid4().hex[:12]}",
    )
    container.engine.override(providers.Object(traced_engine))
    threads = MessagingThreads(container)
    try:
        client = testing.TestClient(create_app(container))
        owner = register(client, "owner")
        org = create_org(client, owner)
        with running_receiver() as receiver:
            created = client.simulate_post(
                f"{API}/orgs/{org['id']}/webhooks",
                json={"url": receiver.url, "events": ["task.created"]},
                headers=owner.auth,
            )
            assert created.status_code == 201, created.text
            project = client.simulate_post(
                f"{API}/orgs/{org['id']}/projects",
                json={"name": "P", "key": "PRJ"},
                headers=owner.auth,
            ).json
            threads.start()
            assert threads.consumer_ready.wait(10)
            spans.clear()
            task = client.simulate_post(
                f"{API}/orgs/{org['id']}/tasks",
                json={"project_id": project["id"], "title": "Ship it"},
                headers=owner.auth,
            )
            assert task.status_code == 201, task.text
            (request_span,) = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
            trace_id = _hex(request_span.context.trace_id)
            assert receiver.arrived.wait(20), "the webhook never arrived"
        (received,) = receiver.requests
        assert received.headers["traceparent"].split("-")[1] == trace_id
        # The consumer's span ends after its batch commits, and the commit wakes the
        # dispatcher: the webhook can arrive before the span is finished. The batch may
        # also hold the project's events, read first: its span then continues that trace
        # and links this one.
        deadline = time.monotonic() + 10
        consumed: list[ReadableSpan] = []
        while not consumed and time.monotonic() < deadline:
            consumed = [
                s
                for s in spans.get_finished_spans()
                if s.name == "webhooks process" and trace_id in _traces_of(s)
            ]
            if not consumed:
                time.sleep(0.05)
        assert consumed, "the fan-out's consumer span is in the request's trace or links it"
        # The backlog read from RabbitMQ itself: everything consumed, nothing dead.
        registry = container.metrics().registry
        names = container.broker_names()
        queue = names.queue_name("webhooks")
        assert registry.get_sample_value("taskhub_queue_messages", {"queue": queue}) == 0
        assert not registry.get_sample_value("taskhub_probe_errors_total", {"probe": "queues"})
    finally:
        threads.stop()
        _delete_namespace(container)
        container.engine.reset_override()
        traced_engine.dispose()


def _delete_namespace(container: ApplicationContainer) -> None:
    names = container.broker_names()
    with Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        for subscription in container.subscriptions():
            channel.queue_delete(names.queue_name(subscription.name))
        channel.queue_delete(names.dead_letter_queue().name)
        channel.exchange_delete(names.exchange.name)
        channel.exchange_delete(names.dead_letters.name)
