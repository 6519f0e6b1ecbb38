"""The task and project lists' query-string filters, declared for the platform's strict
reader (a bad value is a 422 on its name), and the filters built from what it parsed."""

import itertools
from collections.abc import Mapping
from typing import Any

from taskhub.contexts.work.application.ports import TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.platform.http.query import (
    QueryParam,
    choice_param,
    text_param,
    timestamp_param,
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
    text_param("q", "Full text over title and description.", max_length=MAX_QUERY_LENGTH),
    choice_param("sort", TaskSort, "The order; `-created_at` unless given."),
)

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
        sort=query.get("sort") or TaskSort.CREATED_DESC,
    )


def project_status(query: Mapping[str, Any]) -> ProjectStatus | None:
    status: ProjectStatus | None = query.get("status")
    return status
