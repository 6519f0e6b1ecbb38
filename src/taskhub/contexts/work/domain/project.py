"""The Project aggregate: owns task numbering and whether tasks may be added."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.events import (
    ProjectCreated,
    ProjectDeleted,
    ProjectRestored,
    ProjectUpdated,
)
from taskhub.contexts.work.domain.values import (
    ProjectStatus,
    validated_project_key,
    validated_title,
)
from taskhub.contexts.work.public.events import ProjectData
from taskhub.shared_kernel.errors import Conflict
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id


@attrs.define(kw_only=True)
class Project(WorkAggregate):
    key: str
    name: str
    description: str
    status: ProjectStatus
    created_at: datetime

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
        project = cls(
            id=new_id(),
            org_id=org_id,
            key=validated_project_key(key),
            name=validated_title(name, "name"),
            description=description,
            status=status,
            created_at=now,
            updated_at=now,
        )
        snapshot = project.snapshot()
        project._happened(
            ProjectCreated, now, {f: (None, snapshot[f]) for f in ("key", "name", "status")}
        )
        return project

    def change(
        self,
        *,
        name: str | None = None,
        key: str | None = None,
        description: str | None = None,
        status: ProjectStatus | None = None,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the fields given (None leaves one as it is); returns what changed."""
        # Validate everything before changing anything.
        if key is not None:
            validated_project_key(key)
        if name is not None:
            validated_title(name, "name")
        proposed = {"name": name, "key": key, "description": description, "status": status}
        return self._change(ProjectUpdated, proposed, now)

    def ensure_accepts_tasks(self) -> None:
        if self.status is ProjectStatus.ARCHIVED:
            raise Conflict(
                "The project is archived; it takes no new tasks.", code="project_archived"
            )

    def delete(self, now: datetime) -> None:
        self._delete(ProjectDeleted, now)

    def restore(self, now: datetime) -> None:
        self._restore(ProjectRestored, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(ProjectData, self))
