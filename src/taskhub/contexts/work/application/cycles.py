"""Cycles of a project: dated, never overlapping, completed with their open tasks moved
on (or out) in the same transaction.

Writes lock the project first, so two cycles written at once are checked one after the
other; PostgreSQL also refuses an overlap by an exclusion constraint.
"""

import uuid
from datetime import date

import attrs

from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.application.projects import project_not_found
from taskhub.contexts.work.domain.cycle import Cycle
from taskhub.contexts.work.domain.errors import CycleOverlap
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ChangeCycle:
    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    expected_version: int | None = None


@attrs.frozen
class CycleWithProgress:
    cycle: Cycle
    progress: Progress


def cycle_not_found() -> NotFound:
    return NotFound("The cycle was not found.")


class CycleService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, actor: Actor, project_id: uuid.UUID, *, name: str, starts_on: date, ends_on: date
    ) -> CycleWithProgress:
        cycle = Cycle.create(
            org_id=actor.org_id,
            project_id=project_id,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            now=self._clock.now(),
        )
        with self._uow() as uow:
            _lock_project(uow, actor, project_id)
            self._check_overlap(uow, cycle)
            uow.cycles.add(cycle)
            uow.track(cycle)
            uow.commit()
        return CycleWithProgress(cycle, Progress())

    def page(
        self, actor: Actor, project_id: uuid.UUID, page: PageRequest
    ) -> Page[CycleWithProgress]:
        with self._uow(read_only=True) as uow:
            if uow.projects.get(actor.org_id, project_id) is None:
                raise project_not_found()
            found = uow.cycles.page(actor.org_id, project_id, page)
            progress = uow.cycles.progress(actor.org_id, [c.id for c in found.items])
        return found.map(lambda c: CycleWithProgress(c, progress.get(c.id, Progress())))

    def get(self, actor: Actor, project_id: uuid.UUID, cycle_id: uuid.UUID) -> CycleWithProgress:
        with self._uow(read_only=True) as uow:
            cycle = uow.cycles.get(actor.org_id, cycle_id)
            if cycle is None or cycle.project_id != project_id:
                raise cycle_not_found()
            return self._with_progress(uow, cycle)

    def change(
        self, actor: Actor, project_id: uuid.UUID, cycle_id: uuid.UUID, command: ChangeCycle
    ) -> CycleWithProgress:
        with self._uow() as uow:
            _lock_project(uow, actor, project_id)
            cycle = self._for_write(uow, actor, project_id, cycle_id, command.expected_version)
            changed = cycle.change(
                name=command.name,
                starts_on=command.starts_on,
                ends_on=command.ends_on,
                now=self._clock.now(),
            )
            if changed:
                self._check_overlap(uow, cycle)
                uow.cycles.update(cycle)
                uow.track(cycle)
                uow.commit()
            return self._with_progress(uow, cycle)

    def complete(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        cycle_id: uuid.UUID,
        move_open_to: uuid.UUID | None,
    ) -> CycleWithProgress:
        with self._uow() as uow:
            _lock_project(uow, actor, project_id)
            cycle = self._for_write(uow, actor, project_id, cycle_id, None)
            if move_open_to is not None:
                target = uow.cycles.get(actor.org_id, move_open_to)
                if target is None or target.project_id != project_id or target.id == cycle.id:
                    raise ValidationFailed.single(
                        "move_open_to", "must be another cycle of the same project"
                    )
            now = self._clock.now()
            moved = uow.cycles.move_open_tasks(actor.org_id, cycle.id, move_open_to, now)
            cycle.complete(now, move_open_to, moved)
            uow.cycles.update(cycle)
            uow.track(cycle)
            uow.commit()
            return self._with_progress(uow, cycle)

    def delete(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        cycle_id: uuid.UUID,
        expected_version: int | None,
    ) -> None:
        with self._uow() as uow:
            cycle = self._for_write(uow, actor, project_id, cycle_id, expected_version)
            cycle.delete(self._clock.now())
            uow.cycles.update(cycle)
            uow.track(cycle)
            uow.commit()

    @staticmethod
    def _with_progress(uow: WorkUnitOfWork, cycle: Cycle) -> CycleWithProgress:
        progress = uow.cycles.progress(cycle.org_id, [cycle.id]).get(cycle.id, Progress())
        return CycleWithProgress(cycle, progress)

    @staticmethod
    def _check_overlap(uow: WorkUnitOfWork, cycle: Cycle) -> None:
        if uow.cycles.overlapping(
            cycle.org_id, cycle.project_id, cycle.starts_on, cycle.ends_on, other_than=cycle.id
        ):
            raise CycleOverlap()

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork,
        actor: Actor,
        project_id: uuid.UUID,
        cycle_id: uuid.UUID,
        expected_version: int | None,
    ) -> Cycle:
        cycle = load_for_write(
            lambda deleted: uow.cycles.get(
                actor.org_id, cycle_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            cycle_not_found,
        )
        if cycle.project_id != project_id:
            raise cycle_not_found()
        return cycle


def _lock_project(uow: WorkUnitOfWork, actor: Actor, project_id: uuid.UUID) -> None:
    if uow.projects.get(actor.org_id, project_id, for_update=True) is None:
        raise project_not_found()
