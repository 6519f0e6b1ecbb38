"""Identity's unit of work on SQL."""

from collections.abc import Iterable

import sqlalchemy as sa

from taskhub.contexts.identity.adapters.sql.email_tokens import SqlEmailTokenRepository
from taskhub.contexts.identity.adapters.sql.repositories import (
    SqlApiKeyRepository,
    SqlSessionRepository,
    SqlUserRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork
from taskhub.shared_kernel.events import EventRecorder


class SqlIdentityUnitOfWork(SqlUnitOfWork):
    users: SqlUserRepository
    sessions: SqlSessionRepository
    api_keys: SqlApiKeyRepository
    email_tokens: SqlEmailTokenRepository

    def _aggregates(self) -> Iterable[EventRecorder]:
        return [*self.users.seen, *self.sessions.seen]

    def _start(self, connection: sa.Connection) -> None:
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
        self.email_tokens = SqlEmailTokenRepository(connection)
