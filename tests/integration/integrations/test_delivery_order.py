"""Per-entity order with competing relays and consumers, on PostgreSQL and RabbitMQ.

Two relays publish side by side (each claims its own rows, so a later event can reach
the queue first), two consumers take from the webhooks queue side by side, and both
fail now and then, so events are requeued and come back after later ones of the same
entity were already fanned out. The receiver must still see each task's events in
the order they were committed.
"""

import random
import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.delivery_repository import FAN_OUT_SUBSCRIBER
from taskhub.contexts.integrations.adapters.sql.unit_of_work import SqlIntegrationsUnitOfWork
from taskhub.contexts.integrations.domain.delivery import DeliveryStatus
from taskhub.contexts.work.application.task_commands import ChangeTask
from taskhub.platform.messaging.consumer import EventConsumer
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.relay import OutboxRelay
from taskhub.platform.messaging.tables import outbox
from taskhub.shared_kernel.clock import SystemClock
from tests.contracts.integrations import LEASE, NOW, new_webhook
from tests.integration.conftest import WEBHOOK_BOX, container_for, empty_postgres, names_of
from tests.integration.integrations.delivery_harness import (
    RecordingReceiver,
    private_vhost,
    rabbitmqctl_available,
    subscribed_organization,
    wait_until,
)

TASKS = 4
CHANGES = 30  # per task, after its creation
FAILURE_RATE = 0.1  # of the consumers' handler calls


@pytest.mark.postgres
@pytest.mark.rabbitmq
@pytest.mark.skipif(not rabbitmqctl_available(), reason="needs rabbitmqctl")
def test_each_task_reaches_the_webhook_in_commit_order_despite_competing_flaky_consumers(
    migrated_postgres: Engine, tmp_path: Path
) -> None:
    engine = migrated_postgres
    empty_postgres(engine)
    with private_vhost() as broker_url, RecordingReceiver() as receiver:
        container = container_for(engine, webhook_allow_private=True, broker_url=broker_url)
        org = subscribed_organization(container, receiver.url, ["task.created", "task.updated"])
        fan_out = container.integrations.subscription()
        chance = random.Random(6)

        def flaky(envelopes: Sequence[Envelope], connection: sa.Connection) -> None:
            if chance.random() < FAILURE_RATE:
                raise RuntimeError("the consumer stumbles")
            fan_out.handle(envelopes, connection)

        subscription = attrs.evolve(fan_out, handle=flaky)
        clock = SystemClock()
        relays = [
            OutboxRelay(
                engine,
                broker_url,
                clock,
                names_of(engine),
                subscriptions=[subscription],
                batch_size=5,
            )
            for _ in range(2)
        ]
        consumers = [
            EventConsumer(engine, broker_url, [subscription], clock, names_of(engine), prefetch=8)
            for _ in range(2)
        ]
        stop = threading.Event()
        ready = [threading.Event() for _ in consumers]
        threads = [
            threading.Thread(target=c.run, args=(stop, r), daemon=True)
            for c, r in zip(consumers, ready, strict=True)
        ]
        threads += [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in relays]
        threads.append(
            threading.Thread(
                target=container.integrations.dispatcher_loop().run, args=(stop,), daemon=True
            )
        )
        for thread in threads:
            thread.start()
        try:
            assert all(r.wait(10) for r in ready)
            tasks = [org.create_task(f"Task {i}") for i in range(TASKS)]
            service = container.work.tasks()

            def keep_changing(task_id: uuid.UUID) -> None:
                for change in range(CHANGES):
                    service.change(org.actor, task_id, ChangeTask(title=f"Change {change}"))

            committers = [threading.Thread(target=keep_changing, args=(task.id,)) for task in tasks]
            for committer in committers:
                committer.start()
            for committer in committers:
                committer.join(120)
            total = TASKS * (1 + CHANGES)
            wait_until(lambda: receiver.acknowledged() >= total, 120, "not every event arrived")
        finally:
            stop.set()
            for thread in threads:
                thread.join(10)
        arrivals = receiver.arrivals

    first_seen: dict[str, tuple[str, int]] = {}
    for arrival in arrivals:
        if arrival.status == 200 and arrival.webhook_id not in first_seen:
            data = arrival.payload["data"]
            assert isinstance(data, dict)
            first_seen[arrival.webhook_id] = (arrival.entity_id, int(data["version"]))
    versions: dict[str, list[int]] = {}
    for entity_id, version in first_seen.values():
        versions.setdefault(entity_id, []).append(version)
    expected = list(range(1, CHANGES + 2))
    assert versions == {str(task.id): expected for task in tasks}


def test_a_delivery_waits_for_the_earlier_events_of_its_entity_to_be_fanned_out(
    engine: Engine,
) -> None:
    """The claim's rule on its own: an event fanned out before an earlier one of the same
    entity is held back until that one has been consumed, then goes second."""
    container = container_for(engine, webhook_allow_private=True)
    org_id = uuid.uuid4()
    webhook = new_webhook(org_id, url="http://127.0.0.1:9/hook", events=("*",))
    with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX) as uow:
        uow.webhooks.add(webhook)
        uow.commit()
    envelopes = []
    with engine.begin() as connection:
        for n in range(2):
            event_id = uuid.uuid4()
            position = connection.execute(
                outbox.insert()
                .values(
                    event_id=event_id,
                    event_type="task.updated",
                    org_id=org_id,
                    ordering_key="task-1",
                    occurred_at=NOW,
                    payload={"n": n},
                )
                .returning(outbox.c.position)
            ).scalar_one()
            envelopes.append(
                Envelope(
                    event_id=event_id,
                    type="task.updated",
                    org_id=org_id,
                    occurred_at=NOW,
                    ordering_key="task-1",
                    data={"n": n},
                    position=position,
                )
            )
    consumer = EventConsumer(engine, "memory://unused", [], SystemClock(), names_of(engine))
    subscription = container.integrations.subscription()
    assert subscription.name == FAN_OUT_SUBSCRIBER
    later_at = SystemClock().now() + timedelta(seconds=5)

    def claim() -> list[int]:
        with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX) as uow:
            claimed = uow.deliveries.claim_due(later_at, later_at + LEASE, 10)
            for delivery in claimed:
                delivery.status = DeliveryStatus.SUCCEEDED
            uow.deliveries.update_all(claimed)
            uow.commit()
        return [d.payload["data"]["n"] for d in claimed]

    assert consumer.handle(subscription, envelopes[1].body())
    assert claim() == []  # the first event is still on its way
    assert consumer.handle(subscription, envelopes[0].body())
    assert claim() == [0]
    assert claim() == [1]
