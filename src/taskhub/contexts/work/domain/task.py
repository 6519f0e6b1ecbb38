"""The Task aggregate.

Rules that need other tasks (dependencies before `done`, a parent chain without
cycles, assignees who are members) are checked by the use cases, which can load those
tasks; what a task knows about itself is checked here.
"""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.events import (
    DependencyAdded,
    DependencyRemoved,
    TaskCreated,
    TaskDeleted,
    TaskRestored,
    TaskUpdated,
)
from taskhub.contexts.work.domain.values import (
    KEEP,
    Keep,
    Priority,
    TaskStatus,
    validated_title,
)
from taskhub.contexts.work.public.events import TaskData
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id

MAX_ASSIGNEES = 20
MAX_LABELS = 20
"""The contract's maxima: each id is checked against the organization, so the lists are
bounded before any of that work starts."""


def _ids(ids: Collection[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    return None if ids is None else frozenset(ids)


@attrs.define(kw_only=True)
class Task(WorkAggregate):
    project_id: uuid.UUID
    project_key: str
    number: int
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    due_at: datetime | None
    parent_id: uuid.UUID | None
    assignee_ids: frozenset[uuid.UUID]
    label_ids: frozenset[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime

    @property
    def key(self) -> str:
        return f"{self.project_key}-{self.number}"

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        project_key: str,
        number: int,
        created_by: uuid.UUID,
        title: str,
        description: str = "",
        status: TaskStatus = TaskStatus.TODO,
        priority: Priority = Priority.MEDIUM,
        due_at: datetime | None = None,
        parent_id: uuid.UUID | None = None,
        assignee_ids: Collection[uuid.UUID] = (),
        label_ids: Collection[uuid.UUID] = (),
        now: datetime,
    ) -> "Task":
        task = cls(
            id=new_id(),
            org_id=org_id,
            project_id=project_id,
            project_key=project_key,
            number=number,
            title=validated_title(title),
            description=description,
            status=status,
            priority=priority,
            due_at=due_at,
            parent_id=parent_id,
            assignee_ids=frozenset(assignee_ids),
            label_ids=frozenset(label_ids),
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        if task.parent_id == task.id:
            raise ValidationFailed.single("parent_id", "must not be the task itself")
        task._happened(TaskCreated, now, {"title": (None, task.title)})
        return task

    def change(
        self,
        *,
        title: str | None = None,
        description: str | None = None,
        status: TaskStatus | None = None,
        priority: Priority | None = None,
        due_at: datetime | Keep | None = KEEP,
        parent_id: uuid.UUID | Keep | None = KEEP,
        assignee_ids: Collection[uuid.UUID] | None = None,
        label_ids: Collection[uuid.UUID] | None = None,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the fields given; None leaves a field as it is, except `due_at` and
        `parent_id`, which None clears (KEEP leaves them). Returns what changed."""
        if title is not None:
            validated_title(title)
        if parent_id == self.id:
            raise ValidationFailed.single("parent_id", "must not be the task itself")
        nullable = {"due_at": due_at, "parent_id": parent_id}
        proposed = {
            "title": title,
            "description": description,
            "status": status,
            "priority": priority,
            **{name: None if value is KEEP else value for name, value in nullable.items()},
            "assignee_ids": _ids(assignee_ids),
            "label_ids": _ids(label_ids),
        }
        clearing = [name for name, value in nullable.items() if value is None]
        return self._change(TaskUpdated, proposed, now, clearing=clearing)

    def delete(self, now: datetime) -> None:
        self._delete(TaskDeleted, now)

    def restore(self, now: datetime) -> None:
        self._restore(TaskRestored, now)

    def depends_on(self, blocker_id: uuid.UUID, now: datetime) -> None:
        """Record that the task now waits for `blocker_id` (the caller stored the link)."""
        self.record(DependencyAdded.between(self, blocker_id, now))

    def no_longer_depends_on(self, blocker_id: uuid.UUID, now: datetime) -> None:
        self.record(DependencyRemoved.between(self, blocker_id, now))

    def snapshot(self) -> dict[str, Any]:
        return event_data(
            fields_from(
                TaskData,
                self,
                assignee_ids=sorted(self.assignee_ids),
                label_ids=sorted(self.label_ids),
            )
        )
