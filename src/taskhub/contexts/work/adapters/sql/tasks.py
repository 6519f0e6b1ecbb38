"""The SQL repository of tasks, with their assignees and labels.

Task lists are read through a read model of their own (`task_list.py`), not this.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from taskhub.contexts.work.adapters.sql.tables import (
    projects,
    task_assignees,
    task_labels,
    tasks,
)
from taskhub.contexts.work.application.planning_ports import RankTaken
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import Priority, TaskStatus
from taskhub.platform.sql_lists import among, array_text, unnested_insert
from taskhub.platform.sql_locks import hold_transaction_lock
from taskhub.platform.versioned_rows import VersionedRows

_TASK_COLUMNS = [*tasks.c, projects.c.key.label("project_key")]

_NEW_TASK_COLUMNS = (
    "id",
    "org_id",
    "project_id",
    "number",
    "created_by",
    "created_at",
    "title",
    "description",
    "status",
    "priority",
    "priority_rank",
    "due_at",
    "parent_id",
    "updated_at",
    "version",
    "deleted_at",
    "assignee_ids",
    "label_ids",
    "state_id",
    "rank",
    "estimate",
    "start_at",
    "cycle_id",
    "milestone_id",
)
_SET_COPIES = ("assignee_ids", "label_ids")
_INSERT_TASKS_UNNESTED = unnested_insert(tasks, _NEW_TASK_COLUMNS, as_text=_SET_COPIES)
_ASSIGNEE_COLUMNS = ("org_id", "task_id", "user_id")
_LABEL_COLUMNS = ("org_id", "task_id", "label_id")
_INSERT_ASSIGNEES_UNNESTED = unnested_insert(task_assignees, _ASSIGNEE_COLUMNS)
_INSERT_LABELS_UNNESTED = unnested_insert(task_labels, _LABEL_COLUMNS)


def _assignee_rows(tasks_: Iterable[Task]) -> list[dict[str, Any]]:
    return [
        {"org_id": t.org_id, "task_id": t.id, "user_id": u} for t in tasks_ for u in t.assignee_ids
    ]


def _label_rows(tasks_: Iterable[Task]) -> list[dict[str, Any]]:
    return [
        {"org_id": t.org_id, "task_id": t.id, "label_id": lid}
        for t in tasks_
        for lid in t.label_ids
    ]


def _task(
    row: Any, assignees: Iterable[uuid.UUID] = (), label_ids: Iterable[uuid.UUID] = ()
) -> Task:
    return Task(
        id=row.id,
        org_id=row.org_id,
        project_id=row.project_id,
        project_key=row.project_key,
        number=row.number,
        title=row.title,
        description=row.description,
        status=TaskStatus(row.status),
        priority=Priority(row.priority),
        due_at=row.due_at,
        parent_id=row.parent_id,
        assignee_ids=frozenset(assignees),
        label_ids=frozenset(label_ids),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
        state_id=row.state_id,
        rank=row.rank,
        estimate=row.estimate,
        start_at=row.start_at,
        cycle_id=row.cycle_id,
        milestone_id=row.milestone_id,
    )


@contextmanager
def _rank_unique() -> Iterator[None]:
    """The unique index on ranks refusing a write becomes RankTaken: the use case tries
    its whole unit of work again (no savepoint: the transaction is rolled back anyway)."""
    try:
        yield
    except IntegrityError as exc:
        if "uq_work_tasks_project_rank" in str(exc.orig):
            raise RankTaken() from None
        raise


class SqlTaskRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, tasks)

    def _values(self, task: Task) -> dict[str, Any]:
        return {
            "title": task.title,
            "description": task.description,
            "status": task.status.value,
            "priority": task.priority.value,
            "priority_rank": task.priority.rank,
            "due_at": task.due_at,
            "parent_id": task.parent_id,
            "updated_at": task.updated_at,
            "version": task.version,
            "deleted_at": task.deleted_at,
            "assignee_ids": task.assignee_ids,
            "label_ids": task.label_ids,
            "state_id": task.state_id,
            "rank": task.rank,
            "estimate": task.estimate,
            "start_at": task.start_at,
            "cycle_id": task.cycle_id,
            "milestone_id": task.milestone_id,
        }

    def _write_sets(self, task: Task) -> None:
        if task.assignee_ids:
            self._connection.execute(task_assignees.insert(), _assignee_rows([task]))
        if task.label_ids:
            self._connection.execute(task_labels.insert(), _label_rows([task]))

    def add(self, task: Task) -> None:
        with _rank_unique():
            self._connection.execute(
                tasks.insert().values(
                    id=task.id,
                    org_id=task.org_id,
                    project_id=task.project_id,
                    number=task.number,
                    created_by=task.created_by,
                    created_at=task.created_at,
                    **self._values(task),
                )
            )
        self._rows.inserted(task.id, task.version, task.org_id)
        self._write_sets(task)

    def add_all(self, tasks_: Sequence[Task]) -> None:
        if len(tasks_) < 2:
            for task in tasks_:
                self.add(task)
            return
        rows = [
            {
                "id": task.id,
                "org_id": task.org_id,
                "project_id": task.project_id,
                "number": task.number,
                "created_by": task.created_by,
                "created_at": task.created_at,
                **self._values(task),
            }
            for task in tasks_
        ]
        for task in tasks_:
            self._rows.inserted(task.id, task.version, task.org_id)
        assignees = _assignee_rows(tasks_)
        task_label_rows = _label_rows(tasks_)
        if self._connection.dialect.name == "postgresql":
            # One array per column: the statement is the same whatever the batch's size.
            for row in rows:  # the set copies travel as text: arrays do not nest
                for name in _SET_COPIES:
                    row[name] = array_text(sorted(row[name]))
            with _rank_unique():
                self._insert_unnested(_INSERT_TASKS_UNNESTED, _NEW_TASK_COLUMNS, rows)
            self._insert_unnested(_INSERT_ASSIGNEES_UNNESTED, _ASSIGNEE_COLUMNS, assignees)
            self._insert_unnested(_INSERT_LABELS_UNNESTED, _LABEL_COLUMNS, task_label_rows)
            return
        with _rank_unique():
            self._connection.execute(tasks.insert(), rows)
        if assignees:
            self._connection.execute(task_assignees.insert(), assignees)
        if task_label_rows:
            self._connection.execute(task_labels.insert(), task_label_rows)

    def _insert_unnested(
        self, statement: sa.Executable, columns: Sequence[str], rows: list[dict[str, Any]]
    ) -> None:
        if rows:
            self._connection.execute(
                statement, {name: [row[name] for row in rows] for name in columns}
            )

    def update(self, task: Task) -> None:
        with _rank_unique():
            self._rows.update(task.id, self._values(task))
        org_id = self._rows.org_of(task.id)
        for link in (task_assignees, task_labels):
            self._connection.execute(
                link.delete().where(link.c.org_id == org_id, link.c.task_id == task.id)
            )
        self._write_sets(task)

    def _select(self) -> sa.Select[Any]:
        return sa.select(*_TASK_COLUMNS).join(
            projects,
            sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
        )

    def _with_sets(self, org_id: uuid.UUID, rows: list[Any]) -> list[Task]:
        ids = [row.id for row in rows]
        if not ids:
            return []
        assignees = self._linked(task_assignees, task_assignees.c.user_id, org_id, ids)
        task_label_ids = self._linked(task_labels, task_labels.c.label_id, org_id, ids)
        return [_task(row, assignees[row.id], task_label_ids[row.id]) for row in rows]

    def _linked(
        self, link: sa.Table, other: sa.Column[Any], org_id: uuid.UUID, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        """What a link table ties each of these tasks to (assignees or labels)."""
        linked: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        query = sa.select(link.c.task_id, other).where(
            link.c.org_id == org_id, among(self._connection, link.c.task_id, ids)
        )
        for task_id, other_id in self._connection.execute(query):
            linked[task_id].append(other_id)
        return linked

    def get(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Task | None:
        query = self._select().where(tasks.c.id == task_id, tasks.c.org_id == org_id)
        if not include_deleted:
            query = query.where(tasks.c.deleted_at.is_(None), projects.c.deleted_at.is_(None))
        row = self._connection.execute(self._rows.locked(query, for_update=for_update)).first()
        return self._with_sets(org_id, [self._rows.read(row)])[0] if row else None

    @property
    def rows_read(self) -> VersionedRows:
        """The tasks this unit of work has read, and their organizations: the comment and
        dependency repositories name a task's tenant from them."""
        return self._rows

    def last_rank(self, org_id: uuid.UUID, project_id: uuid.UUID) -> str | None:
        query = sa.select(sa.func.max(tasks.c.rank)).where(
            tasks.c.org_id == org_id, tasks.c.project_id == project_id
        )
        last: str | None = self._connection.execute(query).scalar()
        return last

    def rank_beside(
        self, org_id: uuid.UUID, project_id: uuid.UUID, rank: str, *, before: bool
    ) -> str | None:
        column = tasks.c.rank
        nearest = sa.func.max(column) if before else sa.func.min(column)
        query = sa.select(nearest).where(
            tasks.c.org_id == org_id,
            tasks.c.project_id == project_id,
            column < rank if before else column > rank,
        )
        found: str | None = self._connection.execute(query).scalar()
        return found

    def lock_graph(self, org_id: uuid.UUID) -> None:
        hold_transaction_lock(self._connection, f"work.task-graph:{org_id}")
