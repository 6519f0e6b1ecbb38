"""The fake of the task repository."""

import uuid
from collections.abc import Sequence

from taskhub.contexts.work.application.testing.store import (
    DuplicateKey,
    MissingReference,
    StoredRows,
    WorkStore,
)
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.staged_unit_of_work import stored_copy

# What the SQL update leaves alone.
_KEPT_ON_UPDATE = ("org_id", "project_id", "number", "created_by", "created_at")


def project_live(store: WorkStore, task: Task) -> bool:
    project = store.projects.get(task.project_id)
    return project is not None and project.deleted_at is None


def task_as_read(store: WorkStore, task: Task) -> Task:
    """A copy carrying the project's key as it is now, as the SQL adapter joins it."""
    loaded = stored_copy(task)
    loaded.project_key = store.projects[task.project_id].key
    return loaded


class FakeTaskRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.tasks, kept_on_update=_KEPT_ON_UPDATE)

    def add(self, task: Task) -> None:
        if task.id in self._store.tasks:
            raise DuplicateKey("a task with this id exists")
        if task.project_id not in self._store.projects:
            raise MissingReference("no project has this id")
        if any(
            t.project_id == task.project_id and t.number == task.number
            for t in self._store.tasks.values()
        ):
            raise DuplicateKey("the project already has a task with this number")
        self._rows.insert(task)

    def add_all(self, tasks: Sequence[Task]) -> None:
        for task in tasks:
            self.add(task)

    def get(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Task | None:
        found = self._rows.read(
            task_id,
            lambda t: (
                t.org_id == org_id
                and (include_deleted or (t.deleted_at is None and project_live(self._store, t)))
            ),
        )
        return None if found is None else task_as_read(self._store, found)

    def _ranks(self, org_id: uuid.UUID, project_id: uuid.UUID) -> list[str]:
        return [
            t.rank
            for t in self._store.tasks.values()
            if t.org_id == org_id and t.project_id == project_id
        ]

    def last_rank(self, org_id: uuid.UUID, project_id: uuid.UUID) -> str | None:
        return max(self._ranks(org_id, project_id), default=None)

    def rank_beside(
        self, org_id: uuid.UUID, project_id: uuid.UUID, rank: str, *, before: bool
    ) -> str | None:
        ranks = self._ranks(org_id, project_id)
        if before:
            return max((r for r in ranks if r < rank), default=None)
        return min((r for r in ranks if r > rank), default=None)

    def lock_graph(self, org_id: uuid.UUID) -> None:
        """Nothing to do: a fake unit of work has no concurrent writers."""

    def update(self, task: Task) -> None:
        if not self._rows.update(task) and (task.assignee_ids or task.label_ids):
            raise MissingReference("no task has this id")
