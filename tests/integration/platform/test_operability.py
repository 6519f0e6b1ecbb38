"""Readiness names the broker; /metrics and the worker's port carry the pool, slow
statements, the outbox backlog, queue depths and webhook attempts (ADR 0037)."""

import os
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from falcon import testing
from kombu.connection import Connection
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from taskhub.bootstrap import build_container
from taskhub.entrypoints.worker import MessagingThreads, serve_worker_metrics
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.database_metrics import DatabaseMetrics
from taskhub.platform.messaging.relay import OutboxRelay
from tests.conftest import service_unavailable
from tests.integration.conftest import container_for, settings_for
from tests.integration.world import create_org, register
from tests.log_capture import Stdout

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_readiness_reads_a_broker_that_does_not_answer_as_degraded(engine: Engine) -> None:
    # Nothing listens on port 1: the check must give up quickly, and the web process
    # still serves (events wait in the outbox), so readiness stays 200.
    container = container_for(engine, broker_url="amqp://guest:guest@127.0.0.1:1//")
    client = testing.TestClient(create_app(container))
    started = time.monotonic()
    ready = client.simulate_get("/health/ready")
    assert time.monotonic() - started < 3
    assert ready.status_code == 200, ready.text
    assert ready.json["checks"] == {"database": "ok", "storage": "ok", "broker": "degraded"}


@pytest.mark.rabbitmq
def test_readiness_names_a_broker_that_answers(engine: Engine) -> None:
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    client = testing.TestClient(create_app(container_for(engine, broker_url=BROKER_URL)))
    ready = client.simulate_get("/health/ready")
    assert ready.status_code == 200
    assert ready.json["checks"]["broker"] == "ok"


@pytest.mark.rabbitmq
def test_queue_depths_are_read_from_rabbitmq_and_missing_queues_left_out(
    engine: Engine,
) -> None:
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    container = container_for(
        engine, broker_url=BROKER_URL, broker_namespace=f"depth-{uuid.uuid4().hex[:12]}"
    )
    names = container.broker_names()
    registry = container.metrics().registry
    container.backlog_metrics()
    # Nothing declared yet: no queue to count, and that is no error.
    assert (
        registry.get_sample_value("taskhub_queue_messages", {"queue": names.queue_name("webhooks")})
        is None
    )
    assert not registry.get_sample_value("taskhub_probe_errors_total", {"probe": "queues"})
    with Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        queue = container.integrations.subscription().queue(names)(channel)
        try:
            queue.declare()
            for number in range(3):
                connection.Producer(channel).publish(
                    {"n": number}, routing_key=queue.name, exchange="", retry=False
                )
            assert sample(registry, "taskhub_queue_messages", queue=queue.name) == 3
            assert not registry.get_sample_value("taskhub_probe_errors_total", {"probe": "queues"})
        finally:
            queue.delete()
            names.exchange(channel).delete()


def test_readiness_with_the_in_process_bus_names_no_broker(engine: Engine) -> None:
    client = testing.TestClient(create_app(container_for(engine)))
    assert "broker" not in client.simulate_get("/health/ready").json["checks"]


def test_the_outbox_backlog_and_queue_depths_are_scraped(engine: Engine) -> None:
    container = container_for(engine, broker_url=f"memory://{uuid.uuid4().hex}")
    container.backlog_metrics()
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    create_org(client, owner)
    registry = container.metrics().registry

    # The organization's creation wrote events that nothing has published yet.
    waiting = sample(registry, "taskhub_outbox_unpublished")
    assert waiting >= 1
    assert sample(registry, "taskhub_outbox_lag_seconds") >= 0
    text = client.simulate_get("/metrics").text
    assert f"taskhub_outbox_unpublished {waiting}" in text

    # The in-process bus keeps its queues for the whole test process, and the queue's
    # name is the database's deployment's: earlier tests may have left messages there.
    webhooks_queue = container.broker_names().queue_name("webhooks")
    queued_before = sample(registry, "taskhub_queue_messages", queue=webhooks_queue)
    relay = OutboxRelay(
        engine,
        container.settings().broker_url,
        container.clock(),
        container.broker_names(),
        subscriptions=container.subscriptions(),
    )
    assert relay.wait_until_idle(10)
    relay.close()
    assert sample(registry, "taskhub_outbox_unpublished") == 0
    assert sample(registry, "taskhub_outbox_lag_seconds") == 0
    # Nobody consumes here: every subscriber's queue holds the published events.
    queued = sample(registry, "taskhub_queue_messages", queue=webhooks_queue)
    assert queued - queued_before == waiting
    dead = container.broker_names().dead_letter_queue().name
    assert sample(registry, "taskhub_queue_messages", queue=dead) == 0


