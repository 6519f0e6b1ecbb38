"""`taskhub worker` as a process: its metrics port answers while it runs, with traces
on, and it still stops cleanly on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from kombu.connection import Connection
from sqlalchemy.engine import Engine

from tests.conftest import service_unavailable
from tests.integration.conftest import TEST_SECRET

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")

pytestmark = [pytest.mark.process, pytest.mark.rabbitmq, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _scrape(port: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
                return str(answer.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_worker_serves_its_metrics_and_stops_on_sigterm(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    port = _free_port()
    namespace = f"worker-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKHUB_", "OTEL_"))}
    env.update(
        TASKHUB_DATABASE_URL=postgres_engine.url.render_as_string(hide_password=False),
        TASKHUB_BROKER_URL=BROKER_URL,
        TASKHUB_BROKER_NAMESPACE=namespace,
        TASKHUB_SECRET_KEY=TEST_SECRET,
        TASKHUB_WORKER_METRICS_BIND=f"127.0.0.1:{port}",
        TASKHUB_OTEL_EXPORTER="console",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "taskhub.entrypoints.cli", "worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wanted = (
            "taskhub_outbox_unpublished",
            "taskhub_outbox_lag_seconds",
            # The queues exist once the consumer has declared them, a moment after start.
            f'taskhub_queue_messages{{queue="{namespace}.webhooks"}}',
            "taskhub_db_pool_size",
            'taskhub_webhook_attempts_total{outcome="success"}',
        )
        deadline = time.monotonic() + 60
        text = _scrape(port, timeout=60)
        while any(name not in text for name in wanted) and time.monotonic() < deadline:
            time.sleep(0.2)
            text = _scrape(port, timeout=5)
        assert [name for name in wanted if name not in text] == []
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        _delete_namespace(namespace)
    assert worker.stderr is not None
    assert "Traceback" not in worker.stderr.read()


def _delete_namespace(namespace: str) -> None:
    with Connection(BROKER_URL) as connection:
        channel = connection.default_channel
        for queue in ("webhooks", "notifications", "dead-letters"):
            channel.queue_delete(f"{namespace}.{queue}")
        for exchange in ("events", "dead-letters"):
            channel.exchange_delete(f"{namespace}.{exchange}")
