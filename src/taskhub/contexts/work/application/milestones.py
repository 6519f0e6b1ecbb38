"""Milestones of a project: named goals whose progress is counted from their tasks."""

import uuid
from datetime import date

import attrs

from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.application.projects import project_not_found
from taskhub.contexts.work.domain.cycle import Milestone
from taskhub.contexts.work.domain.values import KEEP, Keep
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ChangeMilestone:
    """None leaves a field as it is, except `due_on`, which None clears (KEEP leaves it)."""

    name: str | None = None
    description: str | None = None
    due_on: date | Keep | None = KEEP
    expected_version: int | None = None


@attrs.frozen
class MilestoneWithProgress:
    milestone: Milestone
    progress: Progress


def milestone_not_found() -> NotFound:
    return NotFound("The milestone was not found.")


class MilestoneService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        *,
        name: str,
        description: str,
        due_on: date | None,
    ) -> MilestoneWithProgress:
        milestone = Milestone.create(
            org_id=actor.org_id,
            project_id=project_id,
            name=name,
            description=description,
            due_on=due_on,
            now=self._clock.now(),
        )
        with self._uow() as uow:
            if uow.projects.get(actor.org_id, project_id) is None:
                raise project_not_found()
            uow.milestones.add(milestone)
            uow.track(milestone)
            uow.commit()
        return MilestoneWithProgress(milestone, Progress())

    def page(
        self, actor: Actor, project_id: uuid.UUID, page: PageRequest
    ) -> Page[MilestoneWithProgress]:
        with self._uow(read_only=True) as uow:
            if uow.projects.get(actor.org_id, project_id) is None:
                raise project_not_found()
            found = uow.milestones.page(actor.org_id, project_id, page)
            progress = uow.milestones.progress(actor.org_id, [m.id for m in found.items])
        return found.map(lambda m: MilestoneWithProgress(m, progress.get(m.id, Progress())))

    def get(
        self, actor: Actor, project_id: uuid.UUID, milestone_id: uuid.UUID
    ) -> MilestoneWithProgress:
        with self._uow(read_only=True) as uow:
            milestone = uow.milestones.get(actor.org_id, milestone_id)
            if milestone is None or milestone.project_id != project_id:
                raise milestone_not_found()
            return self._with_progress(uow, milestone)

    def change(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        milestone_id: uuid.UUID,
        command: ChangeMilestone,
    ) -> MilestoneWithProgress:
        with self._uow() as uow:
            milestone = self._for_write(
                uow, actor, project_id, milestone_id, command.expected_version
            )
            changed = milestone.change(
                name=command.name,
                description=command.description,
                due_on=command.due_on,
                now=self._clock.now(),
            )
            if changed:
                uow.milestones.update(milestone)
                uow.track(milestone)
                uow.commit()
            return self._with_progress(uow, milestone)

    def delete(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        milestone_id: uuid.UUID,
        expected_version: int | None,
    ) -> None:
        with self._uow() as uow:
            milestone = self._for_write(uow, actor, project_id, milestone_id, expected_version)
            milestone.delete(self._clock.now())
            uow.milestones.update(milestone)
            uow.track(milestone)
            uow.commit()

    @staticmethod
    def _with_progress(uow: WorkUnitOfWork, milestone: Milestone) -> MilestoneWithProgress:
        found = uow.milestones.progress(milestone.org_id, [milestone.id])
        return MilestoneWithProgress(milestone, found.get(milestone.id, Progress()))

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork,
        actor: Actor,
        project_id: uuid.UUID,
        milestone_id: uuid.UUID,
        expected_version: int | None,
    ) -> Milestone:
        milestone = load_for_write(
            lambda deleted: uow.milestones.get(
                actor.org_id, milestone_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            milestone_not_found,
        )
        if milestone.project_id != project_id:
            raise milestone_not_found()
        return milestone
