"""A partner's view: subscribe, change a task, receive a signed Standard Webhooks POST."""

import base64
import hashlib
import hmac
import json
import uuid

from falcon import testing
from kombu.connection import Connection
from sqlalchemy.engine import Engine

from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.messaging.relay import OutboxRelay
from tests.integration.conftest import container_for
from tests.integration.integrations.receiver import running_receiver
from tests.integration.world import API, create_org, register


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part == f"v1,{expected}" for part in headers["webhook-signature"].split())


def test_a_task_change_reaches_the_partner_signed(engine: Engine) -> None:
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    org = create_org(client, owner)
    with running_receiver() as receiver:
        created = client.simulate_post(
            f"{API}/orgs/{org['id']}/webhooks",
            json={"url": receiver.url, "events": ["task.created"]},
            headers=owner.auth,
        )
        assert created.status_code == 201, created.text
        secret = created.json["secret"]
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret[6:])) >= 24
        project = client.simulate_post(
            f"{API}/orgs/{org['id']}/projects", json={"name": "P", "key": "PRJ"}, headers=owner.auth
        ).json
        task = client.simulate_post(
            f"{API}/orgs/{org['id']}/tasks",
            json={"project_id": project["id"], "title": "Ship it"},
            headers=owner.auth,
        ).json

        # The relay publishes, the subscriber fans out, the dispatcher sends.
        relay = OutboxRelay(
            engine, container.settings().broker_url, container.clock(), container.broker_names()
        )
        consumer = container.consumer()
        with Connection(container.settings().broker_url) as connection:
            queue = container.integrations.subscription().queue(container.broker_names())(
                connection.default_channel
            )
            queue.declare()
            assert relay.wait_until_idle(10)
            while (message := queue.get(no_ack=True)) is not None:
                consumer.handle(container.integrations.subscription(), message.payload)
        assert container.integrations.dispatcher().run_once() == 1
        assert receiver.arrived.wait(5)

    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "task.created"
    assert body["data"]["id"] == task["id"]
    assert body["data"]["key"] == "PRJ-1"
    assert verify(secret, request.headers, request.body)
    assert request.headers["webhook-id"]
    deliveries = client.simulate_get(
        f"{API}/orgs/{org['id']}/webhooks/{created.json['id']}/deliveries", headers=owner.auth
    ).json["items"]
    assert [(d["status"], d["attempts"], d["response_status"]) for d in deliveries] == [
        ("succeeded", 1, 200)
    ]
