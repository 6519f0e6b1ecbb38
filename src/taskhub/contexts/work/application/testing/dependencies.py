"""The fake of the dependency repository."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from taskhub.contexts.work.application.testing.store import MissingReference, WorkStore


class FakeDependencyRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store

    def _live(self, task_id: uuid.UUID) -> bool:
        task = self._store.tasks.get(task_id)
        return task is not None and task.deleted_at is None

    def blockers_of(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        return sorted(self.edges([task_id]).get(task_id, set()))

    def edges(
        self, task_ids: Collection[uuid.UUID], *, include_deleted: bool = False
    ) -> dict[uuid.UUID, set[uuid.UUID]]:
        wanted = set(task_ids)
        edges: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for task_id, depends_on_id in self._store.dependencies:
            if task_id in wanted and (include_deleted or self._live(depends_on_id)):
                edges[task_id].add(depends_on_id)
        return dict(edges)

    def add(self, task_id: uuid.UUID, depends_on_id: uuid.UUID, now: datetime) -> bool:
        if (task_id, depends_on_id) in self._store.dependencies:
            return False
        if task_id not in self._store.tasks or depends_on_id not in self._store.tasks:
            raise MissingReference("no task has this id")
        self._store.dependencies[(task_id, depends_on_id)] = now
        return True

    def remove(self, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> bool:
        return self._store.dependencies.pop((task_id, depends_on_id), None) is not None

    def open_blockers(self, task_id: uuid.UUID) -> int:
        return sum(
            1
            for waiting, depends_on_id in self._store.dependencies
            if waiting == task_id
            and (blocker := self._store.tasks.get(depends_on_id)) is not None
            and blocker.deleted_at is None
            and not blocker.status.is_closed
        )
