"""Workflow states: the columns of a project's board, each of a category that is a task
status, so a task's status always follows from its state."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.errors import StateRequired
from taskhub.contexts.work.domain.events import StateCreated, StateDeleted, StateUpdated
from taskhub.contexts.work.domain.values import TaskStatus, validated_color, validated_title
from taskhub.contexts.work.public.events import StateData
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id

DEFAULT_NAMES = {
    TaskStatus.TODO: "Todo",
    TaskStatus.IN_PROGRESS: "In progress",
    TaskStatus.IN_REVIEW: "In review",
    TaskStatus.DONE: "Done",
    TaskStatus.CANCELLED: "Cancelled",
}
DEFAULT_COLORS = {
    TaskStatus.TODO: "#8b949e",
    TaskStatus.IN_PROGRESS: "#1f6feb",
    TaskStatus.IN_REVIEW: "#a371f7",
    TaskStatus.DONE: "#2da44e",
    TaskStatus.CANCELLED: "#6e7781",
}
REQUIRED_CATEGORIES = (TaskStatus.TODO, TaskStatus.DONE)
"""A project keeps at least one state of each: new tasks start in one, and work ends in
the other."""


@attrs.define(kw_only=True)
class State(WorkAggregate):
    project_id: uuid.UUID
    name: str
    category: TaskStatus
    color: str
    position: int
    created_at: datetime

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        name: str,
        category: TaskStatus,
        color: str | None,
        position: int,
        now: datetime,
    ) -> "State":
        state = cls(
            id=new_id(),
            org_id=org_id,
            project_id=project_id,
            name=validated_title(name, "name"),
            category=category,
            color=validated_color(color) if color else DEFAULT_COLORS[category],
            position=position,
            created_at=now,
            updated_at=now,
        )
        state._happened(
            StateCreated, now, {"name": (None, state.name), "category": (None, category.value)}
        )
        return state

    @classmethod
    def defaults(cls, org_id: uuid.UUID, project_id: uuid.UUID, now: datetime) -> list["State"]:
        """A new project's states: one per category, named after it, in status order."""
        return [
            cls.create(
                org_id=org_id,
                project_id=project_id,
                name=DEFAULT_NAMES[category],
                category=category,
                color=None,
                position=position,
                now=now,
            )
            for position, category in enumerate(TaskStatus)
        ]

    def change(
        self,
        *,
        name: str | None = None,
        category: TaskStatus | None = None,
        color: str | None = None,
        position: int | None = None,
        siblings: Sequence["State"],
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """`siblings` are the project's other live states: a category change may not
        leave the project without a todo or a done state."""
        if name is not None:
            validated_title(name, "name")
        if color is not None:
            color = validated_color(color)
        if category is not None and category is not self.category:
            _keep_required(self, siblings)
        proposed = {"name": name, "category": category, "color": color, "position": position}
        return self._change(StateUpdated, proposed, now)

    def delete(self, siblings: Sequence["State"], now: datetime) -> None:
        _keep_required(self, siblings)
        self._delete(StateDeleted, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(StateData, self, category=self.category.value))


def _keep_required(leaving: State, siblings: Sequence[State]) -> None:
    if leaving.category in REQUIRED_CATEGORIES and not any(
        s.category is leaving.category for s in siblings if s.id != leaving.id
    ):
        raise StateRequired()


def first_of(states: Sequence[State], category: TaskStatus) -> State | None:
    """The state a task takes when only its status is written: the first by position."""
    matching = [s for s in states if s.category is category]
    return min(matching, key=lambda s: (s.position, s.id)) if matching else None
