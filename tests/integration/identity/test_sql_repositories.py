"""The SQL repositories keep the identity repository contract on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.identity.adapters.sql.unit_of_work import SqlIdentityUnitOfWork
from tests.contracts.identity import IdentityRepositoryContract, UowFactory


class TestSqlIdentityRepositories(IdentityRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda: SqlIdentityUnitOfWork(engine)
