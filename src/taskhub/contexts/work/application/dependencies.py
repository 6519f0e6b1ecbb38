"""Dependencies between tasks of one project, kept free of cycles."""

import uuid

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.application.task_lookup import live_task
from taskhub.contexts.work.domain.errors import DependencyCycle
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Conflict, NotFound, ValidationFailed
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class DependencyService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def blockers(self, actor: Actor, task_id: uuid.UUID) -> list[Task]:
        with self._uow(read_only=True) as uow:
            live_task(uow, actor, task_id)
            tasks = [uow.tasks.get(actor.org_id, d) for d in uow.dependencies.blockers_of(task_id)]
        return [t for t in tasks if t is not None]

    def add(self, actor: Actor, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> Task:
        if depends_on_id == task_id:
            raise ValidationFailed.single("depends_on_id", "must not be the task itself")
        with self._uow() as uow:
            # Held until commit: the cycle check below and the edge it allows are one
            # step for every other writer of the graph.
            uow.tasks.lock_graph(actor.org_id)
            task = live_task(uow, actor, task_id)
            blocker = uow.tasks.get(actor.org_id, depends_on_id)
            if blocker is None or blocker.project_id != task.project_id:
                raise ValidationFailed.single("depends_on_id", "must be a task of the same project")
            if self._reaches(uow, start=depends_on_id, target=task_id):
                raise DependencyCycle()
            now = self._clock.now()
            if not uow.dependencies.add(task_id, depends_on_id, now):
                raise Conflict("The task already depends on that task.", code="dependency_exists")
            task.depends_on(depends_on_id, now)
            uow.track(task)
            uow.commit()
        return blocker

    def remove(self, actor: Actor, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> None:
        with self._uow() as uow:
            task = live_task(uow, actor, task_id)
            if not uow.dependencies.remove(task_id, depends_on_id):
                raise NotFound("The task does not depend on that task.")
            task.no_longer_depends_on(depends_on_id, self._clock.now())
            uow.track(task)
            uow.commit()

    @staticmethod
    def _reaches(uow: WorkUnitOfWork, *, start: uuid.UUID, target: uuid.UUID) -> bool:
        """Does `start` (transitively) depend on `target`? Breadth first, one query a level.

        Deleted tasks count: restoring one must never close a cycle.
        """
        seen = {start}
        frontier = {start}
        while frontier:
            edges = uow.dependencies.edges(frontier, include_deleted=True)
            frontier = set()
            for blockers in edges.values():
                if target in blockers:
                    return True
                frontier |= blockers - seen
            seen |= frontier
        return False
