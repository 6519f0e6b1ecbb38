"""The SQL repositories keep the notifications repository contract on SQLite and
PostgreSQL."""

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.notifications.adapters.sql.unit_of_work import SqlNotificationsUnitOfWork
from tests.contracts.notifications import NotificationsRepositoryContract, UowFactory


class TestSqlNotificationsRepositories(NotificationsRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlNotificationsUnitOfWork(engine, read_only=read_only)
