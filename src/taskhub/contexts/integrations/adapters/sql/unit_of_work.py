"""Integrations' unit of work on SQL."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.repositories import (
    SqlDeliveryRepository,
    SqlWebhookRepository,
)
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
        self.deliveries = SqlDeliveryRepository(connection, self.webhooks.rows_read)

    def _before_commit(self, connection: sa.Connection) -> None:
        self.webhooks.start_receiving()
