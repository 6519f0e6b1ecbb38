"""The task list's statements, built once per filter shape and sort and cached.

A request's filters pick a `Shape` (which filters it uses, not their values); each
statement below is a function of the shape alone, so every request of one shape binds
its values into the same statement, and the driver keeps one prepared plan for it
(`SqlTaskList` in `task_list.py` runs them). The row layout (`summaries`) is the
summary's fields in order, then the sort keys a cursor may need.
"""

import functools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.search import matches
from taskhub.contexts.work.adapters.sql.tables import projects, task_assignees, task_labels, tasks
from taskhub.contexts.work.application.ports import TaskSort, TaskSummary
from taskhub.platform.sql_lists import member_of
from taskhub.platform.sql_pagination import count_statement, keyset_statement

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)

SORT_COLUMNS = {
    TaskSort.CREATED: tasks.c.created_at,
    TaskSort.CREATED_DESC: tasks.c.created_at,
    TaskSort.UPDATED: tasks.c.updated_at,
    TaskSort.UPDATED_DESC: tasks.c.updated_at,
    TaskSort.PRIORITY: tasks.c.priority_rank,
    TaskSort.PRIORITY_DESC: tasks.c.priority_rank,
    TaskSort.RANK: tasks.c.rank,
}
NO_TASK = uuid.UUID(int=0)


def _ids(column: sa.Column[Any], dialect: str) -> Any:
    """A task's copy of its assignee or label ids. psycopg reads `uuid[]` into a list of
    UUIDs itself; typed as such, SQLAlchemy would pass every element through a converter
    that changes nothing. On SQLite `IdList` turns the joined text into sorted UUIDs."""
    if dialect == "postgresql":
        return sa.type_coerce(column, sa.types.NullType()).label(column.name)
    return column


def _timestamp(column: sa.Column[datetime], dialect: str) -> Any:
    """PostgreSQL sessions run in UTC (`platform.database`), so its timestamps arrive as
    the UTC values the summary needs and skip `UtcDateTime`'s per-value conversion."""
    if dialect == "postgresql":
        return sa.type_coerce(column, sa.DateTime(timezone=True)).label(column.name)
    return column


@functools.cache
def _base_query(dialect: str) -> sa.Select[Any]:
    """What every page selects and joins; built once, then narrowed per request."""
    return (
        sa.select(*_columns(dialect))
        .join(
            projects,
            sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
        )
        .where(tasks.c.deleted_at.is_(None), projects.c.deleted_at.is_(None))
    )


def _columns(dialect: str) -> list[Any]:
    """The summary's fields in its order, then the sort keys a cursor may need."""
    return [
        tasks.c.id,
        tasks.c.project_id,
        tasks.c.number,
        (projects.c.key + "-" + sa.cast(tasks.c.number, sa.String)).label("key"),
        tasks.c.title,
        tasks.c.description,
        tasks.c.status,
        tasks.c.priority,
        _timestamp(tasks.c.due_at, dialect),
        tasks.c.parent_id,
        _ids(tasks.c.assignee_ids, dialect),
        _ids(tasks.c.label_ids, dialect),
        tasks.c.created_by,
        _timestamp(tasks.c.created_at, dialect),
        _timestamp(tasks.c.updated_at, dialect),
        tasks.c.version,
        tasks.c.state_id,
        tasks.c.rank,
        tasks.c.estimate,
        _timestamp(tasks.c.start_at, dialect),
        tasks.c.cycle_id,
        tasks.c.milestone_id,
        tasks.c.priority_rank,
    ]


SUMMARY_FIELDS = 22
ID, DUE_AT, _ASSIGNEES, _LABELS = 0, 8, 10, 11


def summaries(rows: Sequence[Any]) -> list[TaskSummary]:
    out = []
    for row in rows:
        fields = list(row[:SUMMARY_FIELDS])
        fields[_ASSIGNEES] = fields[_ASSIGNEES] or []
        fields[_LABELS] = fields[_LABELS] or []
        out.append(TaskSummary(*fields))
    return out


