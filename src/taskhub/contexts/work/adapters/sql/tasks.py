"""The SQL repository of tasks, with their assignees and labels.

Task lists are read through a read model of their own (`task_list.py`), not this.
"""

import functools
import uuid
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
from taskhub.platform.sql_lists import array_text, unnested_insert
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
_INSERT_TASK = tasks.insert()
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
        # The assignee and label ids each task had when read or written: an update
        # rewrites its link rows only when they changed.
        self._sets: dict[uuid.UUID, tuple[frozenset[uuid.UUID], frozenset[uuid.UUID]]] = {}

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
        row = {
            "id": task.id,
            "org_id": task.org_id,
            "project_id": task.project_id,
            "number": task.number,
            "created_by": task.created_by,
            "created_at": task.created_at,
            **self._values(task),
        }
        with _rank_unique():
            # The bare INSERT with the row as parameters: compiled once, where building
            # it with `.values(...)` each time cost more CPU than the round trip.
            self._connection.execute(_INSERT_TASK, row)
        self._rows.inserted(task.id, task.version, task.org_id)
        self._sets[task.id] = (task.assignee_ids, task.label_ids)
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
        sets = (task.assignee_ids, task.label_ids)
        if self._sets.get(task.id) == sets:
            return  # the links are as read: most changes (a title, a status) keep them
        org_id = self._rows.org_of(task.id)
        for link in (task_assignees, task_labels):
            self._connection.execute(
                link.delete().where(link.c.org_id == org_id, link.c.task_id == task.id)
            )
        self._write_sets(task)
        self._sets[task.id] = sets

    def _with_sets(self, org_id: uuid.UUID, rows: list[Any]) -> list[Task]:
        """The tasks of these rows, with the assignee and label ids each row carries: the
        copies every write keeps equal to the link tables in the same transaction (the
        task list reads them too), so loading a task sends one statement, not three."""
        found = [_task(row, row.assignee_ids, row.label_ids) for row in rows]
        for task in found:
            self._sets[task.id] = (task.assignee_ids, task.label_ids)
        return found

    def get(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Task | None:
        query = _get_task(include_deleted=include_deleted, for_update=for_update)
        row = self._connection.execute(query, {"in_org": org_id, "task_id": task_id}).first()
        return self._with_sets(org_id, [self._rows.read(row)])[0] if row else None

    @property
    def rows_read(self) -> VersionedRows:
        """The tasks this unit of work has read, and their organizations: the comment and
        dependency repositories name a task's tenant from them."""
        return self._rows

    def last_rank(self, org_id: uuid.UUID, project_id: uuid.UUID) -> str | None:
        params = {"in_org": org_id, "project_id": project_id}
        last: str | None = self._connection.execute(_LAST_RANK, params).scalar()
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


# Built once with bound parameters: every write of a task reads it (or its project's
# last rank), and building these with their values cost more CPU than running them.
_LAST_RANK = sa.select(sa.func.max(tasks.c.rank)).where(
    tasks.c.org_id == sa.bindparam("in_org"), tasks.c.project_id == sa.bindparam("project_id")
)


@functools.cache
def _get_task(*, include_deleted: bool, for_update: bool) -> sa.Select[Any]:
    query = (
        sa.select(*_TASK_COLUMNS)
        .join(
            projects,
            sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
        )
        .where(tasks.c.id == sa.bindparam("task_id"), tasks.c.org_id == sa.bindparam("in_org"))
    )
    if not include_deleted:
        query = query.where(tasks.c.deleted_at.is_(None), projects.c.deleted_at.is_(None))
    return query.with_for_update(of=tasks) if for_update else query
