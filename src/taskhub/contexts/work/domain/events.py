"""Work's events, one class per fact. Every change is audited in the organization's log
and published, carrying the resource as the API showed it when the event happened
(dependencies: the two tasks)."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, Self

import attrs

from taskhub.contexts.work.public.events import (
    COMMENT_CREATED,
    COMMENT_DELETED,
    COMMENT_UPDATED,
    CYCLE_COMPLETED,
    CYCLE_CREATED,
    CYCLE_DELETED,
    CYCLE_UPDATED,
    DEPENDENCY_ADDED,
    DEPENDENCY_REMOVED,
    LABEL_CREATED,
    LABEL_DELETED,
    LABEL_UPDATED,
    MILESTONE_CREATED,
    MILESTONE_DELETED,
    MILESTONE_UPDATED,
    PROJECT_CREATED,
    PROJECT_DELETED,
    PROJECT_RESTORED,
    PROJECT_UPDATED,
    STATE_CREATED,
    STATE_DELETED,
    STATE_UPDATED,
    TASK_CREATED,
    TASK_DELETED,
    TASK_MOVED,
    TASK_RESTORED,
    TASK_UPDATED,
    DependencyData,
)
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.events import AuditFacts, DomainEvent, IntegrationEvent
from taskhub.shared_kernel.ids import new_id


class Resource(Protocol):
    """What an event needs from the aggregate it happened to."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def org_id(self) -> uuid.UUID: ...

    def snapshot(self) -> dict[str, Any]: ...


@attrs.frozen(kw_only=True)
class WorkEvent(DomainEvent):
    """Something that happened to one resource of an organization, audited in its log."""

    org_id: uuid.UUID
    entity_id: uuid.UUID
    changes: Mapping[str, tuple[Any, Any]] = attrs.field(factory=dict)

    action = ""
    entity_type = ""

    @classmethod
    def of(cls, resource: Resource, now: datetime, changes: Mapping[str, tuple[Any, Any]]) -> Self:
        return cls(
            event_id=new_id(),
            occurred_at=now,
            org_id=resource.org_id,
            entity_id=resource.id,
            changes=changes,
        )

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self.entity_id,
            org_id=self.org_id,
            changes=self.changes,
        )


@attrs.frozen(kw_only=True)
class PublishedWorkEvent(WorkEvent):
    """Also published, under its action, with the resource as it was at that moment
    (taken when the event is recorded: a later change in the same unit of work does not
    rewrite what this one said)."""

    resource: Mapping[str, Any]

    @classmethod
    def of(cls, resource: Resource, now: datetime, changes: Mapping[str, tuple[Any, Any]]) -> Self:
        return cls(
            event_id=new_id(),
            occurred_at=now,
            org_id=resource.org_id,
            entity_id=resource.id,
            changes=changes,
            resource=resource.snapshot(),
        )

    @property
    def ordering_key(self) -> str:
        """Events of one entity are delivered in order."""
        return str(self.entity_id)

    def integration_event(self) -> IntegrationEvent:
        return IntegrationEvent(
            event_id=self.event_id,
            type=self.action,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=self.ordering_key,
            data=self.resource,
        )


@attrs.frozen(kw_only=True)
class ProjectCreated(PublishedWorkEvent):
    action = PROJECT_CREATED
    entity_type = "project"


@attrs.frozen(kw_only=True)
class ProjectUpdated(PublishedWorkEvent):
    action = PROJECT_UPDATED
    entity_type = "project"


@attrs.frozen(kw_only=True)
class ProjectDeleted(PublishedWorkEvent):
    action = PROJECT_DELETED
    entity_type = "project"


@attrs.frozen(kw_only=True)
class ProjectRestored(PublishedWorkEvent):
    action = PROJECT_RESTORED
    entity_type = "project"


@attrs.frozen(kw_only=True)
class TaskCreated(PublishedWorkEvent):
    action = TASK_CREATED
    entity_type = "task"


@attrs.frozen(kw_only=True)
class TaskUpdated(PublishedWorkEvent):
    action = TASK_UPDATED
    entity_type = "task"


@attrs.frozen(kw_only=True)
class TaskDeleted(PublishedWorkEvent):
    action = TASK_DELETED
    entity_type = "task"


@attrs.frozen(kw_only=True)
class TaskRestored(PublishedWorkEvent):
    action = TASK_RESTORED
    entity_type = "task"


