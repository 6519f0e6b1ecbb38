"""The fakes of the planning repositories: states, cycles, milestones."""

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.application.testing.store import StoredRows, WorkStore
from taskhub.contexts.work.domain.cycle import Cycle, Milestone
from taskhub.contexts.work.domain.errors import CycleOverlap
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.shared_kernel.in_memory_pages import (
    KeyOrder,
    KeyTerm,
    by_time_then_id,
    creation_key,
    keyset_page,
)
from taskhub.shared_kernel.pagination import Page, PageRequest

_KEPT = ("org_id", "project_id", "created_at")


def _stepped(task: Task, now: datetime, **values: Any) -> None:
    for name, value in values.items():
        setattr(task, name, value)
    task.version += 1
    task.updated_at = now


def _progress(tasks: Sequence[Task]) -> Progress:
    done = [t for t in tasks if t.status is TaskStatus.DONE]
    return Progress(
        tasks=len(tasks),
        done=len(done),
        points=sum(t.estimate or 0 for t in tasks),
        points_done=sum(t.estimate or 0 for t in done),
    )


def _live_of(store: WorkStore, org_id: uuid.UUID, field: str, value: uuid.UUID) -> list[Task]:
    return [
        t
        for t in store.tasks.values()
        if t.org_id == org_id and getattr(t, field) == value and t.deleted_at is None
    ]


def _visible(org_id: uuid.UUID, include_deleted: bool) -> Any:
    return lambda row: row.org_id == org_id and (include_deleted or row.deleted_at is None)


class FakeStateRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.states, kept_on_update=_KEPT)

    def add_all(self, states: Sequence[State]) -> None:
        for state in states:
            self._rows.insert(state)

    def get(
        self,
        org_id: uuid.UUID,
        state_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> State | None:
        return self._rows.read(state_id, _visible(org_id, include_deleted))

    def update(self, state: State) -> None:
        self._rows.update(state)

    def of_project(self, org_id: uuid.UUID, project_id: uuid.UUID) -> list[State]:
        live = self._rows.live(
            lambda s: s.org_id == org_id and s.project_id == project_id and s.deleted_at is None
        )
        return sorted(live, key=lambda s: (s.position, s.id))

    def holds_tasks(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        return bool(_live_of(self._store, org_id, "state_id", state_id))

    def blocks_done(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        waiting = {t.id for t in _live_of(self._store, org_id, "state_id", state_id)}
        for task_id, blocker_id in self._store.dependencies:
            blocker = self._store.tasks.get(blocker_id)
            if (
                task_id in waiting
                and blocker is not None
                and blocker.deleted_at is None
                and not blocker.status.is_closed
            ):
                return True
        return False

    def move_tasks(self, org_id: uuid.UUID, from_id: uuid.UUID, to: State, now: datetime) -> int:
        moved = [
            t for t in self._store.tasks.values() if t.org_id == org_id and t.state_id == from_id
        ]
        for task in moved:
            _stepped(task, now, state_id=to.id, status=to.category)
        return len(moved)


class FakeCycleRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.cycles, kept_on_update=_KEPT)

    def add(self, cycle: Cycle) -> None:
        self._refuse_overlap(cycle)
        self._rows.insert(cycle)

    def get(
        self,
        org_id: uuid.UUID,
        cycle_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Cycle | None:
        return self._rows.read(cycle_id, _visible(org_id, include_deleted))

    def update(self, cycle: Cycle) -> None:
        if cycle.deleted_at is None:
            self._refuse_overlap(cycle)
        self._rows.update(cycle)

    def _refuse_overlap(self, cycle: Cycle) -> None:
        """As PostgreSQL's exclusion constraint does."""
        if self.overlapping(
            cycle.org_id, cycle.project_id, cycle.starts_on, cycle.ends_on, other_than=cycle.id
        ):
            raise CycleOverlap()

    def overlapping(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        starts_on: date,
        ends_on: date,
        *,
        other_than: uuid.UUID | None,
    ) -> bool:
        return any(
            c.org_id == org_id
            and c.project_id == project_id
            and c.deleted_at is None
            and c.id != other_than
            and c.starts_on <= ends_on
            and c.ends_on >= starts_on
            for c in self._store.cycles.values()
        )

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Cycle]:
        live = self._rows.live(
            lambda c: c.org_id == org_id and c.project_id == project_id and c.deleted_at is None
        )
        order: KeyOrder[Cycle] = KeyOrder(
            terms=(KeyTerm(date.fromisoformat), KeyTerm(uuid.UUID)),
            values=lambda c: (c.starts_on, c.id),
        )
        return keyset_page(live, page, order)

    def progress(
        self, org_id: uuid.UUID, cycle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]:
        return {i: _progress(_live_of(self._store, org_id, "cycle_id", i)) for i in cycle_ids}

    def move_open_tasks(
        self, org_id: uuid.UUID, cycle_id: uuid.UUID, to: uuid.UUID | None, now: datetime
    ) -> int:
        moved = [
            t for t in _live_of(self._store, org_id, "cycle_id", cycle_id) if not t.status.is_closed
        ]
        for task in moved:
            _stepped(task, now, cycle_id=to)
        return len(moved)


class FakeMilestoneRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.milestones, kept_on_update=_KEPT)

    def add(self, milestone: Milestone) -> None:
        self._rows.insert(milestone)

    def get(
        self,
        org_id: uuid.UUID,
        milestone_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Milestone | None:
        return self._rows.read(milestone_id, _visible(org_id, include_deleted))

    def update(self, milestone: Milestone) -> None:
        self._rows.update(milestone)

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Milestone]:
        live = self._rows.live(
            lambda m: m.org_id == org_id and m.project_id == project_id and m.deleted_at is None
        )
        return keyset_page(live, page, by_time_then_id(creation_key))

    def progress(
        self, org_id: uuid.UUID, milestone_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]:
        return {
            i: _progress(_live_of(self._store, org_id, "milestone_id", i)) for i in milestone_ids
        }
