"""The in-memory fake keeps the same repository contract as the SQL adapter."""

import pytest

from taskhub.contexts.audit.application.testing.fakes import AuditStore, FakeAuditUnitOfWork
from tests.contracts.audit import AuditRepositoryContract, UowFactory


class TestFakeAuditRepository(AuditRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = AuditStore()
        return lambda *, read_only=False: FakeAuditUnitOfWork(store)
