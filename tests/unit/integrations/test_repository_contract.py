"""The in-memory fakes keep the same repository contract as the SQL adapters."""

import pytest

from taskhub.contexts.integrations.application.testing.fakes import (
    FakeIntegrationsUnitOfWork,
    IntegrationsStore,
)
from tests.contracts.integrations import IntegrationsRepositoryContract, UowFactory


class TestFakeIntegrationsRepositories(IntegrationsRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = IntegrationsStore()
        return lambda *, read_only=False: FakeIntegrationsUnitOfWork(store)
