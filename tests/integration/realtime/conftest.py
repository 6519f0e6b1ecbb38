"""Deployments to stream from: the embedded default (one `taskhub serve` on SQLite with
the in-process bus) and a production shape (two `taskhub serve` processes on two ports
sharing PostgreSQL, RabbitMQ and Redis, plus `taskhub worker` relaying the outbox).

Both are started once per module and flavour; tests make their own accounts and
organizations, so they do not meet.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from kombu.connection import Connection

from tests.conftest import service_unavailable
from tests.integration.conftest import (
    POSTGRES_URL,
    REDIS_URL,
    drop_postgres_database,
    ensure_postgres_database,
    run_scoped_postgres_url,
)
from tests.integration.platform.test_server_process import Server

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
HEARTBEAT_SECONDS = 1
# Every test registers and signs in several accounts from one address.
COMMON = {
    "TASKHUB_STREAM_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
    "TASKHUB_RATE_LIMIT_AUTH": "10000/minute",
}

pytestmark = pytest.mark.process


@attrs.define
class Deployment:
    """`a` and `b` serve the same deployment (the same process when embedded)."""

    a: Server
    b: Server
    database_url: str
    flavour: str
    others: list[Server] = attrs.field(factory=list)

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.database_url)

    def stop(self) -> None:
        for server in {id(s): s for s in [self.a, self.b, *self.others]}.values():
            server.stop()


class Worker(Server):
    """`taskhub worker`: relays the outbox to RabbitMQ; it has no port to wait for."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "taskhub.entrypoints.cli", "worker"]

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.environ(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _embedded(directory: Path) -> Deployment:
    server = Server(directory, dict(COMMON))
    server.start()
    return Deployment(
        a=server,
        b=server,
        database_url=f"sqlite:///{directory / 'taskhub.db'}",
        flavour="embedded",
    )


def _check_services() -> None:
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)


def _production(directory: Path, database_url: str) -> Deployment:
    environment = {
        "TASKHUB_DATABASE_URL": database_url,
        "TASKHUB_BROKER_URL": BROKER_URL,
        "TASKHUB_BROKER_NAMESPACE": f"taskhub-test-rt-{uuid.uuid4().hex[:8]}",
        "TASKHUB_REDIS_URL": REDIS_URL,
        "TASKHUB_SECRET_KEY": "realtime-test-secret-" + "x" * 32,
        "TASKHUB_STORAGE_URL": (directory / "files").as_uri(),
        **COMMON,
    }
    migrate = Worker(directory, environment)
    subprocess.run(
        [sys.executable, "-m", "taskhub.entrypoints.cli", "migrate"],
        cwd=directory,
        env=migrate.environ(),
        check=True,
        capture_output=True,
    )
    a, b = Server(directory, environment), Server(directory, environment)
    worker = Worker(directory, environment)
    worker.start()
    a.start()
    b.start()
    return Deployment(a=a, b=b, database_url=database_url, flavour="production", others=[worker])


@pytest.fixture(
    scope="module",
    params=["embedded", pytest.param("production", marks=pytest.mark.postgres)],
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    directory = tmp_path_factory.mktemp(f"realtime-{request.param}")
    if request.param == "embedded":
        deployed = _embedded(directory)
        yield deployed
        deployed.stop()
        return
    _check_services()
    database_url = run_scoped_postgres_url(f"_rt_{uuid.uuid4().hex[:6]}")
    try:
        ensure_postgres_database(database_url)
    except sa.exc.OperationalError as exc:
        service_unavailable("PostgreSQL", exc.orig)
    assert POSTGRES_URL
    deployed = _production(directory, database_url)
    yield deployed
    deployed.stop()
    drop_postgres_database(database_url)
