"""The in-memory fakes keep the same repository contract as the SQL adapters."""

import pytest

from taskhub.contexts.work.application.testing.fakes import FakeWorkUnitOfWorkFactory
from taskhub.contexts.work.application.testing.store import DuplicateKey, WorkStore
from tests.contracts.work import UowFactory, WorkRepositoryContract


class TestFakeWorkRepositories(WorkRepositoryContract):
    refused_row = (DuplicateKey,)

    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        return FakeWorkUnitOfWorkFactory(WorkStore())
