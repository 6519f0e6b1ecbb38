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
    TaskMoved,
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
MAX_ESTIMATE = 1000
"""The contract's maxima: each id is checked against the organization, so the lists are
bounded before any of that work starts."""


def _ids(ids: Collection[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    return None if ids is None else frozenset(ids)


def _validated_estimate(estimate: int | None) -> int | None:
    if estimate is not None and not 0 <= estimate <= MAX_ESTIMATE:
        raise ValidationFailed.single("estimate", f"must be 0-{MAX_ESTIMATE}")
    return estimate


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
    state_id: uuid.UUID
    rank: str
    estimate: int | None = None
    start_at: datetime | None = None
    cycle_id: uuid.UUID | None = None
    milestone_id: uuid.UUID | None = None

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
        state_id: uuid.UUID,
        rank: str,
        estimate: int | None = None,
        start_at: datetime | None = None,
        cycle_id: uuid.UUID | None = None,
        milestone_id: uuid.UUID | None = None,
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
            state_id=state_id,
            rank=rank,
            estimate=_validated_estimate(estimate),
            start_at=start_at,
            cycle_id=cycle_id,
            milestone_id=milestone_id,
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
        state_id: uuid.UUID | None = None,
        estimate: int | Keep | None = KEEP,
        start_at: datetime | Keep | None = KEEP,
        cycle_id: uuid.UUID | Keep | None = KEEP,
        milestone_id: uuid.UUID | Keep | None = KEEP,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the fields given; None leaves a field as it is, except the nullable ones
        (`due_at`, `parent_id`, `estimate`, `start_at`, `cycle_id`, `milestone_id`), which
        None clears (KEEP leaves them). `status` and `state_id` come together: the use
        case resolves one from the other. Returns what changed."""
        if title is not None:
            validated_title(title)
        if parent_id == self.id:
            raise ValidationFailed.single("parent_id", "must not be the task itself")
        if isinstance(estimate, int):
            _validated_estimate(estimate)
        nullable = {
            "due_at": due_at,
            "parent_id": parent_id,
            "estimate": estimate,
            "start_at": start_at,
            "cycle_id": cycle_id,
            "milestone_id": milestone_id,
        }
        proposed = {
            "title": title,
            "description": description,
            "status": status,
            "state_id": state_id,
            "priority": priority,
            **{name: None if value is KEEP else value for name, value in nullable.items()},
            "assignee_ids": _ids(assignee_ids),
            "label_ids": _ids(label_ids),
        }
        clearing = [name for name, value in nullable.items() if value is None]
        return self._change(TaskUpdated, proposed, now, clearing=clearing)

    def move(
        self, *, rank: str, state_id: uuid.UUID, status: TaskStatus, now: datetime
    ) -> dict[str, tuple[Any, Any]]:
        """Take a new place on the board (and perhaps a new state, with its category)."""
        proposed = {"rank": rank, "state_id": state_id, "status": status}
        return self._change(TaskMoved, proposed, now)

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
