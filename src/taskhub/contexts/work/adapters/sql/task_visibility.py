"""Work's answers to "is this task live?" and "which task is ENG-42?" on SQL: one indexed
lookup each, by `(org_id, id)` or by the project's key and the task's number."""

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
        self._by_key = (
            sa.select(tasks.c.id)
            .join(
                projects,
                sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
            )
            .where(
                projects.c.org_id == sa.bindparam("org_id"),
                projects.c.key == sa.bindparam("key"),
                tasks.c.number == sa.bindparam("number"),
                tasks.c.deleted_at.is_(None),
                projects.c.deleted_at.is_(None),
            )
        )

    def id_for_key(self, org_id: uuid.UUID, prefix: str, number: int) -> uuid.UUID | None:
        """The live task `<prefix>-<number>` (project keys are stored upper case)."""
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            found = uow.connection.execute(
                self._by_key, {"org_id": org_id, "key": prefix, "number": number}
            ).first()
            return None if found is None else uuid.UUID(str(found[0]))

    def is_live(self, org_id: uuid.UUID, task_id: uuid.UUID) -> bool:
        with SqlUnitOfWork(self._engine, read_only=True) as uow:
            found = uow.connection.execute(self._query, {"org_id": org_id, "task_id": task_id})
            return found.first() is not None
