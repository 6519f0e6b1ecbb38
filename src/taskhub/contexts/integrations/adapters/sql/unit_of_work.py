"""Integrations' repositories on one transaction: in a unit of work of their own, or on
the bus consumer's."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.delivery_repository import (
    SqlDeliveryRepository,
)
from taskhub.contexts.integrations.adapters.sql.webhook_repository import SqlWebhookRepository
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.unit_of_work import SqlUnitOfWork

# The keyring purpose webhook secrets are sealed under (migration 0011 uses it too).
WEBHOOK_SECRETS = "webhook-secrets"


class SqlIntegrationsUnitOfWork(SqlUnitOfWork):
    webhooks: SqlWebhookRepository
    deliveries: SqlDeliveryRepository

    def __init__(self, engine: Engine, *, box: SecretBox, **options: Any) -> None:
        super().__init__(engine, **options)
        self._box = box

    def _start(self, connection: sa.Connection) -> None:
        self.webhooks = SqlWebhookRepository(connection, self._box)
        self.deliveries = SqlDeliveryRepository(connection)

    def _before_commit(self, connection: sa.Connection) -> None:
        self.webhooks.start_receiving()


class SqlIntegrationsRepositories:
    """Integrations' repositories on a transaction that someone else opened and commits."""

    def __init__(self, connection: sa.Connection, box: SecretBox) -> None:
        self.webhooks = SqlWebhookRepository(connection, box)
        self.deliveries = SqlDeliveryRepository(connection)
