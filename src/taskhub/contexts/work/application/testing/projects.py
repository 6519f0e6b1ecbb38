"""The fake of the project repository."""

import uuid

from taskhub.contexts.work.application.testing.store import MissingReference, StoredRows, WorkStore
from taskhub.contexts.work.domain.errors import ProjectKeyTaken
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest


class FakeProjectRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.projects, kept_on_update=("org_id", "created_at"))

    def _key_in_use(self, org_id: uuid.UUID, key: str, other_than: uuid.UUID | None) -> bool:
        # Deleted projects keep their key, as the database's unique constraint does.
        return any(
            p.org_id == org_id and p.key == key and p.id != other_than
            for p in self._store.projects.values()
        )

    def add(self, project: Project) -> None:
        # A clashing id is reported as a taken key too: the SQL adapter reads every
        # integrity error on insert that way.
        if project.id in self._store.projects or self._key_in_use(
            project.org_id, project.key, None
        ):
            raise ProjectKeyTaken()
        self._rows.insert(project)
        self._store.next_numbers[project.id] = 0

    def get(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Project | None:
        return self._rows.read(
            project_id,
            lambda p: p.org_id == org_id and (include_deleted or p.deleted_at is None),
        )

    def update(self, project: Project) -> None:
        def check(stored: Project) -> None:
            if self._key_in_use(stored.org_id, project.key, project.id):
                raise ProjectKeyTaken()

        self._rows.update(project, check)

    def page(
        self, org_id: uuid.UUID, status: ProjectStatus | None, page: PageRequest
    ) -> Page[Project]:
        live = self._rows.live(
            lambda p: (
                p.org_id == org_id
                and p.deleted_at is None
                and (status is None or p.status is status)
            )
        )
        return keyset_page(live, page, by_time_then_id(creation_key))

    def allocate_number(self, project_id: uuid.UUID) -> int:
        # Deleted projects count on too; the counter is only reset by a rollback.
        if project_id not in self._store.next_numbers:
            raise MissingReference("no project has this id")
        self._store.next_numbers[project_id] += 1
        return self._store.next_numbers[project_id]

    def allocate_numbers(self, project_id: uuid.UUID, count: int) -> range:
        if count < 1:
            raise ValueError("allocate at least one number")
        first = self.allocate_number(project_id)
        self._store.next_numbers[project_id] += count - 1
        return range(first, first + count)
