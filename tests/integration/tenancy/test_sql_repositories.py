"""The SQL repositories keep the tenancy repository contract on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.tenancy.adapters.sql.unit_of_work import SqlTenancyUnitOfWork
from tests.contracts.tenancy import TenancyRepositoryContract, UowFactory
from tests.contracts.tenancy_invitations import InvitationRepositoryContract


class TestSqlTenancyRepositories(TenancyRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlTenancyUnitOfWork(engine, read_only=read_only)


class TestSqlInvitationRepository(InvitationRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlTenancyUnitOfWork(engine, read_only=read_only)
