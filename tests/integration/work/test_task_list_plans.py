"""On PostgreSQL the task list asks for a generic plan only where the best plan cannot
depend on the values (ADR 0014): every other filter keeps PostgreSQL's own choice."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.task_list import SqlTaskList
from taskhub.contexts.work.application.ports import TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import Priority, TaskStatus
from taskhub.shared_kernel.pagination import PageRequest

PROJECT = uuid.uuid4()
SAME_PLAN_FOR_EVERY_VALUE = [
    TaskFilter(project_id=PROJECT),
    TaskFilter(project_id=PROJECT, statuses=frozenset({TaskStatus.TODO, TaskStatus.DONE})),
    TaskFilter(priorities=frozenset({Priority.HIGH}), sort=TaskSort.PRIORITY_DESC),
]
PLAN_DEPENDS_ON_THE_VALUE = [
    TaskFilter(project_id=PROJECT, assignee_id=uuid.uuid4()),
    TaskFilter(label_id=uuid.uuid4()),
    TaskFilter(text="deploy"),
    TaskFilter(parent_id=uuid.uuid4()),
    TaskFilter(project_id=PROJECT, due_before=datetime(2026, 1, 1, tzinfo=UTC)),
]


def own_statements(connection: sa.Connection) -> int:
    return connection.execute(
        sa.text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'taskhub_%'")
    ).scalar_one()


@pytest.mark.postgres
def test_only_value_independent_lists_are_prepared_for_a_generic_plan(
    postgres_engine: Engine,
) -> None:
    org = uuid.uuid4()
    with postgres_engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("DEALLOCATE ALL")  # the pool may hand out a used session
        task_list = SqlTaskList(autocommit)
        for task_filter in PLAN_DEPENDS_ON_THE_VALUE:
            assert task_list.find(org, task_filter, PageRequest(limit=10)).items == []
        assert own_statements(autocommit) == 0
        for task_filter in SAME_PLAN_FOR_EVERY_VALUE:
            assert task_list.find(org, task_filter, PageRequest(limit=10)).items == []
        assert own_statements(autocommit) == len(SAME_PLAN_FOR_EVERY_VALUE)
