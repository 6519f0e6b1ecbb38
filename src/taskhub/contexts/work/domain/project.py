"""The Project aggregate: owns task numbering and whether tasks may be added."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.snapshots import diff, json_value
from taskhub.contexts.work.domain.values import (
    ProjectStatus,
    validated_project_key,
    validated_title,
)
from taskhub.shared_kernel.errors import Conflict
from taskhub.shared_kernel.ids import new_id

MUTABLE_FIELDS = ("name", "key", "description", "status")


@attrs.define(kw_only=True)
class Project:
    id: uuid.UUID
    org_id: uuid.UUID
    key: str
    name: str
    description: str
    status: ProjectStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        key: str,
        name: str,
        description: str,
        status: ProjectStatus,
        now: datetime,
    ) -> "Project":
        return cls(
            id=new_id(),
            org_id=org_id,
            key=validated_project_key(key),
            name=validated_title(name, "name"),
            description=description,
            status=status,
            created_at=now,
            updated_at=now,
        )

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MUTABLE_FIELDS}

    def change(self, changes: dict[str, Any], now: datetime) -> dict[str, tuple[Any, Any]]:
        if "key" in changes:
            validated_project_key(changes["key"])
        if "name" in changes:
            validated_title(changes["name"], "name")
        before = self.fields()
        for name, value in changes.items():
            setattr(self, name, value)
        changed = diff(before, self.fields())
        if changed:
            self.updated_at = now
            self.version += 1
        return changed

    def ensure_accepts_tasks(self) -> None:
        if self.status is ProjectStatus.ARCHIVED:
            raise Conflict(
                "The project is archived; it takes no new tasks.", code="project_archived"
            )

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
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "status": self.status.value,
            "created_at": json_value(self.created_at),
            "updated_at": json_value(self.updated_at),
            "version": self.version,
        }
