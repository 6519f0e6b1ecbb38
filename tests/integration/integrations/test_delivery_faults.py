"""Webhook delivery under faults: a receiver that fails, a worker SIGKILLed mid-stream
(twice), RabbitMQ cut off (through a proxy of its own), and changes committed all the while.

The promise under test is at least once: every committed event reaches the receiver,
signed, with a `webhook-id` that is the same on every attempt; duplicates are allowed
(and counted), losses are not.
"""

import itertools
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from taskhub.entrypoints.worker import MessagingThreads
from taskhub.shared_kernel.pagination import PageRequest
from tests.integration.conftest import container_for, empty_postgres
from tests.integration.integrations.delivery_harness import (
    PacedCommitter,
    RecordingReceiver,
    WorkerProcess,
    delivery_statuses,
    private_vhost,
    published_event_ids,
    rabbitmqctl_available,
    signature_is_valid,
    subscribed_organization,
    unpublished_events,
    wait_until,
)
from tests.integration.platform.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq, pytest.mark.process]

SHORT_SCHEDULE = (1, 1, 1)


@pytest.fixture
def engine(migrated_postgres: Engine) -> Engine:
    """PostgreSQL only: the worker process and the test share the database."""
    empty_postgres(migrated_postgres)
    return migrated_postgres


def test_a_receiver_that_fails_twice_gets_the_same_webhook_id_each_time(engine: Engine) -> None:
    container = container_for(
        engine,
        webhook_allow_private=True,
        webhook_retry_schedule=SHORT_SCHEDULE,
        broker_url=f"memory://{uuid.uuid4().hex}",
    )
    threads = MessagingThreads(container)  # what `taskhub serve` runs with the in-process bus
    with RecordingReceiver(answer=lambda n: 500 if n <= 2 else 200) as receiver:
        org = subscribed_organization(container, receiver.url, ["task.created"])
        threads.start()
        try:
            assert threads.consumer_ready.wait(10)
            task = org.create_task("Flaky receiver")
            wait_until(
                lambda: delivery_statuses(engine, org.webhook_id) == {"succeeded": 1},
                30,
                "the delivery did not succeed on its third attempt",
            )
        finally:
            threads.stop()
        arrivals = receiver.arrivals

    (event_id,) = published_event_ids(engine, "task.created")
    assert [a.status for a in arrivals] == [500, 500, 200]
    assert {a.webhook_id for a in arrivals} == {event_id}
    assert {a.entity_id for a in arrivals} == {str(task.id)}
    assert all(signature_is_valid(org.secret, a.headers, a.body) for a in arrivals)
    # Each attempt is signed when it is made, after the scheduled wait (1 s, -10% jitter).
    stamps = [int(a.headers["webhook-timestamp"]) for a in arrivals]
    assert stamps == sorted(stamps)
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(arrivals)]
    assert all(gap >= 0.85 for gap in gaps), gaps
    (delivery,) = (
        container.integrations.delivery_log().page(org.actor, org.webhook_id, PageRequest()).items
    )
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 3, 200)
    assert str(delivery.event_id) == event_id


TOTAL = 2_000
COMMIT_RATE = 60.0  # at most, per second: commits keep coming through all three faults
PROGRESS = 50  # deliveries a (re)started worker must make before the next fault
DELIVERED_WITHIN = 180.0


@pytest.mark.skipif(not rabbitmqctl_available(), reason="needs rabbitmqctl")
def test_no_delivery_is_lost_through_worker_kills_and_a_broker_restart(
    engine: Engine, tmp_path: Path
) -> None:
    started = time.monotonic()
    faults: list[str] = []
    with (
        private_vhost() as direct_url,
        CuttableProxy.to_url(direct_url) as proxy,
        RecordingReceiver() as receiver,
    ):
        # Through a proxy, so that the broker goes away for this test alone.
        broker_url = proxy.url(direct_url)
        container = container_for(engine, webhook_allow_private=True, broker_url=broker_url)
        org = subscribed_organization(container, receiver.url, ["task.created"])
        worker = WorkerProcess(
            engine.url.render_as_string(hide_password=False),
            broker_url,
            tmp_path,
            TASKHUB_WEBHOOK_RETRY_SCHEDULE=",".join(map(str, SHORT_SCHEDULE)),
        )
        committer = PacedCommitter(lambda i: org.create_task(f"Load {i}"), TOTAL, COMMIT_RATE)

        def note(what: str) -> None:
            faults.append(
                f"{time.monotonic() - started:6.1f}s {what}: committed {committer.committed},"
                f" acknowledged {receiver.acknowledged()},"
                f" unpublished {unpublished_events(engine)},"
                f" deliveries {delivery_statuses(engine, org.webhook_id)}"
            )

        def progress_then(committed: int, what: str) -> None:
            """Wait for the worker to deliver and for the commits to get this far."""
            baseline = receiver.acknowledged()
            wait_until(
                lambda: (
                    receiver.acknowledged() >= baseline + PROGRESS
                    and committer.committed >= committed
                ),
                60,
                f"no progress before {what}; worker log:\n{worker.log_tail()}",
            )
            note(what)

        try:
            worker.start()
            committer.allow(500)
            committer.start()

            progress_then(250, "SIGKILL 1")
            worker.kill()
            worker.start()
            committer.allow(1_000)

            progress_then(750, "SIGKILL 2")
            worker.kill()
            worker.start()
            committer.allow(1_500)

            progress_then(1_250, "broker stop")
            stopped_at = committer.committed
            with proxy.down():
                # The web side keeps committing while the broker is away; the outbox holds
                # on to every event committed meanwhile, since nothing can be published.
                committer.allow(1_750)
                wait_until(
                    lambda: (
                        committer.committed >= stopped_at + 100
                        and unpublished_events(engine) >= 100
                    ),
                    60,
                    "nothing was committed while the broker was down",
                )
                note("broker start")

            committer.finish(120)
            note("all committed")
            elapsed = wait_until(
                lambda: delivery_statuses(engine, org.webhook_id) == {"succeeded": TOTAL},
                DELIVERED_WITHIN,
                f"not every delivery succeeded: {delivery_statuses(engine, org.webhook_id)};"
                f" worker log:\n{worker.log_tail()}",
            )
            note(f"all delivered ({elapsed:.1f}s after the last commit)")
        finally:
            committer.abandon()
            worker.stop()
        arrivals = receiver.arrivals

    task_ids = {str(task.id) for task in committer.tasks}
    event_ids = published_event_ids(engine, "task.created")
    assert len(task_ids) == len(event_ids) == TOTAL
    received_tasks = {a.entity_id for a in arrivals if a.status == 200}
    received_ids = {a.webhook_id for a in arrivals if a.status == 200}
    assert task_ids - received_tasks == set(), f"lost {len(task_ids - received_tasks)} tasks"
    assert event_ids == received_ids
    # A webhook-id always stands for the same event, however often it is sent.
    entity_of: dict[str, str] = {}
    for arrival in arrivals:
        assert entity_of.setdefault(arrival.webhook_id, arrival.entity_id) == arrival.entity_id
    assert all(signature_is_valid(org.secret, a.headers, a.body) for a in arrivals)
    duplicates = len(arrivals) - len(received_ids)
    print(
        f"\n{TOTAL} events, {len(arrivals)} requests, {duplicates} duplicates,"
        f" {time.monotonic() - started:.0f}s in all, {worker.starts} worker starts",
        *faults,
        sep="\n  ",
    )
