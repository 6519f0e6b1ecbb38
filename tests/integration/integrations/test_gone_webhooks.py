"""API.md §Integrations: "`410 Gone` disables the webhook at once", through the worker's
dispatcher on the real database: the 410 is the last request the receiver gets."""

import uuid

from sqlalchemy.engine import Engine

from tests.integration.conftest import container_for
from tests.integration.integrations.delivery_harness import (
    RecordingReceiver,
    delivery_statuses,
    subscribed_organization,
)
from tests.integration.integrations.test_events_after_creation import relay_and_fan_out


def test_a_webhook_that_answered_410_gets_nothing_more(engine: Engine) -> None:
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    with RecordingReceiver(answer=lambda _n: 410) as receiver:
        org = subscribed_organization(container, receiver.url, ["task.created"])
        for n in range(5):
            org.create_task(f"task {n}")
        relay_and_fan_out(container)
        dispatcher = container.integrations.dispatcher()
        dispatcher.run_once()
        later = org.create_task("after the 410")
        relay_and_fan_out(container)
        dispatcher.run_once()
        dispatcher.close()

        assert len(receiver.arrivals) == 1
    webhook = container.integrations.webhooks().get(org.actor, org.webhook_id)
    assert webhook.active is False
    assert delivery_statuses(engine, org.webhook_id) == {"failed": 5}
    assert later.id  # committed after the disable: never scheduled for it
