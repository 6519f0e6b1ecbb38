"""The fake of the task list's read model, over the same store as the task fakes.

It keeps the SQL read model's semantics, down to the cursors: tasks are ordered by the
same keys, a page continues after the same `next_after` strings, deleted tasks and
those of deleted projects are hidden, the text filter matches whole words,
ignoring case, a searched task key puts that task first, and `total` counts the same.
"""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs

from taskhub.contexts.work.application.ports import NoneSet, TaskFilter, TaskSort, TaskSummary
from taskhub.contexts.work.application.testing.store import WorkStore
from taskhub.contexts.work.application.testing.tasks import project_live, task_as_read
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.in_memory_pages import KeyOrder, KeyTerm, aware_timestamp, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest

# What the SQL sort puts in place of a missing due date, so those tasks come last.
_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)


def _task_order(sort: TaskSort) -> KeyOrder[Task]:
    descending = sort.value.startswith("-")
    if sort in (TaskSort.DUE, TaskSort.DUE_DESC):
        # Tasks without a due date come last in both directions.
        filler = _FAR_PAST if descending else _FAR_FUTURE
        return KeyOrder(
            terms=(
                KeyTerm(int),
                KeyTerm(aware_timestamp, descending),
                KeyTerm(uuid.UUID, descending),
            ),
            values=lambda t: (
                1 if t.due_at is None else 0,
                filler if t.due_at is None else t.due_at,
                t.id,
            ),
        )
    value: Callable[[Task], Any] = {
        TaskSort.CREATED: lambda t: t.created_at,
        TaskSort.CREATED_DESC: lambda t: t.created_at,
        TaskSort.UPDATED: lambda t: t.updated_at,
        TaskSort.UPDATED_DESC: lambda t: t.updated_at,
        TaskSort.PRIORITY: lambda t: t.priority.rank,
        TaskSort.PRIORITY_DESC: lambda t: t.priority.rank,
        TaskSort.RANK: lambda t: t.rank,
    }[sort]
    parse: Callable[[str], Any] = {
        TaskSort.PRIORITY: int,
        TaskSort.PRIORITY_DESC: int,
        TaskSort.RANK: str,
    }.get(sort, aware_timestamp)
    return KeyOrder(
        terms=(KeyTerm(parse, descending), KeyTerm(uuid.UUID, descending)),
        values=lambda t: (value(t), t.id),
    )


# Whole words, as the databases' full-text tokenizers split them (underscores split too).
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _matches_text(task: Task, text: str) -> bool:
    """Every word of the query appears in the title or the description; a query
    without any word matches nothing."""
    wanted = _words(text)
    return bool(wanted) and wanted <= _words(f"{task.title} {task.description}")


def _matches_reference(value: uuid.UUID | None, wanted: uuid.UUID | NoneSet | None) -> bool:
    if wanted is None:
        return True
    return value is None if wanted is NoneSet.NONE else value == wanted


class FakeTaskList:
    """The task list's read model over the same store: the filtered tasks, summarised."""

    def __init__(self, store: WorkStore) -> None:
        self._store = store

    def find(
        self, org_id: uuid.UUID, task_filter: TaskFilter, page: PageRequest
    ) -> Page[TaskSummary]:
        f = task_filter
        listed = [
            task_as_read(self._store, t)
            for t in self._store.tasks.values()
            if self._wanted(t, org_id, attrs.evolve(f, text=None))
        ]
        found = [t for t in listed if not f.text or _matches_text(t, f.text)]
        lead = None
        if f.key is not None and f.text and _words(f.text):
            # The keyed task leads, under every filter but the text, as in SQL.
            project_key, number = f.key
            keyed = (t for t in listed if (t.project_key, t.number) == (project_key, number))
            lead = next(keyed, None)
        rest = [t for t in found if lead is None or t.id != lead.id]
        total = len(rest) + (lead is not None) if page.with_total else None
        first = [lead] if lead is not None and page.after is None else []
        # After a first page the keyed task filled, the rest starts at the empty position.
        rest_page = PageRequest(limit=page.limit - len(first), after=page.after or None)
        if rest_page.limit == 0:
            more: tuple[str, ...] | None = () if rest else None
            return Page(items=[TaskSummary.of(t) for t in first], next_after=more, total=total)
        tasks = keyset_page(rest, rest_page, _task_order(f.sort))
        return Page(
            items=[TaskSummary.of(t) for t in [*first, *tasks.items]],
            next_after=tasks.next_after,
            total=total,
        )

    def _wanted(self, task: Task, org_id: uuid.UUID, f: TaskFilter) -> bool:
        checks = (
            task.org_id == org_id and task.deleted_at is None and project_live(self._store, task),
            f.project_id is None or task.project_id == f.project_id,
            not f.statuses or task.status in f.statuses,
            not f.priorities or task.priority in f.priorities,
            f.parent_id is None or task.parent_id == f.parent_id,
            f.due_before is None or (task.due_at is not None and task.due_at < f.due_before),
            f.due_after is None or (task.due_at is not None and task.due_at > f.due_after),
            f.assignee_id is None or f.assignee_id in task.assignee_ids,
            f.label_id is None or f.label_id in task.label_ids,
            not f.text or _matches_text(task, f.text),
            not f.state_ids or task.state_id in f.state_ids,
            _matches_reference(task.cycle_id, f.cycle_id),
            _matches_reference(task.milestone_id, f.milestone_id),
        )
        return all(checks)
