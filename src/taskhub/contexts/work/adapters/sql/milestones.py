"""The SQL repository of milestones."""

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.progress import progress_by
from taskhub.contexts.work.adapters.sql.tables import milestones, tasks
from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.domain.cycle import Milestone
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest


def _milestone(row: Any) -> Milestone:
    return Milestone(
        id=row.id,
        org_id=row.org_id,
        project_id=row.project_id,
        name=row.name,
        description=row.description,
        due_on=row.due_on,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlMilestoneRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, milestones)

    @staticmethod
    def _values(milestone: Milestone) -> dict[str, Any]:
        return {
            "name": milestone.name,
            "description": milestone.description,
            "due_on": milestone.due_on,
            "updated_at": milestone.updated_at,
            "version": milestone.version,
            "deleted_at": milestone.deleted_at,
        }

    def add(self, milestone: Milestone) -> None:
        self._connection.execute(
            milestones.insert().values(
                id=milestone.id,
                org_id=milestone.org_id,
                project_id=milestone.project_id,
                created_at=milestone.created_at,
                **self._values(milestone),
            )
        )
        self._rows.inserted(milestone.id, milestone.version, milestone.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        milestone_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Milestone | None:
        query = sa.select(milestones).where(
            milestones.c.org_id == org_id, milestones.c.id == milestone_id
        )
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _milestone(row) if row else None

    def update(self, milestone: Milestone) -> None:
        self._rows.update(milestone.id, self._values(milestone))

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Milestone]:
        query = sa.select(milestones).where(
            milestones.c.org_id == org_id,
            milestones.c.project_id == project_id,
            milestones.c.deleted_at.is_(None),
        )
        keys = [milestones.c.created_at, milestones.c.id]
        return keyset_page(self._connection, query, keys, page, _milestone)

    def progress(
        self, org_id: uuid.UUID, milestone_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]:
        return progress_by(self._connection, tasks.c.milestone_id, org_id, milestone_ids)
