"""Request and response bodies of the planning endpoints: states, cycles, milestones."""

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

import attrs

from taskhub.contexts.work.domain.values import COLOR_PATTERN, TaskStatus
from taskhub.platform.http.fields import PartialUpdate, described, text

_CATEGORY = "A task status: todo, in_progress, in_review, done or cancelled."


def _name(default: Any = attrs.NOTHING) -> Any:
    return text(min_length=1, max_length=200, not_blank=True, default=default)


def _color(default: Any) -> Any:
    return text(
        min_length=7, max_length=7, pattern=COLOR_PATTERN, description="#rrggbb", default=default
    )


@attrs.frozen
class CreateStateRequest:
    name: str = _name()
    category: TaskStatus = described(_CATEGORY)
    color: str | None = _color(None)
    position: int | None = described(
        "Board order; after the last state unless given.", default=None
    )


@attrs.frozen
class UpdateStateRequest(PartialUpdate):
    name: str | None = _name(None)
    category: TaskStatus | None = None
    color: str | None = _color(None)
    position: int | None = None


@attrs.frozen
class StateBody:
    id: uuid.UUID
    name: str
    category: TaskStatus = described(_CATEGORY)
    color: str = described("#rrggbb")
    position: int = described("Board order, lowest first.")
    version: int = described("Increases with every change; the ETag.")


@attrs.frozen
class StateListBody:
    items: list[StateBody]


@attrs.frozen
class ProgressBody:
    tasks: int
    done: int
    points: int
    points_done: int


@attrs.frozen
class CreateCycleRequest:
    name: str = _name()
    starts_on: date = described("First day, YYYY-MM-DD.")
    ends_on: date = described("Last day, YYYY-MM-DD; not before starts_on.")


@attrs.frozen
class UpdateCycleRequest(PartialUpdate):
    name: str | None = _name(None)
    starts_on: date | None = None
    ends_on: date | None = None


@attrs.frozen
class CompleteCycleRequest:
    move_open_to: uuid.UUID | None = described(
        "Another cycle of the project for its open tasks; null: they leave the cycle.",
        default=None,
    )


@attrs.frozen
class CycleBody:
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    completed_at: datetime | None
    progress: ProgressBody
    version: int


@attrs.frozen
class CreateMilestoneRequest:
    name: str = _name()
    description: str = text(max_length=20_000, default="")
    due_on: date | None = None


@attrs.frozen
class UpdateMilestoneRequest(PartialUpdate):
    """`null` clears `due_on`."""

    clearable: ClassVar[frozenset[str]] = frozenset({"due_on"})

    name: str | None = _name(None)
    description: str | None = text(max_length=20_000, default=None)
    due_on: date | None = None


@attrs.frozen
class MilestoneBody:
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    description: str
    due_on: date | None
    progress: ProgressBody
    version: int
