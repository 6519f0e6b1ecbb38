"""Labels: named colours an organization tags tasks with."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.events import LabelCreated, LabelDeleted, LabelUpdated
from taskhub.contexts.work.domain.values import validated_color, validated_title
from taskhub.contexts.work.public.events import LabelData
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id


@attrs.define(kw_only=True)
class Label(WorkAggregate):
    name: str
    color: str
    created_at: datetime

    @classmethod
    def create(cls, *, org_id: uuid.UUID, name: str, color: str, now: datetime) -> "Label":
        label = cls(
            id=new_id(),
            org_id=org_id,
            name=validated_title(name, "name"),
            color=validated_color(color),
            created_at=now,
            updated_at=now,
        )
        label._happened(
            LabelCreated, now, {"name": (None, label.name), "color": (None, label.color)}
        )
        return label

    def change(
        self, *, name: str | None = None, color: str | None = None, now: datetime
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the fields given (None leaves one as it is); returns what changed."""
        if name is not None:
            validated_title(name, "name")
        if color is not None:
            color = validated_color(color)
        return self._change(LabelUpdated, {"name": name, "color": color}, now)

    def delete(self, now: datetime) -> None:
        self._delete(LabelDeleted, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(LabelData, self))
