"""Two deployments on one RabbitMQ virtual host: each consumes its own events, all of
them, and none of the other's (API.md §Integrations: none is lost)."""

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
import sqlalchemy as sa
from kombu.connection import Connection
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.platform.database import create_database_engine
from taskhub.platform.messaging.bus import Publisher
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.tables import consumed_events, outbox
from taskhub.platform.migrations import upgrade
from tests.integration.conftest import (
    container_for,
    drop_postgres_database,
    empty_postgres,
    ensure_postgres_database,
    run_scoped_postgres_url,
)
from tests.integration.integrations.delivery_harness import wait_until
from tests.integration.platform.messaging.conftest import found_organizations

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


@pytest.fixture
def other_deployment() -> Iterator[Engine]:
    url = run_scoped_postgres_url("_other_deployment")
    ensure_postgres_database(url)
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()
    drop_postgres_database(url)


def own_and_consumed(engine: Engine) -> tuple[set[str], set[str]]:
    with engine.connect() as connection:
        own = {str(i) for i in connection.execute(sa.select(outbox.c.event_id)).scalars()}
        consumed = {
            str(i)
            for i in connection.execute(
                sa.select(consumed_events.c.event_id).where(
                    consumed_events.c.subscriber == "webhooks"
                )
            ).scalars()
        }
    return own, consumed


def run_worker(container: ApplicationContainer, stop: threading.Event) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=container.relay().run, args=(stop,), daemon=True),
        threading.Thread(target=container.consumer().run, args=(stop,), daemon=True),
    ]
    for thread in threads:
        thread.start()
    return threads


def test_two_deployments_sharing_a_vhost_each_consume_only_and_all_their_own_events(
    migrated_postgres: Engine, other_deployment: Engine, broker_url: str
) -> None:
    empty_postgres(migrated_postgres)
    first = container_for(migrated_postgres, broker_url=broker_url)
    second = container_for(other_deployment, broker_url=broker_url)
    assert first.broker_names().namespace != second.broker_names().namespace
    stop = threading.Event()
    threads = run_worker(first, stop) + run_worker(second, stop)
    try:
        for _round in range(3):
            found_organizations(first, 20)
            found_organizations(second, 20)
        for engine in (migrated_postgres, other_deployment):

            def all_consumed(engine: Engine = engine) -> bool:
                own, consumed = own_and_consumed(engine)
                return consumed == own

            wait_until(all_consumed, 30, "a deployment's own events were all consumed")
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    first_own, first_consumed = own_and_consumed(migrated_postgres)
    second_own, second_consumed = own_and_consumed(other_deployment)
    assert len(first_own) == len(second_own) == 60
    assert first_consumed == first_own
    assert second_consumed == second_own
    assert not first_own & second_own


def test_a_consumer_never_acknowledges_an_event_it_cannot_place(
    migrated_postgres: Engine, broker_url: str
) -> None:
    """Two deployments told to share a namespace: the other's event is requeued, not
    taken; an event of this deployment that its outbox does not hold is dead-lettered."""
    empty_postgres(migrated_postgres)
    namespace = f"shared-{uuid.uuid4().hex[:8]}"
    container = container_for(migrated_postgres, broker_url=broker_url, broker_namespace=namespace)
    names = container.broker_names()
    subscription = container.integrations.subscription()
    foreign = Envelope(
        event_id=uuid.uuid4(),
        type="member.added",
        org_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        ordering_key="k",
        data={},
        position=1,
    )
    stray = attrs.evolve(foreign, event_id=uuid.uuid4())
    with Connection(broker_url) as connection:
        queue = subscription.queue(names)(connection.default_channel)
        Publisher(
            connection, attrs.evolve(names, deployment_id=str(uuid.uuid4())), [queue]
        ).publish([foreign])
        Publisher(connection, names, [queue]).publish([stray])
        stop = threading.Event()
        consumer = threading.Thread(target=container.consumer().run, args=(stop,), daemon=True)
        consumer.start()
        dead = names.dead_letter_queue()(connection.default_channel)
        dead_letters: list[str] = []

        def dead_lettered() -> bool:
            while (message := dead.get(no_ack=True)) is not None:
                dead_letters.append(message.payload["id"])
            return bool(dead_letters)

        wait_until(dead_lettered, 10, "the stray event was dead-lettered")
        stop.set()
        consumer.join(10)
        left = []
        while (message := queue.get(no_ack=True)) is not None:
            left.append(message.payload["id"])
        queue.delete()
        dead.delete()
        names.exchange(connection.default_channel).delete()
        names.dead_letters(connection.default_channel).delete()
    assert left == [str(foreign.event_id)]
    assert dead_letters == [str(stray.event_id)]
