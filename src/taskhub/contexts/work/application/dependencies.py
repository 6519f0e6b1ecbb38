"""Dependencies between tasks of one project, kept free of cycles."""

import uuid

from taskhub.contexts.work.application.ports import (
    WorkUnitOfWork,
)
from taskhub.contexts.work.application.recording import work_event
from taskhub.contexts.work.application.tasks import task_not_found
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
            self._task(uow, actor, task_id)
            tasks = [uow.tasks.get(actor.org_id, d) for d in uow.tasks.dependencies(task_id)]
        return [t for t in tasks if t is not None]

    def add(self, actor: Actor, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> Task:
        if depends_on_id == task_id:
            raise ValidationFailed.single("depends_on_id", "must not be the task itself")
        with self._uow() as uow:
            # Held until commit: the cycle check below and the edge it allows are one
            # step for every other writer of the graph.
            uow.tasks.lock_graph(actor.org_id)
            task = self._task(uow, actor, task_id)
            blocker = uow.tasks.get(actor.org_id, depends_on_id)
            if blocker is None or blocker.project_id != task.project_id:
                raise ValidationFailed.single("depends_on_id", "must be a task of the same project")
            if self._reaches(uow, start=depends_on_id, target=task_id):
                raise DependencyCycle()
            now = self._clock.now()
            if not uow.tasks.add_dependency(task_id, depends_on_id, now):
                raise Conflict("The task already depends on that task.", code="dependency_exists")
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="task",
                    entity_id=task_id,
                    action="task.dependency_added",
                    now=now,
                    changes={"depends_on": (None, str(depends_on_id))},
                )
            )
            uow.commit()
        return blocker

    def remove(self, actor: Actor, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> None:
        with self._uow() as uow:
            self._task(uow, actor, task_id)
            if not uow.tasks.remove_dependency(task_id, depends_on_id):
                raise NotFound("The task does not depend on that task.")
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="task",
                    entity_id=task_id,
                    action="task.dependency_removed",
                    now=self._clock.now(),
                    changes={"depends_on": (str(depends_on_id), None)},
                )
            )
            uow.commit()

    @staticmethod
    def _reaches(uow: WorkUnitOfWork, *, start: uuid.UUID, target: uuid.UUID) -> bool:
        """Does `start` (transitively) depend on `target`? Breadth first, one query a level.

        Deleted tasks count: restoring one must never close a cycle.
        """
        seen = {start}
        frontier = {start}
        while frontier:
            edges = uow.tasks.dependency_edges(frontier, include_deleted=True)
            frontier = set()
            for blockers in edges.values():
                if target in blockers:
                    return True
                frontier |= blockers - seen
            seen |= frontier
        return False

    @staticmethod
    def _task(uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID) -> Task:
        task = uow.tasks.get(actor.org_id, task_id)
        if task is None:
            raise task_not_found()
        return task
