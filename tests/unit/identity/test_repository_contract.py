"""The in-memory fakes keep the same repository contract as the SQL adapters."""

import pytest

from taskhub.contexts.identity.application.testing.fakes import (
    FakeIdentityUnitOfWork,
    IdentityStore,
)
from tests.contracts.identity import IdentityRepositoryContract, UowFactory


class TestFakeIdentityRepositories(IdentityRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = IdentityStore()
        return lambda: FakeIdentityUnitOfWork(store)
