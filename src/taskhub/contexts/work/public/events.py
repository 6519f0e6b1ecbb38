"""The integration events the work context publishes (routing keys on the bus).

`data` of task events is the task as the API shows it; of project, comment and label
events, that resource (a comment with its `task_id`); of dependency events, the two
tasks. The classes below are the payloads and their published JSON Schema at once
(`shared_kernel.event_catalogue`): add fields, never rename or remove them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.event_catalogue import EventType

TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"
TASK_DELETED = "task.deleted"
TASK_RESTORED = "task.restored"
COMMENT_CREATED = "comment.created"
COMMENT_UPDATED = "comment.updated"
COMMENT_DELETED = "comment.deleted"
PROJECT_CREATED = "project.created"
PROJECT_UPDATED = "project.updated"
PROJECT_DELETED = "project.deleted"
PROJECT_RESTORED = "project.restored"
LABEL_CREATED = "label.created"
LABEL_UPDATED = "label.updated"
LABEL_DELETED = "label.deleted"
DEPENDENCY_ADDED = "dependency.added"
DEPENDENCY_REMOVED = "dependency.removed"


@attrs.frozen(kw_only=True)
class TaskData:
    id: uuid.UUID
    project_id: uuid.UUID
    number: int
    key: str
    title: str
    description: str
    status: str
    priority: str
    due_at: datetime | None
    parent_id: uuid.UUID | None
    assignee_ids: list[uuid.UUID]
    label_ids: list[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen(kw_only=True)
class ProjectData:
    id: uuid.UUID
    key: str
    name: str
    description: str
    status: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen(kw_only=True)
class CommentData:
    id: uuid.UUID
    task_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen(kw_only=True)
class LabelData:
    id: uuid.UUID
    name: str
    color: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen(kw_only=True)
class DependencyData:
    """`task_id` waits for `depends_on_id`."""

    task_id: uuid.UUID
    depends_on_id: uuid.UUID


CATALOGUE = (
    EventType(TASK_CREATED, TaskData, "A task was created."),
    EventType(TASK_UPDATED, TaskData, "A task changed; `data` is the task after the change."),
    EventType(TASK_DELETED, TaskData, "A task was deleted (softly; it can be restored)."),
    EventType(TASK_RESTORED, TaskData, "A deleted task was restored."),
    EventType(COMMENT_CREATED, CommentData, "A comment was written on a task."),
    EventType(COMMENT_UPDATED, CommentData, "A comment was edited."),
    EventType(COMMENT_DELETED, CommentData, "A comment was deleted."),
    EventType(PROJECT_CREATED, ProjectData, "A project was created."),
    EventType(PROJECT_UPDATED, ProjectData, "A project changed."),
    EventType(PROJECT_DELETED, ProjectData, "A project was deleted (softly)."),
    EventType(PROJECT_RESTORED, ProjectData, "A deleted project was restored."),
    EventType(LABEL_CREATED, LabelData, "A label was created."),
    EventType(LABEL_UPDATED, LabelData, "A label changed."),
    EventType(LABEL_DELETED, LabelData, "A label was deleted."),
    EventType(DEPENDENCY_ADDED, DependencyData, "A task now depends on another."),
    EventType(DEPENDENCY_REMOVED, DependencyData, "A task no longer depends on another."),
)

PUBLISHED_TYPES = tuple(event_type.name for event_type in CATALOGUE)
