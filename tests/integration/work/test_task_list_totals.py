"""The SQL task list keeps the totals and keyed-search contract, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.unit_of_work import SqlWorkUnitOfWork
from tests.contracts.task_list_totals import TaskListTotalsContract, UowFactory


class TestSqlTaskListTotals(TaskListTotalsContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlWorkUnitOfWork(engine, read_only=read_only)
