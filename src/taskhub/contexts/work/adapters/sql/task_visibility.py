"""Work's answer to "is this task live?" on SQL: one indexed lookup by `(org_id, id)`."""

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.tables import projects, tasks
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlTaskVisibility:
    """A read-only unit of work of its own: on the request's connection when there is one."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._query = (
            sa.select(sa.literal(1))
            .select_from(
                tasks.join(
                    projects,
                    sa.and_(
                        projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id
                    ),
                )
            )
            .where(
                tasks.c.org_id == sa.bindparam("org_id"),
                tasks.c.id == sa.bindparam("task_id"),
                tasks.c.deleted_at.is_(None),
                projects.c.deleted_at.is_(None),
            )
        )

    def is_live(self, org_id: uuid.UUID, task_id: uuid.UUID) -> bool:
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            found = uow.connection.execute(self._query, {"org_id": org_id, "task_id": task_id})
            return found.first() is not None
