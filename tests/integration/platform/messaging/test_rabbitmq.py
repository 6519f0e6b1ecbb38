"""The outbox on RabbitMQ: confirmed publishing, competing relays, SIGKILL, broker restart.

Each test binds a queue of its own to the deployment's `<namespace>.events` and counts
the distinct event ids that arrive there. Duplicates are allowed (at-least-once); losses are not.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from kombu.connection import Connection
from kombu.entity import Queue, binding
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.relay import OutboxRelay
from taskhub.platform.messaging.tables import outbox
from taskhub.shared_kernel.clock import SystemClock
from tests.integration.conftest import TEST_SECRET, empty_postgres, names_of
from tests.integration.platform.messaging.conftest import found_organizations
from tests.integration.platform.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


@pytest.fixture
def engine(migrated_postgres: Engine) -> Engine:
    """Competing relays and worker processes are a PostgreSQL matter (SKIP LOCKED)."""
    empty_postgres(migrated_postgres)
    return migrated_postgres


@pytest.fixture
def postgres_engine(engine: Engine) -> Engine:
    return engine


@pytest.fixture
def tap(broker: Connection, broker_url: str, postgres_engine: Engine) -> Iterator[Queue]:
    """A queue of this test's own, bound to every event type."""
    queue = Queue(
        f"test.tap.{uuid.uuid4().hex}",
        bindings=[binding(names_of(postgres_engine).exchange, routing_key="#")],
        durable=True,
        auto_delete=False,
    )
    bound = queue(broker.default_channel)
    bound.declare()
    yield bound
    with Connection(broker_url) as connection:  # the test may have restarted the broker
        queue(connection.default_channel).delete()


def drain(queue: Queue) -> list[str]:
    ids = []
    while (message := queue.get(no_ack=True)) is not None:
        ids.append(message.properties.get("message_id") or message.payload["id"])
    return ids


def unpublished(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).where(outbox.c.published_at.is_(None))
            ).scalar_one()
        )


def all_event_ids(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {str(i) for i in connection.execute(sa.select(outbox.c.event_id)).scalars()}


def test_published_events_arrive_persistently_with_their_ids(
    container: ApplicationContainer, postgres_engine: Engine, broker_url: str, tap: Queue
) -> None:
    found_organizations(container, 10)
    relay = OutboxRelay(postgres_engine, broker_url, SystemClock(), names_of(postgres_engine))
    assert relay.wait_until_idle(30)
    message = tap.get(no_ack=True)
    assert message is not None
    assert message.delivery_info["routing_key"] == "member.added"
    assert message.properties["delivery_mode"] == 2
    assert message.payload["type"] == "member.added"
    rest = drain(tap)
    assert {message.properties["message_id"], *rest} == all_event_ids(postgres_engine)
    assert unpublished(postgres_engine) == 0


def test_competing_relays_share_the_work_without_duplicates(
    container: ApplicationContainer, postgres_engine: Engine, broker_url: str, tap: Queue
) -> None:
    found_organizations(container, 300)
    relays = [
        OutboxRelay(
            postgres_engine, broker_url, SystemClock(), names_of(postgres_engine), batch_size=20
        )
        for _ in range(3)
    ]
    threads = [threading.Thread(target=r.wait_until_idle, args=(60,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = drain(tap)
    assert sorted(ids) == sorted(all_event_ids(postgres_engine))
    assert len(ids) == 300


def start_worker(engine: Engine, broker_url: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    env.update(
        TASKHUB_DATABASE_URL=engine.url.render_as_string(hide_password=False),
        TASKHUB_BROKER_URL=broker_url,
        TASKHUB_SECRET_KEY=TEST_SECRET,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "taskhub.entrypoints.cli", "worker"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(condition: object, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(message)


def test_no_event_is_lost_when_the_relay_is_killed_mid_stream(
    container: ApplicationContainer,
    postgres_engine: Engine,
    broker_url: str,
    tap: Queue,
    tmp_path: Path,
) -> None:
    total = 600
    worker = start_worker(postgres_engine, broker_url, tmp_path)
    committer = threading.Thread(target=found_organizations, args=(container, total))
    try:
        committer.start()
        # Kill the relay once it is visibly working while the commits are still coming.
        wait_until(
            lambda: len(all_event_ids(postgres_engine)) - unpublished(postgres_engine) >= 50,
            60,
            "the relay never started publishing",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        committer.join()
        killed_with_pending = unpublished(postgres_engine)
        worker = start_worker(postgres_engine, broker_url, tmp_path)
        wait_until(
            lambda: unpublished(postgres_engine) == 0, 90, "the restarted relay did not catch up"
        )
    finally:
        committer.join()
        worker.kill()
        worker.wait(10)
    ids = drain(tap)
    distinct = set(ids)
    assert len(all_event_ids(postgres_engine)) == total
    assert distinct == all_event_ids(postgres_engine), f"lost {total - len(distinct)} events"
    assert killed_with_pending > 0, "the kill came too late to prove anything"
    print(f"\n{total} events, {len(ids) - len(distinct)} duplicates after SIGKILL")


def test_no_event_is_lost_across_a_broker_outage(
    container: ApplicationContainer, postgres_engine: Engine, broker_url: str, tap: Queue
) -> None:
    """The broker goes away for this relay only (a proxy cut), never for the machine."""
    with CuttableProxy.to_url(broker_url) as proxy:
        relay = OutboxRelay(
            postgres_engine,
            proxy.url(broker_url),
            SystemClock(),
            names_of(postgres_engine),
            poll_seconds=0.2,
        )
        stop = threading.Event()
        thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
        thread.start()
        try:
            found_organizations(container, 50)
            wait_until(lambda: unpublished(postgres_engine) == 0, 30, "first half not relayed")
            with proxy.down():
                found_organizations(container, 50)  # the web side keeps committing
                time.sleep(1)
                assert unpublished(postgres_engine) == 50
            wait_until(
                lambda: unpublished(postgres_engine) == 0,
                90,
                "relay did not resume",
            )
        finally:
            stop.set()
            thread.join(10)
    with Connection(broker_url) as connection:
        queue = tap(connection.default_channel)
        ids = drain(queue)
    assert set(ids) == all_event_ids(postgres_engine)
    assert len(all_event_ids(postgres_engine)) == 100


def test_events_published_before_any_consumer_ran_wait_in_the_subscribers_queue(
    container: ApplicationContainer, postgres_engine: Engine, broker_url: str
) -> None:
    subscription = Subscription(f"test-early-{uuid.uuid4().hex}", ("member.added",), _ignore)
    found_organizations(container, 30)
    relay = OutboxRelay(
        postgres_engine,
        broker_url,
        SystemClock(),
        names_of(postgres_engine),
        subscriptions=[subscription],
        batch_size=7,
    )
    try:
        assert relay.wait_until_idle(30)
        with Connection(broker_url) as connection:
            queue = subscription.queue(names_of(postgres_engine))(connection.default_channel)
            ids = drain(queue)
            queue.delete()
    finally:
        relay.close()
    assert sorted(ids) == sorted(all_event_ids(postgres_engine))


def _ignore(_events: Sequence[Envelope], _connection: sa.Connection) -> None:
    return None
