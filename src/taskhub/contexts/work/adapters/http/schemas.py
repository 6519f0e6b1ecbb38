"""Request and response bodies of the work endpoints."""

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal

import attrs

from taskhub.contexts.work.domain.task import MAX_ASSIGNEES, MAX_ESTIMATE, MAX_LABELS
from taskhub.contexts.work.domain.values import (
    COLOR_PATTERN,
    PROJECT_KEY_PATTERN,
    Priority,
    ProjectStatus,
    TaskStatus,
)
from taskhub.platform.http.converter import make_converter
from taskhub.platform.http.fields import PartialUpdate, bounded_list, described, text

converter = make_converter()
"""The one converter of work's bodies, batch operations' `data` included."""

_ASSIGNEES_TEXT = f"Members of the organization; at most {MAX_ASSIGNEES}."
_LABELS_TEXT = f"Labels of the organization; at most {MAX_LABELS}."
_ESTIMATE_TEXT = f"Points, 0-{MAX_ESTIMATE}; null for none."
_KEY_TEXT = "2-10 of A-Z and 0-9, starting with a letter; unique in the organization."


@attrs.frozen
class CreateProjectRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True)
    key: str = text(min_length=2, max_length=10, pattern=PROJECT_KEY_PATTERN, description=_KEY_TEXT)
    description: str = text(max_length=20_000, default="")
    status: ProjectStatus = ProjectStatus.ACTIVE


@attrs.frozen
class UpdateProjectRequest(PartialUpdate):
    name: str | None = text(min_length=1, max_length=200, not_blank=True, default=None)
    key: str | None = text(
        min_length=2,
        max_length=10,
        pattern=PROJECT_KEY_PATTERN,
        description=_KEY_TEXT,
        default=None,
    )
    description: str | None = text(max_length=20_000, default=None)
    status: ProjectStatus | None = None


@attrs.frozen
class ProjectBody:
    id: uuid.UUID
    key: str
    name: str
    description: str
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    version: int


def estimate(default: Any) -> Any:
    return described(_ESTIMATE_TEXT, default=default)


@attrs.frozen
class CreateTaskRequest:
    project_id: uuid.UUID
    title: str = text(min_length=1, max_length=200, not_blank=True)
    description: str = text(max_length=20_000, default="")
    status: TaskStatus | None = described(
        "todo unless given; the category of `state_id` when that is given.", default=None
    )
    priority: Priority = Priority.MEDIUM
    due_at: datetime | None = None
    parent_id: uuid.UUID | None = None
    assignee_ids: list[uuid.UUID] = bounded_list(
        max_items=MAX_ASSIGNEES, description=_ASSIGNEES_TEXT, default=attrs.Factory(list)
    )
    label_ids: list[uuid.UUID] = bounded_list(
        max_items=MAX_LABELS, description=_LABELS_TEXT, default=attrs.Factory(list)
    )
    state_id: uuid.UUID | None = None
    estimate: int | None = estimate(None)
    start_at: datetime | None = None
    cycle_id: uuid.UUID | None = None
    milestone_id: uuid.UUID | None = None


@attrs.frozen
class UpdateTaskRequest(PartialUpdate):
    """Send only what changes; `null` clears a field the task may be without."""

    clearable: ClassVar[frozenset[str]] = frozenset(
        {"due_at", "parent_id", "estimate", "start_at", "cycle_id", "milestone_id"}
    )

    title: str | None = text(min_length=1, max_length=200, not_blank=True, default=None)
    description: str | None = text(max_length=20_000, default=None)
    status: TaskStatus | None = None
    priority: Priority | None = None
    due_at: datetime | None = None
    parent_id: uuid.UUID | None = None
    assignee_ids: list[uuid.UUID] | None = bounded_list(
        max_items=MAX_ASSIGNEES, description=_ASSIGNEES_TEXT, default=None
    )
    label_ids: list[uuid.UUID] | None = bounded_list(
        max_items=MAX_LABELS, description=_LABELS_TEXT, default=None
    )
    state_id: uuid.UUID | None = None
    estimate: int | None = estimate(None)
    start_at: datetime | None = None
    cycle_id: uuid.UUID | None = None
    milestone_id: uuid.UUID | None = None


@attrs.frozen
class TaskBody:
    id: uuid.UUID
    project_id: uuid.UUID
    number: int
    key: str = described("<project key>-<number>, e.g. ENG-42.")
    title: str = described("1-200 characters.")
    description: str = described("Up to 20,000 characters.")
    status: TaskStatus = described("todo, in_progress, in_review, done or cancelled.")
    priority: Priority = described("low, medium, high or urgent.")
    due_at: datetime | None = described("When the task is due, if ever.")
    parent_id: uuid.UUID | None = described("The parent task, in the same project.")
    assignee_ids: list[uuid.UUID] = described("Members of the organization.")
    label_ids: list[uuid.UUID] = described("Labels of the organization.")
    created_by: uuid.UUID = described("Who created the task.")
    created_at: datetime = described("When it was created.")
    updated_at: datetime = described("When it last changed.")
    version: int = described("Increases with every change; the ETag.")
    state_id: uuid.UUID = described("Its workflow state; `status` is the state's category.")
    rank: str = described("Its place on the board: opaque, ordered by byte value.")
    estimate: int | None = described(_ESTIMATE_TEXT)
    start_at: datetime | None = described("When work on it starts, if planned.")
    cycle_id: uuid.UUID | None = described("The cycle it is planned in.")
    milestone_id: uuid.UUID | None = described("The milestone it counts towards.")


@attrs.frozen
class MoveTaskRequest:
    """Exactly one of `before_id`, `after_id`: a task of the same project."""

    before_id: uuid.UUID | None = None
    after_id: uuid.UUID | None = None
    state_id: uuid.UUID | None = None


@attrs.frozen
class BatchOperationRequest:
    """`data` is a task creation body for `create`, a task patch for `update`."""

    op: Literal["create", "update", "delete"]
    id: uuid.UUID | None = None
    data: dict[str, Any] | None = None


@attrs.frozen
class BatchRequest:
    operations: list[BatchOperationRequest]


@attrs.frozen
class BatchResultBody:
    op: str
    id: uuid.UUID
    task: TaskBody | None


@attrs.frozen
class BatchResponse:
    results: list[BatchResultBody]


@attrs.frozen
class AddDependencyRequest:
    depends_on_id: uuid.UUID


@attrs.frozen
class CreateLabelRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True, canonical=True)
    color: str = text(min_length=7, max_length=7, pattern=COLOR_PATTERN, description="#rrggbb")


@attrs.frozen
class UpdateLabelRequest(PartialUpdate):
    name: str | None = text(
        min_length=1, max_length=200, not_blank=True, canonical=True, default=None
    )
    color: str | None = text(
        min_length=7, max_length=7, pattern=COLOR_PATTERN, description="#rrggbb", default=None
    )


@attrs.frozen
class LabelBody:
    id: uuid.UUID
    name: str
    color: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class CommentRequest:
    body: str = text(min_length=1, max_length=20_000, not_blank=True)


@attrs.frozen
class CommentBody:
    id: uuid.UUID
    task_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class ActivityBody:
    """One audit entry of the task, newest first, in the audit log's shape.

    `ip` and `user_agent` say where a person was; only admins (who read the audit log
    anyway) see them here, everyone else gets null.
    """

    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: uuid.UUID
    changes: dict[str, list[Any]]
    ip: str | None
    user_agent: str | None
    request_id: str | None
