"""The SQL repositories keep the work repository contract on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from taskhub.contexts.work.adapters.sql.unit_of_work import SqlWorkUnitOfWork
from tests.contracts.work import UowFactory, WorkRepositoryContract


class TestSqlWorkRepositories(WorkRepositoryContract):
    refused_row = (IntegrityError,)

    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlWorkUnitOfWork(engine, read_only=read_only)