@attrs.frozen(kw_only=True)
class TaskMoved(PublishedWorkEvent):
    """The task took a new place on the board (and perhaps a new state)."""

    action = TASK_MOVED
    entity_type = "task"


@attrs.frozen(kw_only=True)
class DependencyEvent(WorkEvent):
    """`entity_id` is the waiting task, audited as a change of it (`changes` names the
    task it depends on); published as a dependency, in the waiting task's order."""

    depends_on_id: uuid.UUID
    published_type = ""

    @classmethod
    def between(cls, task: Resource, depends_on_id: uuid.UUID, now: datetime) -> Self:
        link = str(depends_on_id)
        change = (None, link) if cls.published_type == DEPENDENCY_ADDED else (link, None)
        return cls(
            event_id=new_id(),
            occurred_at=now,
            org_id=task.org_id,
            entity_id=task.id,
            changes={"depends_on": change},
            depends_on_id=depends_on_id,
        )

    def integration_event(self) -> IntegrationEvent:
        data = DependencyData(task_id=self.entity_id, depends_on_id=self.depends_on_id)
        return IntegrationEvent(
            event_id=self.event_id,
            type=self.published_type,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=str(self.entity_id),
            data=event_data(data),
        )


@attrs.frozen(kw_only=True)
class DependencyAdded(DependencyEvent):
    action = "task.dependency_added"
    entity_type = "task"
    published_type = DEPENDENCY_ADDED


@attrs.frozen(kw_only=True)
class DependencyRemoved(DependencyEvent):
    action = "task.dependency_removed"
    entity_type = "task"
    published_type = DEPENDENCY_REMOVED


@attrs.frozen(kw_only=True)
class LabelCreated(PublishedWorkEvent):
    action = LABEL_CREATED
    entity_type = "label"


@attrs.frozen(kw_only=True)
class LabelUpdated(PublishedWorkEvent):
    action = LABEL_UPDATED
    entity_type = "label"


@attrs.frozen(kw_only=True)
class LabelDeleted(PublishedWorkEvent):
    action = LABEL_DELETED
    entity_type = "label"


@attrs.frozen(kw_only=True)
class CommentEvent(PublishedWorkEvent):
    entity_type = "comment"

    @property
    def ordering_key(self) -> str:
        """A task's comments arrive in the order they were written."""
        return str(self.resource["task_id"])


@attrs.frozen(kw_only=True)
class CommentCreated(CommentEvent):
    action = COMMENT_CREATED


@attrs.frozen(kw_only=True)
class CommentUpdated(CommentEvent):
    action = COMMENT_UPDATED


@attrs.frozen(kw_only=True)
class CommentDeleted(CommentEvent):
    action = COMMENT_DELETED


@attrs.frozen(kw_only=True)
class ProjectPartEvent(PublishedWorkEvent):
    """A change to a part of a project's plan: its events are delivered in order with
    the project's other parts."""

    @property
    def ordering_key(self) -> str:
        return str(self.resource["project_id"])


@attrs.frozen(kw_only=True)
class StateCreated(ProjectPartEvent):
    action = STATE_CREATED
    entity_type = "state"


@attrs.frozen(kw_only=True)
class StateUpdated(ProjectPartEvent):
    action = STATE_UPDATED
    entity_type = "state"


@attrs.frozen(kw_only=True)
class StateDeleted(ProjectPartEvent):
    action = STATE_DELETED
    entity_type = "state"


@attrs.frozen(kw_only=True)
class CycleCreated(ProjectPartEvent):
    action = CYCLE_CREATED
    entity_type = "cycle"


@attrs.frozen(kw_only=True)
class CycleUpdated(ProjectPartEvent):
    action = CYCLE_UPDATED
    entity_type = "cycle"


@attrs.frozen(kw_only=True)
class CycleDeleted(ProjectPartEvent):
    action = CYCLE_DELETED
    entity_type = "cycle"


@attrs.frozen(kw_only=True)
class CycleCompleted(ProjectPartEvent):
    action = CYCLE_COMPLETED
    entity_type = "cycle"


@attrs.frozen(kw_only=True)
class MilestoneCreated(ProjectPartEvent):
    action = MILESTONE_CREATED
    entity_type = "milestone"


@attrs.frozen(kw_only=True)
class MilestoneUpdated(ProjectPartEvent):
    action = MILESTONE_UPDATED
    entity_type = "milestone"


@attrs.frozen(kw_only=True)
class MilestoneDeleted(ProjectPartEvent):
    action = MILESTONE_DELETED
    entity_type = "milestone"
