"""The Task aggregate.

Rules that need other tasks (dependencies before `done`, a parent chain without
cycles, assignees who are members) are checked by the use cases, which can load those
tasks; what a task knows about itself is checked here.
"""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.snapshots import diff, json_value
from taskhub.contexts.work.domain.values import Priority, TaskStatus, validated_title
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id

MAX_ASSIGNEES = 20
MAX_LABELS = 20
"""The contract's maxima: each id is checked against the organization, so the lists are
bounded before any of that work starts."""

MUTABLE_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "parent_id",
    "assignee_ids",
    "label_ids",
)


@attrs.define(kw_only=True)
class Task:
    id: uuid.UUID
    org_id: uuid.UUID
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
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

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
        now: datetime,
        fields: dict[str, Any],
    ) -> "Task":
        task = cls(
            id=new_id(),
            org_id=org_id,
            project_id=project_id,
            project_key=project_key,
            number=number,
            title=validated_title(fields["title"]),
            description=fields.get("description", ""),
            status=fields.get("status", TaskStatus.TODO),
            priority=fields.get("priority", Priority.MEDIUM),
            due_at=fields.get("due_at"),
            parent_id=fields.get("parent_id"),
            assignee_ids=frozenset(fields.get("assignee_ids", ())),
            label_ids=frozenset(fields.get("label_ids", ())),
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        if task.parent_id == task.id:
            raise ValidationFailed.single("parent_id", "must not be the task itself")
        return task

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MUTABLE_FIELDS}

    def change(self, changes: dict[str, Any], now: datetime) -> dict[str, tuple[Any, Any]]:
        if "title" in changes:
            validated_title(changes["title"])
        if changes.get("parent_id") == self.id:
            raise ValidationFailed.single("parent_id", "must not be the task itself")
        before = self.fields()
        for name, value in changes.items():
            setattr(
                self, name, frozenset(value) if name in ("assignee_ids", "label_ids") else value
            )
        changed = diff(before, self.fields())
        if changed:
            self.updated_at = now
            self.version += 1
        return changed

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now
        self.version += 1

    def restore(self, now: datetime) -> None:
        self.deleted_at = None
        self.updated_at = now
        self.version += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "project_id": str(self.project_id),
            "number": self.number,
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "status": self.status.value,
            "priority": self.priority.value,
            "due_at": json_value(self.due_at),
            "parent_id": json_value(self.parent_id),
            "assignee_ids": json_value(self.assignee_ids),
            "label_ids": json_value(self.label_ids),
            "created_by": str(self.created_by),
            "created_at": json_value(self.created_at),
            "updated_at": json_value(self.updated_at),
            "version": self.version,
        }
