"""What the planning use cases (states, cycles, milestones, ranks) need from storage."""

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

import attrs

from taskhub.contexts.work.domain.cycle import Cycle, Milestone
from taskhub.contexts.work.domain.state import State
from taskhub.shared_kernel.pagination import Page, PageRequest


class RankTaken(Exception):
    """Another writer gave a task of the project this rank first (the database's unique
    index said so): the unit of work is rolled back and tried again."""


@attrs.frozen
class Progress:
    """How far the live tasks of a cycle or a milestone are: counted by the database."""

    tasks: int = 0
    done: int = 0
    points: int = 0
    points_done: int = 0


class StateRepository(Protocol):
    def add_all(self, states: Sequence[State]) -> None: ...

    def get(
        self,
        org_id: uuid.UUID,
        state_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> State | None: ...

    def update(self, state: State) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved)."""
        ...

    def of_project(self, org_id: uuid.UUID, project_id: uuid.UUID) -> list[State]:
        """The project's live states, by position, then id."""
        ...

    def holds_tasks(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        """Whether any task (deleted ones included: they may be restored) is in it."""
        ...

    def blocks_done(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        """Whether a live task of the state waits on a task neither done nor cancelled."""
        ...

    def move_tasks(self, org_id: uuid.UUID, from_id: uuid.UUID, to: State, now: datetime) -> int:
        """Put every task of `from_id` in `to` (and its category), each one's version
        stepped; how many moved."""
        ...


class CycleRepository(Protocol):
    def add(self, cycle: Cycle) -> None:
        """Raise CycleOverlap if a live cycle of the project overlaps it."""
        ...

    def get(
        self,
        org_id: uuid.UUID,
        cycle_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Cycle | None: ...

    def update(self, cycle: Cycle) -> None:
        """As `add` for overlaps, and compare-and-set on the version it was read at."""
        ...

    def overlapping(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        starts_on: date,
        ends_on: date,
        *,
        other_than: uuid.UUID | None,
    ) -> bool: ...

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Cycle]:
        """The project's live cycles, by start date."""
        ...

    def progress(
        self, org_id: uuid.UUID, cycle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]: ...

    def move_open_tasks(
        self, org_id: uuid.UUID, cycle_id: uuid.UUID, to: uuid.UUID | None, now: datetime
    ) -> int:
        """Move the cycle's tasks that are neither done nor cancelled to `to` (None: out
        of any cycle), each one's version stepped; how many moved."""
        ...


class MilestoneRepository(Protocol):
    def add(self, milestone: Milestone) -> None: ...

    def get(
        self,
        org_id: uuid.UUID,
        milestone_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Milestone | None: ...

    def update(self, milestone: Milestone) -> None: ...

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Milestone]:
        """The project's live milestones, oldest first."""
        ...

    def progress(
        self, org_id: uuid.UUID, milestone_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]: ...
