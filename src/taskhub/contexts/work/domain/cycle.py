"""Cycles (sprints): dated stretches of a project's work that never overlap, and
milestones: named goals a project's tasks count towards."""

import uuid
from datetime import date, datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.events import (
    CycleCompleted,
    CycleCreated,
    CycleDeleted,
    CycleUpdated,
    MilestoneCreated,
    MilestoneDeleted,
    MilestoneUpdated,
)
from taskhub.contexts.work.domain.snapshots import json_value
from taskhub.contexts.work.domain.values import KEEP, Keep, validated_title
from taskhub.contexts.work.public.events import CycleData, MilestoneData
from taskhub.shared_kernel.errors import Conflict, ValidationFailed
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed.single("ends_on", "must not be before starts_on")


@attrs.define(kw_only=True)
class Cycle(WorkAggregate):
    project_id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    completed_at: datetime | None
    created_at: datetime

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        name: str,
        starts_on: date,
        ends_on: date,
        now: datetime,
    ) -> "Cycle":
        _check_dates(starts_on, ends_on)
        cycle = cls(
            id=new_id(),
            org_id=org_id,
            project_id=project_id,
            name=validated_title(name, "name"),
            starts_on=starts_on,
            ends_on=ends_on,
            completed_at=None,
            created_at=now,
            updated_at=now,
        )
        cycle._happened(
            CycleCreated,
            now,
            {f: (None, json_value(getattr(cycle, f))) for f in ("name", "starts_on", "ends_on")},
        )
        return cycle

    def change(
        self,
        *,
        name: str | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        if name is not None:
            validated_title(name, "name")
        _check_dates(starts_on or self.starts_on, ends_on or self.ends_on)
        proposed = {"name": name, "starts_on": starts_on, "ends_on": ends_on}
        return self._change(CycleUpdated, proposed, now)

    def complete(self, now: datetime, moved_to: uuid.UUID | None, moved: int) -> None:
        if self.completed_at is not None:
            raise Conflict("The cycle is already complete.", code="cycle_completed")
        self.completed_at = now
        self._touch(now)
        self._happened(
            CycleCompleted,
            now,
            {
                "completed_at": (None, json_value(now)),
                "open_tasks_moved_to": (None, json_value(moved_to)),
                "open_tasks_moved": (None, moved),
            },
        )

    def delete(self, now: datetime) -> None:
        self._delete(CycleDeleted, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(CycleData, self))


@attrs.define(kw_only=True)
class Milestone(WorkAggregate):
    project_id: uuid.UUID
    name: str
    description: str
    due_on: date | None
    created_at: datetime

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        name: str,
        description: str,
        due_on: date | None,
        now: datetime,
    ) -> "Milestone":
        milestone = cls(
            id=new_id(),
            org_id=org_id,
            project_id=project_id,
            name=validated_title(name, "name"),
            description=description,
            due_on=due_on,
            created_at=now,
            updated_at=now,
        )
        milestone._happened(MilestoneCreated, now, {"name": (None, milestone.name)})
        return milestone

    def change(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        due_on: date | Keep | None = KEEP,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """None leaves a field as it is, except `due_on`, which None clears."""
        if name is not None:
            validated_title(name, "name")
        proposed = {
            "name": name,
            "description": description,
            "due_on": None if due_on is KEEP else due_on,
        }
        clearing = ["due_on"] if due_on is None else []
        return self._change(MilestoneUpdated, proposed, now, clearing=clearing)

    def delete(self, now: datetime) -> None:
        self._delete(MilestoneDeleted, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(MilestoneData, self))
