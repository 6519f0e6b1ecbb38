"""Labels: named colours an organization tags tasks with."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.snapshots import diff
from taskhub.contexts.work.domain.values import validated_color, validated_title
from taskhub.shared_kernel.ids import new_id


@attrs.define(kw_only=True)
class Label:
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    color: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

    @classmethod
    def create(cls, *, org_id: uuid.UUID, name: str, color: str, now: datetime) -> "Label":
        return cls(
            id=new_id(),
            org_id=org_id,
            name=validated_title(name, "name"),
            color=validated_color(color),
            created_at=now,
            updated_at=now,
        )

    def change(self, changes: dict[str, Any], now: datetime) -> dict[str, tuple[Any, Any]]:
        if "name" in changes:
            validated_title(changes["name"], "name")
        if "color" in changes:
            changes = {**changes, "color": validated_color(changes["color"])}
        before = {"name": self.name, "color": self.color}
        for name, value in changes.items():
            setattr(self, name, value)
        changed = diff(before, {"name": self.name, "color": self.color})
        if changed:
            self.updated_at = now
            self.version += 1
        return changed

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now
        self.version += 1
