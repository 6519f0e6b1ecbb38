"""The fake task list keeps the totals and keyed-search contract the SQL one keeps."""

import pytest

from taskhub.contexts.work.application.testing.fakes import FakeWorkUnitOfWorkFactory
from taskhub.contexts.work.application.testing.store import WorkStore
from tests.contracts.task_list_totals import TaskListTotalsContract, UowFactory


class TestFakeTaskListTotals(TaskListTotalsContract):
    @pytest.fixture
    def uow_factory(self) -> UowFactory:
        return FakeWorkUnitOfWorkFactory(WorkStore())
