"""The outbox: written with the change or not at all; relayed, consumed once."""

import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.tenancy.application.organizations import ChangeOrganization
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.consumer import EventConsumer
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.outbox import OutboxWriter
from taskhub.platform.messaging.relay import RETENTION, OutboxRelay
from taskhub.platform.messaging.tables import consumed_events, outbox
from taskhub.shared_kernel.clock import SystemClock
from taskhub.shared_kernel.events import DomainEvent, IntegrationEvent
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.conftest import names_of
from tests.integration.platform.messaging.conftest import found_organizations


def outbox_rows(engine: Engine) -> list[sa.Row]:  # type: ignore[type-arg]
    with engine.connect() as connection:
        return list(connection.execute(sa.select(outbox).order_by(outbox.c.position)))


def test_a_change_and_its_event_commit_together(
    container: ApplicationContainer, engine: Engine
) -> None:
    (org_id,) = found_organizations(container, 1)
    (row,) = outbox_rows(engine)
    assert row.event_type == "member.added"
    assert row.org_id == org_id
    assert row.payload["role"] == "owner"
    assert row.published_at is None


def test_a_change_that_fails_leaves_no_event(
    container: ApplicationContainer, engine: Engine
) -> None:
    organizations = container.tenancy.organizations()
    founder = uuid.uuid4()
    organizations.found(founder, name="One", slug="taken-slug")
    before = len(outbox_rows(engine))
    with pytest.raises(Exception, match="slug"):
        organizations.found(founder, name="Two", slug="taken-slug")
    assert len(outbox_rows(engine)) == before


def test_changes_without_integration_events_write_no_outbox_rows(
    container: ApplicationContainer, engine: Engine
) -> None:
    (org_id,) = found_organizations(container, 1)
    actor = Actor(Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4()), org_id, Role.OWNER)
    container.tenancy.organizations().change(actor, ChangeOrganization(name="Renamed"))
    assert [r.event_type for r in outbox_rows(engine)] == ["member.added"]


def memory_url() -> str:
    # A virtual host of its own per test: kombu's in-memory broker is process-wide.
    return f"memory://{uuid.uuid4().hex}"


def test_the_relay_publishes_in_commit_order_and_marks_rows(
    container: ApplicationContainer, engine: Engine
) -> None:
    url = memory_url()
    received: list[Envelope] = []
    subscription = Subscription(
        "recorder", ("member.added",), lambda events, _connection: received.extend(events)
    )
    consumer = EventConsumer(engine, url, [subscription], SystemClock(), names_of(engine))
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop, ready), daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        org_ids = found_organizations(container, 5)
        relay = OutboxRelay(engine, url, SystemClock(), names_of(engine))
        assert relay.relay_once() == 5
        assert relay.relay_once() == 0
        deadline = threading.Event()
        for _ in range(50):
            if len(received) == 5:
                break
            deadline.wait(0.1)
    finally:
        stop.set()
        thread.join(5)
    assert [e.org_id for e in received] == org_ids
    assert [e.position for e in received] == sorted(e.position for e in received)
    assert all(row.published_at is not None for row in outbox_rows(engine))


def test_a_subscriber_sees_each_event_once_even_when_it_arrives_twice(
    engine: Engine,
) -> None:
    calls: list[uuid.UUID] = []
    subscription = Subscription(
        "once", ("*",), lambda events, _connection: calls.extend(e.event_id for e in events)
    )
    consumer = EventConsumer(engine, memory_url(), [subscription], SystemClock(), names_of(engine))
    body = Envelope(
        event_id=uuid.uuid4(),
        type="member.added",
        org_id=uuid.uuid4(),
        occurred_at=SystemClock().now(),
        ordering_key="k",
        data={},
        position=1,
    ).body()
    assert consumer.handle(subscription, body) is True
    assert consumer.handle(subscription, body) is True
    assert len(calls) == 1


def test_a_failing_handler_leaves_the_event_for_redelivery(engine: Engine) -> None:
    attempts: list[int] = []

    def flaky(_events: Sequence[Envelope], _connection: sa.Connection) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("receiver down")

    subscription = Subscription("flaky", ("*",), flaky)
    consumer = EventConsumer(engine, memory_url(), [subscription], SystemClock(), names_of(engine))
    body = Envelope(
        event_id=uuid.uuid4(),
        type="member.added",
        org_id=uuid.uuid4(),
        occurred_at=SystemClock().now(),
        ordering_key="k",
        data={},
        position=1,
    ).body()
    assert consumer.handle(subscription, body) is False
    assert consumer.handle(subscription, body) is True
    assert consumer.handle(subscription, body) is True
    assert len(attempts) == 2


def test_malformed_messages_are_dropped_not_retried_forever(engine: Engine) -> None:
    subscription = Subscription("strict", ("*",), lambda _events, _connection: None)
    consumer = EventConsumer(engine, memory_url(), [subscription], SystemClock(), names_of(engine))
    assert consumer.handle(subscription, {"nonsense": True}) is True


