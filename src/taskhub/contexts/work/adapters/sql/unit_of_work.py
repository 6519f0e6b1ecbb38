"""Work's unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.comments import SqlCommentRepository
from taskhub.contexts.work.adapters.sql.cycles import SqlCycleRepository
from taskhub.contexts.work.adapters.sql.dependencies import SqlDependencyRepository
from taskhub.contexts.work.adapters.sql.labels import SqlLabelRepository
from taskhub.contexts.work.adapters.sql.milestones import SqlMilestoneRepository
from taskhub.contexts.work.adapters.sql.projects import SqlProjectRepository
from taskhub.contexts.work.adapters.sql.states import SqlStateRepository
from taskhub.contexts.work.adapters.sql.task_list import SqlTaskList
from taskhub.contexts.work.adapters.sql.tasks import SqlTaskRepository
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlWorkUnitOfWork(SqlUnitOfWork):
    projects: SqlProjectRepository
    tasks: SqlTaskRepository
    dependencies: SqlDependencyRepository
    labels: SqlLabelRepository
    comments: SqlCommentRepository
    task_list: SqlTaskList
    states: SqlStateRepository
    cycles: SqlCycleRepository
    milestones: SqlMilestoneRepository

    def _start(self, connection: sa.Connection) -> None:
        self.projects = SqlProjectRepository(connection)
        self.tasks = SqlTaskRepository(connection)
        self.dependencies = SqlDependencyRepository(connection, self.tasks.rows_read)
        self.labels = SqlLabelRepository(connection)
        self.comments = SqlCommentRepository(connection, self.tasks.rows_read)
        self.task_list = SqlTaskList(connection)
        self.states = SqlStateRepository(connection)
        self.cycles = SqlCycleRepository(connection)
        self.milestones = SqlMilestoneRepository(connection)