@attrs.frozen
class Shape:
    """Which filters a list request uses: requests of one shape share one statement."""

    dialect: str
    project: bool
    statuses: bool
    priorities: bool
    parent: bool
    due_before: bool
    due_after: bool
    assignee: bool
    label: bool
    text: bool
    states: bool = False
    cycle: str | None = None
    """"id" for one cycle, "none" for tasks without; likewise `milestone`."""
    milestone: str | None = None
    key: bool = False
    """The search text is a task key: that task is read on its own and left out here."""

    @property
    def plan_fits_every_value(self) -> bool:
        """Whether the best plan is the same whatever the values: the organisation's or
        the project's index walked in the sort's order, statuses and priorities checked
        on the way. A parent, a due-date range, an assignee, a label or search terms can
        each make another index the better start, depending on the value."""
        return not (
            self.parent
            or self.due_before
            or self.due_after
            or self.assignee
            or self.label
            or self.text
        )


@functools.cache
def filtered(shape: Shape) -> sa.Select[Any]:
    query = _base_query(shape.dialect).where(tasks.c.org_id == sa.bindparam("org_id"))
    if shape.project:
        query = query.where(tasks.c.project_id == sa.bindparam("project_id"))
    if shape.statuses:
        query = query.where(member_of(tasks.c.status, "statuses", shape.dialect))
    if shape.priorities:
        query = query.where(member_of(tasks.c.priority, "priorities", shape.dialect))
    if shape.parent:
        query = query.where(tasks.c.parent_id == sa.bindparam("parent_id"))
    if shape.due_before:
        query = query.where(tasks.c.due_at < sa.bindparam("due_before"))
    if shape.due_after:
        query = query.where(tasks.c.due_at > sa.bindparam("due_after"))
    if shape.assignee:
        query = query.where(
            sa.exists().where(
                task_assignees.c.org_id == tasks.c.org_id,
                task_assignees.c.task_id == tasks.c.id,
                task_assignees.c.user_id == sa.bindparam("assignee_id"),
            )
        )
    if shape.label:
        query = query.where(
            sa.exists().where(
                task_labels.c.org_id == tasks.c.org_id,
                task_labels.c.task_id == tasks.c.id,
                task_labels.c.label_id == sa.bindparam("label_id"),
            )
        )
    if shape.text:
        query = query.where(matches(shape.dialect))
    return _planned(query, shape)


def _planned(query: sa.Select[Any], shape: Shape) -> sa.Select[Any]:
    """The planning filters: states, cycle, milestone, and the task a key put first."""
    if shape.key:
        query = query.where(tasks.c.id != sa.bindparam("key_task_id"))
    if shape.states:
        query = query.where(member_of(tasks.c.state_id, "state_ids", shape.dialect))
    for kind, column in ((shape.cycle, tasks.c.cycle_id), (shape.milestone, tasks.c.milestone_id)):
        if kind == "none":
            query = query.where(column.is_(None))
        elif kind == "id":
            query = query.where(column == sa.bindparam(column.name))
    return query


@functools.cache
def keyed(shape: Shape) -> sa.Select[Any]:
    """The task a key names, under the request's other filters."""
    plain = attrs.evolve(shape, text=False, key=False)
    return filtered(plain).where(
        projects.c.key == sa.bindparam("key_project"), tasks.c.number == sa.bindparam("key_number")
    )


DATED_KEYS = (tasks.c.due_at, tasks.c.id)
UNDATED_KEYS = (tasks.c.id,)


@functools.cache
def sorted_page(shape: Shape, sort: TaskSort, after: bool) -> sa.Select[Any]:
    keys = (SORT_COLUMNS[sort], tasks.c.id)
    return keyset_statement(
        filtered(shape), keys, descending=sort.value.startswith("-"), after=after
    )


@functools.cache
def dated_page(shape: Shape, descending: bool, after: bool) -> sa.Select[Any]:
    query = filtered(shape).where(tasks.c.due_at.is_not(None))
    return keyset_statement(query, DATED_KEYS, descending=descending, after=after)


@functools.cache
def undated_page(shape: Shape, descending: bool, after: bool) -> sa.Select[Any]:
    query = filtered(shape).where(tasks.c.due_at.is_(None))
    return keyset_statement(query, UNDATED_KEYS, descending=descending, after=after)


@functools.cache
def any_match(shape: Shape) -> sa.Select[Any]:
    """Whether anything besides the keyed task matches: asked when that task filled the
    first page on its own."""
    return filtered(shape).limit(1)


@functools.cache
def count_matches(shape: Shape) -> sa.Select[Any]:
    """`?include=total`: the filtered query the pages walk, counted (cursor ignored)."""
    return count_statement(filtered(shape))


@functools.cache
def any_undated(shape: Shape) -> sa.Select[Any]:
    """Whether the list has undated tasks at all: asked when dated ones filled a page."""
    return filtered(shape).where(tasks.c.due_at.is_(None)).limit(1)
