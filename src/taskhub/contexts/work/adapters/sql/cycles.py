"""The SQL repository of cycles.

That a project's cycles never overlap is checked by the use case under the project's
lock, and on PostgreSQL also by the exclusion constraint `ex_work_cycles_no_overlap`,
whose violation becomes CycleOverlap here.
"""

import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from taskhub.contexts.work.adapters.sql.progress import progress_by, stepped
from taskhub.contexts.work.adapters.sql.tables import cycles, tasks
from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.domain.cycle import Cycle
from taskhub.contexts.work.domain.errors import CycleOverlap
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest


def _cycle(row: Any) -> Cycle:
    return Cycle(
        id=row.id,
        org_id=row.org_id,
        project_id=row.project_id,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        completed_at=row.completed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


@contextmanager
def _no_overlap() -> Iterator[None]:
    try:
        yield
    except IntegrityError as exc:
        if "ex_work_cycles_no_overlap" in str(exc.orig):
            raise CycleOverlap() from None
        raise


class SqlCycleRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, cycles)

    @staticmethod
    def _values(cycle: Cycle) -> dict[str, Any]:
        return {
            "name": cycle.name,
            "starts_on": cycle.starts_on,
            "ends_on": cycle.ends_on,
            "completed_at": cycle.completed_at,
            "updated_at": cycle.updated_at,
            "version": cycle.version,
            "deleted_at": cycle.deleted_at,
        }

    def add(self, cycle: Cycle) -> None:
        with _no_overlap():
            self._connection.execute(
                cycles.insert().values(
                    id=cycle.id,
                    org_id=cycle.org_id,
                    project_id=cycle.project_id,
                    created_at=cycle.created_at,
                    **self._values(cycle),
                )
            )
        self._rows.inserted(cycle.id, cycle.version, cycle.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        cycle_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Cycle | None:
        query = sa.select(cycles).where(cycles.c.org_id == org_id, cycles.c.id == cycle_id)
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _cycle(row) if row else None

    def update(self, cycle: Cycle) -> None:
        with _no_overlap():
            self._rows.update(cycle.id, self._values(cycle))

    def overlapping(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        starts_on: date,
        ends_on: date,
        *,
        other_than: uuid.UUID | None,
    ) -> bool:
        query = sa.select(cycles.c.id).where(
            cycles.c.org_id == org_id,
            cycles.c.project_id == project_id,
            cycles.c.deleted_at.is_(None),
            cycles.c.starts_on <= ends_on,
            cycles.c.ends_on >= starts_on,
        )
        if other_than is not None:
            query = query.where(cycles.c.id != other_than)
        return self._connection.execute(query.limit(1)).first() is not None

    def page(self, org_id: uuid.UUID, project_id: uuid.UUID, page: PageRequest) -> Page[Cycle]:
        query = sa.select(cycles).where(
            cycles.c.org_id == org_id,
            cycles.c.project_id == project_id,
            cycles.c.deleted_at.is_(None),
        )
        keys = [cycles.c.starts_on, cycles.c.id]
        return keyset_page(self._connection, query, keys, page, _cycle)

    def progress(
        self, org_id: uuid.UUID, cycle_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Progress]:
        return progress_by(self._connection, tasks.c.cycle_id, org_id, cycle_ids)

    def move_open_tasks(
        self, org_id: uuid.UUID, cycle_id: uuid.UUID, to: uuid.UUID | None, now: datetime
    ) -> int:
        statement = (
            tasks.update()
            .where(
                tasks.c.org_id == org_id,
                tasks.c.cycle_id == cycle_id,
                tasks.c.deleted_at.is_(None),
                tasks.c.status.not_in(["done", "cancelled"]),
            )
            .values(cycle_id=to, **stepped(now))
        )
        return int(self._connection.execute(statement).rowcount)
