"""The SQL repository of workflow states."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.progress import stepped
from taskhub.contexts.work.adapters.sql.tables import states, task_dependencies, tasks
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.platform.versioned_rows import VersionedRows


def _state(row: Any) -> State:
    return State(
        id=row.id,
        org_id=row.org_id,
        project_id=row.project_id,
        name=row.name,
        category=TaskStatus(row.category),
        color=row.color,
        position=row.position,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlStateRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, states)

    @staticmethod
    def _values(state: State) -> dict[str, Any]:
        return {
            "name": state.name,
            "category": state.category.value,
            "color": state.color,
            "position": state.position,
            "updated_at": state.updated_at,
            "version": state.version,
            "deleted_at": state.deleted_at,
        }

    def add_all(self, new_states: Sequence[State]) -> None:
        rows = [
            {
                "id": s.id,
                "org_id": s.org_id,
                "project_id": s.project_id,
                "created_at": s.created_at,
                **self._values(s),
            }
            for s in new_states
        ]
        if rows:
            self._connection.execute(states.insert(), rows)
        for state in new_states:
            self._rows.inserted(state.id, state.version, state.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        state_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> State | None:
        query = sa.select(states).where(states.c.org_id == org_id, states.c.id == state_id)
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _state(row) if row else None

    def update(self, state: State) -> None:
        self._rows.update(state.id, self._values(state))

    def of_project(self, org_id: uuid.UUID, project_id: uuid.UUID) -> list[State]:
        rows = self._connection.execute(
            _STATES_OF_PROJECT, {"in_org": org_id, "project_id": project_id}
        )
        return [_state(row) for row in self._rows.read_all(rows)]

    def holds_tasks(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        query = sa.select(tasks.c.id).where(
            tasks.c.org_id == org_id, tasks.c.state_id == state_id, tasks.c.deleted_at.is_(None)
        )
        return self._connection.execute(query.limit(1)).first() is not None

    def blocks_done(self, org_id: uuid.UUID, state_id: uuid.UUID) -> bool:
        blocker = tasks.alias("blocker")
        query = (
            sa.select(tasks.c.id)
            .join(
                task_dependencies,
                sa.and_(
                    task_dependencies.c.org_id == tasks.c.org_id,
                    task_dependencies.c.task_id == tasks.c.id,
                ),
            )
            .join(
                blocker,
                sa.and_(
                    blocker.c.org_id == task_dependencies.c.org_id,
                    blocker.c.id == task_dependencies.c.depends_on_id,
                ),
            )
            .where(
                tasks.c.org_id == org_id,
                tasks.c.state_id == state_id,
                tasks.c.deleted_at.is_(None),
                blocker.c.deleted_at.is_(None),
                blocker.c.status.not_in(["done", "cancelled"]),
            )
        )
        return self._connection.execute(query.limit(1)).first() is not None

    def move_tasks(self, org_id: uuid.UUID, from_id: uuid.UUID, to: State, now: datetime) -> int:
        statement = (
            tasks.update()
            .where(tasks.c.org_id == org_id, tasks.c.state_id == from_id)
            .values(state_id=to.id, status=to.category.value, **stepped(now))
        )
        return int(self._connection.execute(statement).rowcount)


# Every task create reads its project's states: built once, with bound parameters.
_STATES_OF_PROJECT = (
    sa.select(states)
    .where(
        states.c.org_id == sa.bindparam("in_org"),
        states.c.project_id == sa.bindparam("project_id"),
        states.c.deleted_at.is_(None),
    )
    .order_by(states.c.position, states.c.id)
)
