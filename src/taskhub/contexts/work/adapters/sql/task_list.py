"""The task list's read model in SQL: one statement per page, rows straight into summaries.

Each page is one statement, built once per filter shape and sort and then only bound
and run on the driver's cursor. Each task row carries sorted copies of its assignee and
label ids (`IdList` columns the repository writes with the sets), so a page of any size
is one round trip that reads nothing but the page's rows and their project, at any
table size, and no aggregate is built.
"""

import functools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from taskhub.contexts.work.adapters.sql.search import matches, search_terms
from taskhub.contexts.work.adapters.sql.tables import projects, task_assignees, task_labels, tasks
from taskhub.contexts.work.application.ports import NoneSet, TaskFilter, TaskSort, TaskSummary
from taskhub.platform.sql_driver import DriverQuery
from taskhub.platform.sql_lists import member_of
from taskhub.platform.sql_pagination import keyset_params, keyset_statement, next_after
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest

_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)

_SORT_COLUMNS = {
    TaskSort.CREATED: tasks.c.created_at,
    TaskSort.CREATED_DESC: tasks.c.created_at,
    TaskSort.UPDATED: tasks.c.updated_at,
    TaskSort.UPDATED_DESC: tasks.c.updated_at,
    TaskSort.PRIORITY: tasks.c.priority_rank,
    TaskSort.PRIORITY_DESC: tasks.c.priority_rank,
    TaskSort.RANK: tasks.c.rank,
}
_NO_TASK = uuid.UUID(int=0)
_NO_DUE = "1"
_DUE = "0"


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


_SUMMARY_FIELDS = 22
_ID, _DUE_AT, _ASSIGNEES, _LABELS = 0, 8, 10, 11


def _summaries(rows: Sequence[Any]) -> list[TaskSummary]:
    out = []
    for row in rows:
        fields = list(row[:_SUMMARY_FIELDS])
        fields[_ASSIGNEES] = fields[_ASSIGNEES] or []
        fields[_LABELS] = fields[_LABELS] or []
        out.append(TaskSummary(*fields))
    return out


@attrs.frozen
class _Shape:
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
def _filtered(shape: _Shape) -> sa.Select[Any]:
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


def _planned(query: sa.Select[Any], shape: _Shape) -> sa.Select[Any]:
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
def _keyed(shape: _Shape) -> sa.Select[Any]:
    """The task a key names, under the request's other filters."""
    plain = attrs.evolve(shape, text=False, key=False)
    return _filtered(plain).where(
        projects.c.key == sa.bindparam("key_project"), tasks.c.number == sa.bindparam("key_number")
    )


def _which(value: uuid.UUID | NoneSet | None) -> str | None:
    if value is None:
        return None
    return "none" if value is NoneSet.NONE else "id"


def _id_values(ids: frozenset[uuid.UUID], dialect: str) -> list[Any]:
    """Ids as a bound list: PostgreSQL takes UUIDs, SQLite compares the stored hex."""
    ordered = sorted(ids)
    return ordered if dialect == "postgresql" else [i.hex for i in ordered]


_DATED_KEYS = (tasks.c.due_at, tasks.c.id)
_UNDATED_KEYS = (tasks.c.id,)


@functools.cache
def _sorted_page(shape: _Shape, sort: TaskSort, after: bool) -> sa.Select[Any]:
    keys = (_SORT_COLUMNS[sort], tasks.c.id)
    return keyset_statement(
        _filtered(shape), keys, descending=sort.value.startswith("-"), after=after
    )


@functools.cache
def _dated_page(shape: _Shape, descending: bool, after: bool) -> sa.Select[Any]:
    query = _filtered(shape).where(tasks.c.due_at.is_not(None))
    return keyset_statement(query, _DATED_KEYS, descending=descending, after=after)


@functools.cache
def _undated_page(shape: _Shape, descending: bool, after: bool) -> sa.Select[Any]:
    query = _filtered(shape).where(tasks.c.due_at.is_(None))
    return keyset_statement(query, _UNDATED_KEYS, descending=descending, after=after)


@functools.cache
def _any_undated(shape: _Shape) -> sa.Select[Any]:
    """Whether the list has undated tasks at all: asked when dated ones filled a page."""
    return _filtered(shape).where(tasks.c.due_at.is_(None)).limit(1)


@functools.cache
def _driver_query(statement: sa.Select[Any], dialect: Dialect, generic_plan: bool) -> DriverQuery:
    return DriverQuery(statement, dialect, generic_plan=generic_plan)


