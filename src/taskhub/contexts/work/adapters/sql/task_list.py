"""The task list's read model in SQL: one statement per page, rows straight into summaries.

Each page is one statement, built once per filter shape and sort and then only bound
and run on the driver's cursor (`task_list_statements`). Each task row carries sorted
copies of its assignee and label ids (`IdList` columns the repository writes with the
sets), so a page of any size is one round trip that reads nothing but the page's rows
and their project, at any table size, and no aggregate is built.
"""

import functools
import uuid
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from taskhub.contexts.work.adapters.sql.search import search_terms
from taskhub.contexts.work.adapters.sql.tables import tasks
from taskhub.contexts.work.adapters.sql.task_list_statements import (
    DATED_KEYS,
    DUE_AT,
    FAR_FUTURE,
    FAR_PAST,
    ID,
    NO_TASK,
    SORT_COLUMNS,
    UNDATED_KEYS,
    Shape,
    any_match,
    any_undated,
    count_matches,
    dated_page,
    keyed,
    sorted_page,
    summaries,
    undated_page,
)
from taskhub.contexts.work.application.ports import NoneSet, TaskFilter, TaskSort, TaskSummary
from taskhub.platform.sql_driver import DriverQuery
from taskhub.platform.sql_pagination import keyset_params, next_after, run_count
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest

_NO_DUE = "1"
_DUE = "0"
_REST: tuple[str, ...] = ()
"""The position after a first page that held only the task a searched key named: the
start of the other matches (see `PageRequest.after`)."""


def _which(value: uuid.UUID | NoneSet | None) -> str | None:
    if value is None:
        return None
    return "none" if value is NoneSet.NONE else "id"


def _id_values(ids: frozenset[uuid.UUID], dialect: str) -> list[Any]:
    """Ids as a bound list: PostgreSQL takes UUIDs, SQLite compares the stored hex."""
    ordered = sorted(ids)
    return ordered if dialect == "postgresql" else [i.hex for i in ordered]


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
            # Nothing to search for matches nothing.
            return Page(items=[], next_after=None, total=0 if page.with_total else None)
        shape = Shape(
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
            "key_task_id": NO_TASK,
        }
        lead: list[Any] = []
        if shape.key and f.key is not None:
            values["key_project"], values["key_number"] = f.key
            found = self._connection.execute(keyed(shape), values).first()
            if found is not None:
                lead = [found]
                values["key_task_id"] = found.id  # the rest of the list leaves it out
        # The keyed task leads the first page and is in no keyed order, so the page
        # after the first continues from the start of the rest: an empty position.
        first = lead if page.after is None else []
        rest = PageRequest(limit=page.limit - len(first), after=page.after or None)
        if rest.limit == 0:
            more = self._connection.execute(any_match(shape), values).first() is not None
            found_page = Page(items=summaries(first), next_after=_REST if more else None)
            return self._counted(found_page, shape, values, page, len(lead))
        if f.sort in (TaskSort.DUE, TaskSort.DUE_DESC):
            rows = self._by_due_date(shape, values, rest, descending=f.sort is TaskSort.DUE_DESC)
        else:
            # Both keys run one way, so the cursor is a row comparison the index answers.
            keys = (SORT_COLUMNS[f.sort], tasks.c.id)
            rows = self._page(
                shape, sorted_page(shape, f.sort, rest.after is not None), keys, values, rest
            )
        found_page = Page(items=summaries([*first, *rows.items]), next_after=rows.next_after)
        return self._counted(found_page, shape, values, page, len(lead))

    def _counted(
        self,
        found: Page[TaskSummary],
        shape: Shape,
        values: dict[str, Any],
        page: PageRequest,
        keyed: int,
    ) -> Page[TaskSummary]:
        """With `?include=total`, the size of the filtered list: the rest counted as its
        pages read it (the keyed task left out), plus the keyed task. Counted last, so a
        count out of time budget has nothing after it to spoil."""
        if not page.with_total:
            return found
        rest = run_count(self._connection, count_matches(shape), values)
        return attrs.evolve(found, total=keyed + rest)

    def _page(
        self,
        shape: Shape,
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
        self, shape: Shape, values: dict[str, Any], page: PageRequest, *, descending: bool
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
                dated_page(shape, descending, after is not None),
                DATED_KEYS,
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
            more = self._connection.execute(any_undated(shape), values).first() is not None
            last = rows[-1]
            ended: tuple[str, ...] | None = (
                (_DUE, last[DUE_AT].isoformat(), str(last[ID])) if more else None
            )
            return Page(items=rows, next_after=ended)
        undated_request = PageRequest(limit=room, after=undated_after)
        undated = self._page(
            shape,
            undated_page(shape, descending, undated_after is not None),
            UNDATED_KEYS,
            values,
            undated_request,
        )
        filler = (FAR_PAST if descending else FAR_FUTURE).isoformat()
        next_after = (
            (_NO_DUE, filler, *undated.next_after) if undated.next_after is not None else None
        )
        return Page(items=rows + undated.items, next_after=next_after)
