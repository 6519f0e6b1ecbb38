"""The embedded default: with `memory://`, each server process relays and consumes itself."""

import threading
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.entrypoints.worker import MessagingThreads
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.envelope import Envelope
from tests.integration.conftest import container_for
from tests.integration.world import create_org, register


def test_a_commit_reaches_a_subscriber_through_the_in_process_bus(engine: Engine) -> None:
    container = container_for(engine, broker_url=f"memory://{uuid.uuid4().hex}")
    received: list[Envelope] = []
    arrived = threading.Event()

    def record(envelopes: Sequence[Envelope], _connection: sa.Connection) -> None:
        received.extend(envelopes)
        arrived.set()

    container.subscriptions.override(
        providers.Object([Subscription("in-process-test", ("member.added",), record)])
    )
    threads = MessagingThreads(container)
    threads.start()
    try:
        assert threads.consumer_ready.wait(5)
        client = testing.TestClient(create_app(container))
        owner = register(client, "owner")
        org = create_org(client, owner)
        # The commit wakes the relay; no poll interval to wait out.
        assert arrived.wait(5), "the event never reached the subscriber"
    finally:
        threads.stop()
    (event,) = received
    assert event.type == "member.added"
    assert str(event.org_id) == org["id"]
    assert event.data == {"org_id": org["id"], "user_id": str(owner.id), "role": "owner"}