class SqlTaskList:
    """Statements are cached per filter shape and sort: a request binds values and runs."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._dialect = connection.dialect.name

    def find(
        self, org_id: uuid.UUID, task_filter: TaskFilter, page: PageRequest
    ) -> Page[TaskSummary]:
        f = task_filter
        terms = search_terms(self._dialect, f.text) if f.text else None
        if f.text and terms is None:
            return Page(items=[], next_after=None)  # nothing to search for matches nothing
        shape = _Shape(
            dialect=self._dialect,
            project=f.project_id is not None,
            statuses=bool(f.statuses),
            priorities=bool(f.priorities),
            parent=f.parent_id is not None,
            due_before=f.due_before is not None,
            due_after=f.due_after is not None,
            assignee=f.assignee_id is not None,
            label=f.label_id is not None,
            text=terms is not None,
            states=bool(f.state_ids),
            cycle=_which(f.cycle_id),
            milestone=_which(f.milestone_id),
            key=f.key is not None and terms is not None,
        )
        values: dict[str, Any] = {
            "org_id": org_id,
            "project_id": f.project_id,
            "statuses": sorted(s.value for s in f.statuses),
            "priorities": sorted(p.value for p in f.priorities),
            "parent_id": f.parent_id,
            "due_before": f.due_before,
            "due_after": f.due_after,
            "assignee_id": f.assignee_id,
            "label_id": f.label_id,
            "search_terms": terms,
            "state_ids": _id_values(f.state_ids, self._dialect),
            "cycle_id": f.cycle_id if isinstance(f.cycle_id, uuid.UUID) else None,
            "milestone_id": f.milestone_id if isinstance(f.milestone_id, uuid.UUID) else None,
            "key_task_id": _NO_TASK,
        }
        first: list[Any] = []
        if shape.key and f.key is not None:
            values["key_project"], values["key_number"] = f.key
            found = self._connection.execute(_keyed(shape), values).first()
            if found is not None:
                values["key_task_id"] = found.id
                if page.after is None:  # it leads the first page
                    first = [found]
                    page = PageRequest(limit=page.limit - 1, after=None)
        if page.limit == 0:
            return Page(items=_summaries(first), next_after=None)
        if f.sort in (TaskSort.DUE, TaskSort.DUE_DESC):
            rows = self._by_due_date(shape, values, page, descending=f.sort is TaskSort.DUE_DESC)
        else:
            # Both keys run one way, so the cursor is a row comparison the index answers.
            keys = (_SORT_COLUMNS[f.sort], tasks.c.id)
            rows = self._page(
                shape, _sorted_page(shape, f.sort, page.after is not None), keys, values, page
            )
        return Page(items=_summaries([*first, *rows.items]), next_after=rows.next_after)

    def _page(
        self,
        shape: _Shape,
        statement: sa.Select[Any],
        keys: Sequence[sa.ColumnElement[Any]],
        values: dict[str, Any],
        page: PageRequest,
    ) -> Page[Any]:
        query = _driver_query(statement, self._connection.dialect, shape.plan_fits_every_value)
        rows = query.rows(self._connection, {**values, **keyset_params(keys, page)})
        has_more = len(rows) > page.limit
        rows = rows[: page.limit]
        if not has_more or not rows:
            return Page(items=rows, next_after=None)
        last = rows[-1]
        return Page(items=rows, next_after=next_after(last[query.position(k)] for k in keys))

    def _by_due_date(
        self, shape: _Shape, values: dict[str, Any], page: PageRequest, *, descending: bool
    ) -> Page[Any]:
        """Dated tasks first (by due date, then id), then undated ones (by id), in either
        direction: each part is a range of an index, never a sort of the whole project.

        The cursor is `(group, due date, id)`; undated tasks carry a filler date so the
        cursor keeps one shape.
        """
        after = page.after
        if after is not None and (len(after) != 3 or after[0] not in (_DUE, _NO_DUE)):
            raise ValidationFailed.single("cursor", "does not belong to this list")
        rows: list[Any] = []
        if after is None or after[0] == _DUE:
            dated_request = PageRequest(limit=page.limit, after=after[1:] if after else None)
            dated = self._page(
                shape,
                _dated_page(shape, descending, after is not None),
                _DATED_KEYS,
                values,
                dated_request,
            )
            rows = dated.items
            if dated.next_after is not None:
                return Page(items=rows, next_after=(_DUE, *dated.next_after))
            undated_after = None
        else:
            undated_after = after[2:]
        room = page.limit - len(rows)
        if room == 0:
            # The page ended with the last dated task: go on only if undated ones follow.
            more = self._connection.execute(_any_undated(shape), values).first() is not None
            last = rows[-1]
            ended: tuple[str, ...] | None = (
                (_DUE, last[_DUE_AT].isoformat(), str(last[_ID])) if more else None
            )
            return Page(items=rows, next_after=ended)
        undated_request = PageRequest(limit=room, after=undated_after)
        undated = self._page(
            shape,
            _undated_page(shape, descending, undated_after is not None),
            _UNDATED_KEYS,
            values,
            undated_request,
        )
        filler = (_FAR_PAST if descending else _FAR_FUTURE).isoformat()
        next_after = (_NO_DUE, filler, *undated.next_after) if undated.next_after else None
        return Page(items=rows + undated.items, next_after=next_after)
