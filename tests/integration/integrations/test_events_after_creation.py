"""API.md §Integrations: "A webhook receives the events that happen after it was created
(or re-enabled), never earlier ones", whenever the relay and the fan-out reach them.

The boundary is the order in which events commit, not the clock: an event committed
before the webhook but published after it was created is not the webhook's.
"""

import uuid

import sqlalchemy as sa
from kombu.connection import Connection
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.integrations.adapters.sql.tables import deliveries
from taskhub.contexts.integrations.application.webhooks import ChangeWebhook
from taskhub.platform.messaging.relay import OutboxRelay
from tests.integration.conftest import container_for
from tests.integration.integrations.delivery_harness import subscribed_organization


def relay_and_fan_out(container: ApplicationContainer) -> None:
    """What a worker does with committed events, up to the deliveries (nothing is sent)."""
    url = container.settings().broker_url
    subscription = container.integrations.subscription()
    names = container.broker_names()
    relay = OutboxRelay(
        container.engine(), url, container.clock(), names, subscriptions=[subscription]
    )
    consumer = container.consumer()
    with Connection(url) as connection:
        queue = subscription.queue(names)(connection.default_channel)
        queue.declare()
        assert relay.wait_until_idle(10)
        while (message := queue.get(no_ack=True)) is not None:
            assert consumer.handle(subscription, message.payload)
    relay.close()


def delivered_entities(engine: Engine, webhook_id: uuid.UUID) -> set[str]:
    with engine.connect() as connection:
        payloads = connection.execute(
            sa.select(deliveries.c.payload).where(deliveries.c.webhook_id == webhook_id)
        ).scalars()
        return {str(payload["data"]["id"]) for payload in payloads}


def test_an_event_committed_before_the_webhook_is_not_delivered_to_it(engine: Engine) -> None:
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    first = subscribed_organization(container, "http://127.0.0.1:9/first", ["task.created"])
    before = first.create_task("committed before the second webhook")
    # Created after that commit, before the relay has published it.
    second = container.integrations.webhooks().create(
        first.actor, url="http://127.0.0.1:9/second", events=["task.created"], description=""
    )
    after = first.create_task("committed after it")
    relay_and_fan_out(container)

    assert delivered_entities(engine, first.webhook_id) == {str(before.id), str(after.id)}
    assert delivered_entities(engine, second.id) == {str(after.id)}


def test_a_re_enabled_webhook_gets_nothing_from_while_it_was_disabled(engine: Engine) -> None:
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    org = subscribed_organization(container, "http://127.0.0.1:9/hook", ["task.created"])
    webhooks = container.integrations.webhooks()
    early = org.create_task("while enabled")
    webhooks.change(org.actor, org.webhook_id, ChangeWebhook(active=False))
    paused = org.create_task("while disabled")
    webhooks.change(org.actor, org.webhook_id, ChangeWebhook(active=True))
    late = org.create_task("after re-enabling")
    relay_and_fan_out(container)

    received = delivered_entities(engine, org.webhook_id)
    assert str(paused.id) not in received
    assert str(late.id) in received
    # The event from before the pause was committed while the webhook was enabled, but
    # reached the fan-out only after the pause began: it is not sent either.
    assert str(early.id) not in received