def test_old_published_events_and_consumption_records_are_pruned(
    container: ApplicationContainer, engine: Engine
) -> None:
    found_organizations(container, 3)
    url = memory_url()
    relay = OutboxRelay(engine, url, SystemClock(), names_of(engine))
    assert relay.relay_once() == 3
    found_organizations(container, 1)  # committed, not yet published: never pruned
    long_ago = SystemClock().now() - RETENTION - timedelta(hours=1)
    with engine.begin() as connection:
        first = (
            connection.execute(sa.select(outbox.c.position).order_by(outbox.c.position))
            .scalars()
            .first()
        )
        connection.execute(
            outbox.update().where(outbox.c.position == first).values(published_at=long_ago)
        )
        connection.execute(
            consumed_events.insert().values(
                subscriber="old", event_id=uuid.uuid4(), consumed_at=long_ago
            )
        )
        connection.execute(
            consumed_events.insert().values(
                subscriber="recent", event_id=uuid.uuid4(), consumed_at=SystemClock().now()
            )
        )
    assert relay.prune() == 1
    rows = outbox_rows(engine)
    assert len(rows) == 3
    assert sum(row.published_at is None for row in rows) == 1
    with engine.connect() as connection:
        subscribers = set(connection.execute(sa.select(consumed_events.c.subscriber)).scalars())
    assert subscribers == {"recent"}


def test_a_consumption_record_outlives_the_retention_while_its_event_is_in_the_outbox(
    container: ApplicationContainer, engine: Engine
) -> None:
    """Republished after a relay crash, an event's `published_at` can be younger than its
    consumption record: pruning the record alone would make the event look unconsumed."""
    found_organizations(container, 2)
    relay = OutboxRelay(engine, memory_url(), SystemClock(), names_of(engine))
    assert relay.relay_once() == 2
    row, _newest = outbox_rows(engine)
    long_ago = SystemClock().now() - RETENTION - timedelta(hours=1)
    with engine.begin() as connection:
        connection.execute(
            consumed_events.insert().values(
                subscriber="webhooks", event_id=row.event_id, consumed_at=long_ago
            )
        )

    def records() -> int:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count(consumed_events.c.event_id))
                ).scalar_one()
            )

    assert relay.prune() == 0
    assert records() == 1
    with engine.begin() as connection:
        connection.execute(outbox.update().values(published_at=long_ago))
    assert relay.prune() == 1
    assert records() == 0


def test_the_newest_event_is_never_pruned_so_positions_only_grow(
    container: ApplicationContainer, engine: Engine
) -> None:
    found_organizations(container, 2)
    relay = OutboxRelay(engine, memory_url(), SystemClock(), names_of(engine))
    assert relay.relay_once() == 2
    long_ago = SystemClock().now() - RETENTION - timedelta(hours=1)
    with engine.begin() as connection:
        connection.execute(outbox.update().values(published_at=long_ago))
    newest = max(row.position for row in outbox_rows(engine))
    assert relay.prune() == 1
    assert [row.position for row in outbox_rows(engine)] == [newest]
    found_organizations(container, 1)
    assert max(row.position for row in outbox_rows(engine)) > newest


@attrs.frozen(kw_only=True)
class _Published(DomainEvent):
    """An event published under a key of its own, whatever its entity."""

    org_id: uuid.UUID
    ordering_key: str

    def integration_event(self) -> IntegrationEvent:
        return IntegrationEvent(
            event_id=self.event_id,
            type="task.updated",
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=self.ordering_key,
            data={"n": self.ordering_key},
        )


def _published(org_id: uuid.UUID, ordering_key: str) -> _Published:
    return _Published(
        event_id=uuid.uuid4(),
        occurred_at=SystemClock().now(),
        org_id=org_id,
        ordering_key=ordering_key,
    )


def test_many_events_are_written_in_their_order(engine: Engine) -> None:
    org_id = uuid.uuid4()
    events = [_published(org_id, f"k{i % 7}") for i in range(120)]
    with engine.begin() as connection:
        OutboxWriter().write(connection, events)
    rows = outbox_rows(engine)
    assert [row.event_id for row in rows] == [e.event_id for e in events]
    assert [(row.ordering_key, row.payload) for row in rows] == [
        (e.ordering_key, {"n": e.ordering_key}) for e in events
    ]


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_is_refused_not_cut(postgres_engine: Engine) -> None:
    # PostgreSQL only: SQLite does not enforce lengths.
    engine = postgres_engine
    org_id = uuid.uuid4()
    events = [_published(org_id, "k"), _published(org_id, "x" * 65)]
    with pytest.raises(sa.exc.DataError), engine.begin() as connection:
        OutboxWriter().write(connection, events)
    assert outbox_rows(engine) == []
