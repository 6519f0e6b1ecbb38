"""Work's unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.comment_repository import SqlCommentRepository
from taskhub.contexts.work.adapters.sql.label_repository import SqlLabelRepository
from taskhub.contexts.work.adapters.sql.repositories import (
    SqlProjectRepository,
    SqlTaskRepository,
)
from taskhub.contexts.work.adapters.sql.task_list import SqlTaskList
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlWorkUnitOfWork(SqlUnitOfWork):
    projects: SqlProjectRepository
    tasks: SqlTaskRepository
    labels: SqlLabelRepository
    comments: SqlCommentRepository
    task_list: SqlTaskList

    def _start(self, connection: sa.Connection) -> None:
        self.projects = SqlProjectRepository(connection)
        self.tasks = SqlTaskRepository(connection)
        self.labels = SqlLabelRepository(connection)
        self.comments = SqlCommentRepository(connection, self.tasks.rows_read)
        self.task_list = SqlTaskList(connection)
