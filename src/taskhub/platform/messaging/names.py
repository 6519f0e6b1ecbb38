"""The broker names of one deployment: its exchange, its queues, its dead letters.

Two deployments may share a RabbitMQ virtual host. Names under a namespace of their own
keep their messages apart; the default namespace is made from the deployment's id, kept
in its own database since its first migration (`platform_deployment`), so no two
deployments share it unless an operator sets `TASKHUB_BROKER_NAMESPACE` alike on both.
Even then every message carries the deployment id, and a consumer acknowledges only
what it can place (see `consumer`).
"""

import uuid

import attrs
import sqlalchemy as sa
from kombu.entity import Exchange, Queue
from sqlalchemy.engine import Engine

from taskhub.platform.messaging.tables import deployment
from taskhub.platform.settings import Settings


@attrs.frozen
class BrokerNames:
    namespace: str
    deployment_id: str

    @property
    def exchange(self) -> Exchange:
        return Exchange(f"{self.namespace}.events", type="topic", durable=True)

    @property
    def dead_letters(self) -> Exchange:
        """Where a message no consumer of this deployment can place is kept for a look."""
        return Exchange(f"{self.namespace}.dead-letters", type="fanout", durable=True)

    def dead_letter_queue(self) -> Queue:
        return Queue(f"{self.namespace}.dead-letters", exchange=self.dead_letters, durable=True)

    def queue_name(self, subscriber: str) -> str:
        return f"{self.namespace}.{subscriber}"


def deployment_id(engine: Engine) -> uuid.UUID:
    with engine.connect() as connection:
        found = connection.execute(sa.select(deployment.c.id).limit(1)).scalar()
    if found is None:
        raise RuntimeError("platform_deployment is empty: run `taskhub migrate`")
    return uuid.UUID(str(found))


def broker_names(settings: Settings, engine: Engine) -> BrokerNames:
    own = deployment_id(engine)
    namespace = settings.broker_namespace or f"taskhub-{own.hex[:12]}"
    return BrokerNames(namespace=namespace, deployment_id=str(own))