def test_a_backlog_that_cannot_be_read_is_left_out_and_counted(engine: Engine) -> None:
    container = container_for(engine, broker_url="amqp://guest:guest@127.0.0.1:1//")
    container.backlog_metrics()
    registry = container.metrics().registry
    assert registry.get_sample_value("taskhub_queue_messages", {"queue": "x"}) is None
    assert sample(registry, "taskhub_probe_errors_total", probe="queues") >= 1
    assert sample(registry, "taskhub_probe_errors_total", probe="outbox") == 0


def test_slow_statements_are_counted_by_name_and_logged(engine: Engine, log_output: Stdout) -> None:
    registry = CollectorRegistry()
    # A fresh engine on the same database: the fixture's is shared by other tests.
    watched = sa.create_engine(engine.url.render_as_string(hide_password=False))
    metrics = DatabaseMetrics(registry, slow_after_seconds=0.0)
    metrics.watch(watched)
    try:
        with watched.connect() as connection:
            connection.execute(sa.text("SELECT count(*) FROM platform_outbox WHERE 1 = 1"))
    finally:
        watched.dispose()
    name = "SELECT platform_outbox"
    assert sample(registry, "taskhub_db_slow_queries_total", statement=name) == 1
    assert sample(registry, "taskhub_db_slow_query_seconds_total", statement=name) > 0
    (line,) = [line for line in log_output.lines() if line["event"] == "slow_query"]
    assert line["statement"] == name
    assert "platform_outbox" in str(line["sql"])
    assert isinstance(line["duration_ms"], float)


def test_statements_under_the_threshold_are_not_counted(engine: Engine) -> None:
    registry = CollectorRegistry()
    watched = sa.create_engine(engine.url.render_as_string(hide_password=False))
    DatabaseMetrics(registry, slow_after_seconds=60.0).watch(watched)
    try:
        with watched.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    finally:
        watched.dispose()
    assert registry.get_sample_value("taskhub_db_slow_queries_total", {"statement": "SELECT"}) in (
        None,
        0.0,
    )


def test_the_pool_reports_its_use_and_counts_checkouts_that_wait(engine: Engine) -> None:
    registry = CollectorRegistry()
    url = engine.url.render_as_string(hide_password=False)
    pooled = sa.create_engine(url, pool_size=1, max_overflow=0, poolclass=sa.pool.QueuePool)
    DatabaseMetrics(registry, slow_after_seconds=60.0).watch(pooled)
    try:
        assert sample(registry, "taskhub_db_pool_size") == 1
        held = pooled.connect()
        assert sample(registry, "taskhub_db_pool_checked_out") == 1
        got_it = threading.Event()

        def second_checkout() -> None:
            with pooled.connect():
                got_it.set()

        waiter = threading.Thread(target=second_checkout)
        waiter.start()
        time.sleep(0.3)
        assert not got_it.is_set()
        held.close()
        waiter.join(10)
        assert got_it.is_set()
        assert sample(registry, "taskhub_db_pool_waits_total") == 1
        assert sample(registry, "taskhub_db_pool_wait_seconds_sum") >= 0.2
        assert sample(registry, "taskhub_db_pool_checked_out") == 0
    finally:
        pooled.dispose()


def test_the_worker_serves_its_metrics_on_its_own_port(engine: Engine) -> None:
    container = container_for(engine, worker_metrics_bind="127.0.0.1:0")
    MessagingThreads(container)  # what `taskhub worker` builds, not started here
    server = serve_worker_metrics(container)
    assert server is not None
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{server.server_port}/metrics", timeout=5
        ) as answer:
            text = answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert "taskhub_outbox_unpublished" in text
    assert 'taskhub_webhook_attempts_total{outcome="success"} 0.0' in text


def test_the_container_engine_is_measured(engine: Engine) -> None:
    container = build_container(settings_for(engine, slow_query_ms=1))
    own = container.engine()
    try:
        with own.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        registry = container.metrics().registry
        assert registry.get_sample_value("taskhub_db_pool_size") == own.pool.size()
        assert registry.get_sample_value("taskhub_db_pool_checked_out") == 0
    finally:
        own.dispose()


def test_a_worker_whose_metrics_address_is_taken_keeps_working(
    engine: Engine, log_output: Stdout
) -> None:
    first = serve_worker_metrics(container_for(engine, worker_metrics_bind="127.0.0.1:0"))
    assert first is not None
    try:
        taken = f"127.0.0.1:{first.server_port}"
        assert serve_worker_metrics(container_for(engine, worker_metrics_bind=taken)) is None
    finally:
        first.shutdown()
        first.server_close()
    assert any(line["event"] == "worker_metrics_unavailable" for line in log_output.lines())


def test_no_metrics_server_when_switched_off(engine: Engine, tmp_path: Path) -> None:
    assert serve_worker_metrics(container_for(engine, worker_metrics_bind="")) is None
