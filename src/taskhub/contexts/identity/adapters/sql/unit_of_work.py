"""Identity's unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.identity.adapters.sql.repositories import (
    SqlApiKeyRepository,
    SqlSessionRepository,
    SqlUserRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlIdentityUnitOfWork(SqlUnitOfWork):
    users: SqlUserRepository
    sessions: SqlSessionRepository
    api_keys: SqlApiKeyRepository

    def _start(self, connection: sa.Connection) -> None:
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
