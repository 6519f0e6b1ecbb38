"""The integration events the work context publishes (routing keys on the bus).

`data` of task events is the task as the API shows it; of project, comment and label
events, that resource (a comment with its `task_id`); of dependency events, the two
tasks; of state, cycle and milestone events, that part of the project's plan. The
classes below are the payloads and their published JSON Schema at once
(`shared_kernel.event_catalogue`): add fields, never rename or remove them.
"""

import uuid
from datetime import date, datetime

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
TASK_MOVED = "task.moved"
STATE_CREATED = "state.created"
STATE_UPDATED = "state.updated"
STATE_DELETED = "state.deleted"
CYCLE_CREATED = "cycle.created"
CYCLE_UPDATED = "cycle.updated"
CYCLE_DELETED = "cycle.deleted"
CYCLE_COMPLETED = "cycle.completed"
MILESTONE_CREATED = "milestone.created"
MILESTONE_UPDATED = "milestone.updated"
MILESTONE_DELETED = "milestone.deleted"


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
    state_id: uuid.UUID
    rank: str
    estimate: int | None
    start_at: datetime | None
    cycle_id: uuid.UUID | None
    milestone_id: uuid.UUID | None


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


@attrs.frozen(kw_only=True)
class StateData:
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    category: str
    color: str
    position: int
    version: int


@attrs.frozen(kw_only=True)
class CycleData:
    """Without `progress`, which changes with the cycle's tasks, not with the cycle."""

    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    completed_at: datetime | None
    version: int


@attrs.frozen(kw_only=True)
class MilestoneData:
    """Without `progress`, which changes with the milestone's tasks."""

    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    description: str
    due_on: date | None
    version: int


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
    EventType(TASK_MOVED, TaskData, "A task took a new place on its board (perhaps a new state)."),
    EventType(STATE_CREATED, StateData, "A workflow state was added to a project."),
    EventType(STATE_UPDATED, StateData, "A workflow state changed."),
    EventType(STATE_DELETED, StateData, "A workflow state was deleted; its tasks moved on."),
    EventType(CYCLE_CREATED, CycleData, "A cycle was planned."),
    EventType(CYCLE_UPDATED, CycleData, "A cycle changed."),
    EventType(CYCLE_DELETED, CycleData, "A cycle was deleted."),
    EventType(CYCLE_COMPLETED, CycleData, "A cycle was completed; its open tasks moved on."),
    EventType(MILESTONE_CREATED, MilestoneData, "A milestone was created."),
    EventType(MILESTONE_UPDATED, MilestoneData, "A milestone changed."),
    EventType(MILESTONE_DELETED, MilestoneData, "A milestone was deleted."),
)

PUBLISHED_TYPES = tuple(event_type.name for event_type in CATALOGUE)
