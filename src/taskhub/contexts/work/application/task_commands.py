"""What a caller may ask of a task: the fields of a new one and of a change.

Nothing else can be said: an id, an organization, a number or a version is not a
field of either, so no request can set one.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

import attrs

from taskhub.contexts.work.domain.values import KEEP, Keep, Priority, TaskStatus


def _id_set(ids: Iterable[uuid.UUID]) -> frozenset[uuid.UUID]:
    return frozenset(ids)


def _id_set_or_none(ids: Iterable[uuid.UUID] | None) -> frozenset[uuid.UUID] | None:
    return None if ids is None else frozenset(ids)


@attrs.frozen(kw_only=True)
class CreateTask:
    """`status` None: the state's category, or `todo` when no state is named either."""

    project_id: uuid.UUID
    title: str
    description: str = ""
    status: TaskStatus | None = None
    priority: Priority = Priority.MEDIUM
    due_at: datetime | None = None
    parent_id: uuid.UUID | None = None
    assignee_ids: frozenset[uuid.UUID] = attrs.field(default=frozenset(), converter=_id_set)
    label_ids: frozenset[uuid.UUID] = attrs.field(default=frozenset(), converter=_id_set)
    state_id: uuid.UUID | None = None
    estimate: int | None = None
    start_at: datetime | None = None
    cycle_id: uuid.UUID | None = None
    milestone_id: uuid.UUID | None = None


@attrs.frozen(kw_only=True)
class ChangeTask:
    """A PATCH of a task: None leaves a field as it is, except the nullable ones
    (`due_at`, `parent_id`, `estimate`, `start_at`, `cycle_id`, `milestone_id`), which
    None clears and KEEP leaves."""

    title: str | None = None
    description: str | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    due_at: datetime | Keep | None = KEEP
    parent_id: uuid.UUID | Keep | None = KEEP
    assignee_ids: frozenset[uuid.UUID] | None = attrs.field(default=None, converter=_id_set_or_none)
    label_ids: frozenset[uuid.UUID] | None = attrs.field(default=None, converter=_id_set_or_none)
    state_id: uuid.UUID | None = None
    estimate: int | Keep | None = KEEP
    start_at: datetime | Keep | None = KEEP
    cycle_id: uuid.UUID | Keep | None = KEEP
    milestone_id: uuid.UUID | Keep | None = KEEP
    expected_version: int | None = None


@attrs.frozen(kw_only=True)
class MoveTask:
    """A place on the board: directly before one task or after one (exactly one of
    them), and perhaps a new state."""

    before_id: uuid.UUID | None = None
    after_id: uuid.UUID | None = None
    state_id: uuid.UUID | None = None
