"""The SQL repository of projects, which also keeps each project's task counter."""

import functools
import uuid
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.tables import projects
from taskhub.contexts.work.domain.errors import ProjectKeyTaken
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.sql_unique import unique_or
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest


def _project(row: Any) -> Project:
    return Project(
        id=row.id,
        org_id=row.org_id,
        key=row.key,
        name=row.name,
        description=row.description,
        status=ProjectStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlProjectRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, projects)

    def _values(self, project: Project) -> dict[str, Any]:
        return {
            "key": project.key,
            "name": project.name,
            "description": project.description,
            "status": project.status.value,
            "updated_at": project.updated_at,
            "version": project.version,
            "deleted_at": project.deleted_at,
        }

    def add(self, project: Project) -> None:
        with unique_or(self._connection, ProjectKeyTaken):
            self._connection.execute(
                projects.insert().values(
                    id=project.id,
                    org_id=project.org_id,
                    next_number=0,
                    created_at=project.created_at,
                    **self._values(project),
                )
            )
        self._rows.inserted(project.id, project.version, project.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Project | None:
        query = _get_project(include_deleted=include_deleted, for_update=for_update)
        row = self._connection.execute(query, {"in_org": org_id, "project_id": project_id}).first()
        return _project(self._rows.read(row)) if row else None

    def update(self, project: Project) -> None:
        with unique_or(self._connection, ProjectKeyTaken):
            self._rows.update(project.id, self._values(project))

    def page(
        self, org_id: uuid.UUID, status: ProjectStatus | None, page: PageRequest
    ) -> Page[Project]:
        query = sa.select(projects).where(
            projects.c.org_id == org_id, projects.c.deleted_at.is_(None)
        )
        if status is not None:
            query = query.where(projects.c.status == status.value)
        return keyset_page(
            self._connection, query, [projects.c.created_at, projects.c.id], page, _project
        )

    def allocate_number(self, project_id: uuid.UUID) -> int:
        return self.allocate_numbers(project_id, 1).start

    def allocate_numbers(self, project_id: uuid.UUID, count: int) -> range:
        if count < 1:
            raise ValueError("allocate at least one number")
        org_id = self._rows.org_of(project_id)
        # The row lock this UPDATE takes is held until commit: concurrent creators queue.
        last = int(
            self._connection.execute(
                _ALLOCATE_NUMBERS, {"in_org": org_id, "project_id": project_id, "count": count}
            ).scalar_one()
        )
        return range(last - count + 1, last + 1)


_ALLOCATE_NUMBERS = (
    projects.update()
    .where(projects.c.org_id == sa.bindparam("in_org"), projects.c.id == sa.bindparam("project_id"))
    .values(next_number=projects.c.next_number + sa.bindparam("count", type_=sa.Integer))
    .returning(projects.c.next_number)
)


@functools.cache
def _get_project(*, include_deleted: bool, for_update: bool) -> sa.Select[Any]:
    """One project by id, built once per variant with bound parameters (every task
    create reads its project: building the query each time cost more than running it)."""
    query = sa.select(projects).where(
        projects.c.id == sa.bindparam("project_id"), projects.c.org_id == sa.bindparam("in_org")
    )
    if not include_deleted:
        query = query.where(projects.c.deleted_at.is_(None))
    return query.with_for_update(of=projects) if for_update else query
