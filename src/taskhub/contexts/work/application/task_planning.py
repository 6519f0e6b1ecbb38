"""What a task's plan refers to, checked against its project: its state (which decides
its status), its cycle and its milestone; and the retries that keep ranks unique."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from taskhub.contexts.work.application.planning_ports import RankTaken
from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.state import State, first_of
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.shared_kernel.errors import Conflict, ValidationFailed

T = TypeVar("T")

MAX_RANK_ATTEMPTS = 25
"""Each attempt that loses a rank to a concurrent writer sees that writer's rank on the
next one, so one writer wins per round: enough rounds for any realistic crowd."""


def retrying_rank_conflicts(work: Callable[[], T]) -> T:
    """Run a whole unit of work again when another writer took its rank first."""
    for _ in range(MAX_RANK_ATTEMPTS):
        try:
            return work()
        except RankTaken:
            continue
    raise Conflict("The board is too busy to place the task; try again.", code="rank_conflict")


def resolve_state(
    uow: WorkUnitOfWork,
    org_id: uuid.UUID,
    project_id: uuid.UUID,
    *,
    state_id: uuid.UUID | None,
    status: TaskStatus | None,
) -> State | None:
    """The state a write puts the task in: the one named (its category must agree with a
    status sent with it), else the first of the status's category; None when neither
    is written."""
    if state_id is not None:
        state = uow.states.get(org_id, state_id)
        if state is None or state.project_id != project_id:
            raise ValidationFailed.single("state_id", "must be a state of the task's project")
        if status is not None and status is not state.category:
            raise ValidationFailed.single("status", "must be the category of state_id")
        return state
    if status is None:
        return None
    state = first_of(uow.states.of_project(org_id, project_id), status)
    if state is None:
        raise Conflict(
            f"The project has no state of category {status.value}.", code="state_required"
        )
    return state


def check_plan(
    uow: WorkUnitOfWork,
    org_id: uuid.UUID,
    project_id: uuid.UUID,
    *,
    cycle_id: uuid.UUID | None,
    milestone_id: uuid.UUID | None,
) -> None:
    """A cycle and a milestone named by a task are live ones of its project."""
    if cycle_id is not None:
        cycle = uow.cycles.get(org_id, cycle_id)
        if cycle is None or cycle.project_id != project_id:
            raise ValidationFailed.single("cycle_id", "must be a cycle of the task's project")
    if milestone_id is not None:
        milestone = uow.milestones.get(org_id, milestone_id)
        if milestone is None or milestone.project_id != project_id:
            raise ValidationFailed.single(
                "milestone_id", "must be a milestone of the task's project"
            )
