"""The task and project lists' query-string filters, declared for the platform's strict
reader (a bad value is a 422 on its name), and the filters built from what it parsed."""

import itertools
import re
import uuid
from collections.abc import Mapping
from typing import Any

from taskhub.contexts.work.application.ports import NoneSet, TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.platform.http.query import (
    NONE,
    QueryParam,
    choice_param,
    text_param,
    timestamp_param,
    uuid_list_param,
    uuid_or_none_param,
    uuid_param,
)

MAX_QUERY_LENGTH = 200

TASK_LIST_QUERY: tuple[QueryParam, ...] = (
    uuid_param("project_id", "Tasks of this project."),
    choice_param(
        "status",
        TaskStatus,
        "Any of these statuses; repeatable or comma-separated.",
        repeatable=True,
    ),
    choice_param(
        "priority",
        Priority,
        "Any of these priorities; repeatable or comma-separated.",
        repeatable=True,
    ),
    uuid_param("assignee_id", "Tasks assigned to this member."),
    uuid_param("label_id", "Tasks with this label."),
    uuid_param("parent_id", "Sub-tasks of this task."),
    timestamp_param("due_before", "RFC 3339; tasks due before it."),
    timestamp_param("due_after", "RFC 3339; tasks due after it."),
    text_param(
        "q",
        "Full text over title and description; a task key (ENG-42) puts that task first.",
        max_length=MAX_QUERY_LENGTH,
    ),
    uuid_list_param("state_id", "Any of these states; repeatable or comma-separated."),
    uuid_or_none_param("cycle_id", "Tasks of this cycle; `none`: tasks in no cycle."),
    uuid_or_none_param("milestone_id", "Tasks of this milestone; `none`: in no milestone."),
    choice_param("sort", TaskSort, "The order; `-created_at` unless given."),
)

TASK_KEY = re.compile(r"([A-Za-z][A-Za-z0-9]{1,9})-([0-9]{1,9})")
"""A task key as people write it: the project key in any case, a dash, the number."""

PROJECT_LIST_QUERY: tuple[QueryParam, ...] = (
    choice_param("status", ProjectStatus, "Projects in this status."),
)


def _union(query: Mapping[str, Any], name: str) -> frozenset[Any]:
    return frozenset(itertools.chain.from_iterable(query.get(name, ())))


def task_filter(query: Mapping[str, Any]) -> TaskFilter:
    return TaskFilter(
        project_id=query.get("project_id"),
        statuses=_union(query, "status"),
        priorities=_union(query, "priority"),
        assignee_id=query.get("assignee_id"),
        label_id=query.get("label_id"),
        parent_id=query.get("parent_id"),
        due_before=query.get("due_before"),
        due_after=query.get("due_after"),
        text=query.get("q"),
        state_ids=_union(query, "state_id"),
        cycle_id=_reference(query.get("cycle_id")),
        milestone_id=_reference(query.get("milestone_id")),
        key=task_key(query.get("q")),
        sort=query.get("sort") or TaskSort.CREATED_DESC,
    )


def task_key(text: str | None) -> tuple[str, int] | None:
    """(project key, number) when the text is a task key."""
    match = TASK_KEY.fullmatch(text.strip()) if text else None
    return (match.group(1).upper(), int(match.group(2))) if match else None


def _reference(value: uuid.UUID | str | None) -> uuid.UUID | NoneSet | None:
    if value == NONE:
        return NoneSet.NONE
    return value if isinstance(value, uuid.UUID) else None


def project_status(query: Mapping[str, Any]) -> ProjectStatus | None:
    status: ProjectStatus | None = query.get("status")
    return status
