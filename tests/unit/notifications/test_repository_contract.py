"""The in-memory fakes keep the same repository contract as the SQL adapters."""

import pytest

from taskhub.contexts.notifications.application.testing.fakes import (
    FakeNotificationsUnitOfWork,
    NotificationsStore,
)
from tests.contracts.notifications import NotificationsRepositoryContract, UowFactory


class TestFakeNotificationsRepositories(NotificationsRepositoryContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        store = NotificationsStore()
        return lambda *, read_only=False: FakeNotificationsUnitOfWork(store)
