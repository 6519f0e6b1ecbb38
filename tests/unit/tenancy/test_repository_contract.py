"""The in-memory fakes keep the same repository contract as the SQL adapters."""

import pytest

from taskhub.contexts.tenancy.application.testing.fakes import (
    FakeTenancyUnitOfWork,
    TenancyStore,
)
from tests.contracts.tenancy import TenancyRepositoryContract, UowFactory
from tests.contracts.tenancy_invitations import InvitationRepositoryContract


class TestFakeTenancyRepositories(TenancyRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = TenancyStore()
        return lambda *, read_only=False: FakeTenancyUnitOfWork(store)


class TestFakeInvitationRepository(InvitationRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = TenancyStore()
        return lambda *, read_only=False: FakeTenancyUnitOfWork(store)
