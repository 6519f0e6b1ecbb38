"""The container these tests drive, with room for the sign-ups an organization of four
needs, and `deliver`: what the event consumer does, run in the test's own thread."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.notifications.adapters.messaging.subscriptions import SUBSCRIBER
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    return container_for(engine, rate_limit_auth=RateLimit(1000, 60))


def deliver(container: ApplicationContainer) -> None:
    """Hand every event in the outbox to the notifications subscription, in order, as
    the consumer would (it skips the ones already consumed)."""
    [subscription] = [s for s in container.subscriptions() if s.name == SUBSCRIBER]
    with container.engine().connect() as connection:
        rows = connection.execute(sa.select(outbox).order_by(outbox.c.position)).all()
    bodies = [
        Envelope(
            event_id=row.event_id,
            type=row.event_type,
            org_id=row.org_id,
            occurred_at=row.occurred_at,
            ordering_key=row.ordering_key,
            data=row.payload,
            position=row.position,
            actor_id=row.actor_id,
        ).body()
        for row in rows
    ]
    assert container.consumer().handle_batch(subscription, bodies)
