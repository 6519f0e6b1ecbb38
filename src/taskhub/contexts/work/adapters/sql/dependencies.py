"""The SQL repository of dependencies between tasks.

Dependencies are asked for by task; the task's organization, which every statement
names (ADR 0022), comes from the task repository of the same unit of work, which has
read the task already.
"""

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.tables import task_dependencies, tasks
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.platform.versioned_rows import VersionedRows


class SqlDependencyRepository:
    def __init__(self, connection: sa.Connection, tasks_read: VersionedRows | None = None) -> None:
        self._connection = connection
        self._tasks = tasks_read or VersionedRows(connection, tasks)

    def blockers_of(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        return sorted(self.edges([task_id]).get(task_id, set()))

    def edges(
        self, task_ids: Collection[uuid.UUID], *, include_deleted: bool = False
    ) -> dict[uuid.UUID, set[uuid.UUID]]:
        """The given tasks are of one organization (edges never leave one): the first
        one's names the tenant of the statement."""
        if not task_ids:
            return {}
        org_id = self._tasks.org_of(next(iter(task_ids)))
        blocker = tasks.alias("blocker")
        query = (
            sa.select(task_dependencies.c.task_id, task_dependencies.c.depends_on_id)
            .join(blocker, _blocker_of(blocker))
            .where(
                task_dependencies.c.org_id == org_id,
                task_dependencies.c.task_id.in_(list(task_ids)),
            )
        )
        if not include_deleted:
            query = query.where(blocker.c.deleted_at.is_(None))
        rows = self._connection.execute(query)
        edges: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for task_id, depends_on_id in rows:
            edges[task_id].add(depends_on_id)
        if org_id is not None:
            self._tasks.met_in(org_id, (b for blockers in edges.values() for b in blockers))
        return dict(edges)

    def _edge(self, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> sa.ColumnElement[bool]:
        return sa.and_(
            task_dependencies.c.org_id == self._tasks.org_of(task_id),
            task_dependencies.c.task_id == task_id,
            task_dependencies.c.depends_on_id == depends_on_id,
        )

    def add(self, task_id: uuid.UUID, depends_on_id: uuid.UUID, now: datetime) -> bool:
        exists = self._connection.execute(
            sa.select(task_dependencies.c.task_id).where(self._edge(task_id, depends_on_id))
        ).first()
        if exists:
            return False
        self._connection.execute(
            task_dependencies.insert().values(
                org_id=self._tasks.org_of(task_id),
                task_id=task_id,
                depends_on_id=depends_on_id,
                created_at=now,
            )
        )
        return True

    def remove(self, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> bool:
        result = self._connection.execute(
            task_dependencies.delete().where(self._edge(task_id, depends_on_id))
        )
        return result.rowcount > 0

    def open_blockers(self, task_id: uuid.UUID) -> int:
        blocker = tasks.alias("blocker")
        return int(
            self._connection.execute(
                sa.select(sa.func.count())
                .select_from(task_dependencies)
                .join(blocker, _blocker_of(blocker))
                .where(
                    task_dependencies.c.org_id == self._tasks.org_of(task_id),
                    task_dependencies.c.task_id == task_id,
                    blocker.c.deleted_at.is_(None),
                    blocker.c.status.not_in([TaskStatus.DONE.value, TaskStatus.CANCELLED.value]),
                )
            ).scalar_one()
        )


def _blocker_of(blocker: sa.FromClause) -> sa.ColumnElement[bool]:
    """The task a dependency points at, joined within the dependency's organization."""
    return sa.and_(
        blocker.c.org_id == task_dependencies.c.org_id,
        blocker.c.id == task_dependencies.c.depends_on_id,
    )
