"""Identity's unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.identity.adapters.sql.repositories import (
    SqlSessionRepository,
    SqlUserRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlIdentityUnitOfWork(SqlUnitOfWork):
    users: SqlUserRepository
    sessions: SqlSessionRepository

    def _start(self, connection: sa.Connection) -> None:
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
