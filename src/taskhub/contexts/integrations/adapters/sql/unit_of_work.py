"""Integrations' unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.integrations.adapters.sql.repositories import (
    SqlDeliveryRepository,
    SqlWebhookRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlIntegrationsUnitOfWork(SqlUnitOfWork):
    webhooks: SqlWebhookRepository
    deliveries: SqlDeliveryRepository

    def _start(self, connection: sa.Connection) -> None:
        self.webhooks = SqlWebhookRepository(connection)
        self.deliveries = SqlDeliveryRepository(connection)
