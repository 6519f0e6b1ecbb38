"""The remembered state of tasks on SQL; claiming a `due_soon` is a compare-and-set."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.batches import chunks
from taskhub.contexts.notifications.adapters.sql.tables import tasks
from taskhub.contexts.notifications.application.ports import TaskKey
from taskhub.contexts.notifications.domain.watched_task import (
    CLOSED_STATUSES,
    TaskState,
    WatchedTask,
)
from taskhub.platform.sql_upsert import dialect_insert


def _watched(row: sa.Row[tuple[object, ...]]) -> WatchedTask:
    m = row._mapping
    return WatchedTask(
        state=TaskState(
            org_id=m["org_id"],
            id=m["id"],
            key=m["key"],
            title=m["title"],
            status=m["status"],
            due_at=m["due_at"],
            assignee_ids=tuple(uuid.UUID(raw) for raw in m["assignee_ids"]),
            created_by=m["created_by"],
            version=m["version"],
            deleted=m["deleted"],
        ),
        due_soon_sent_for=m["due_soon_sent_for"],
    )


def _row(state: TaskState) -> dict[str, Any]:
    return {
        "key": state.key,
        "title": state.title,
        "status": state.status,
        "due_at": state.due_at,
        "assignee_ids": [str(user) for user in state.assignee_ids],
        "created_by": state.created_by,
        "version": state.version,
        "deleted": state.deleted,
    }


_row_columns = (
    "key",
    "title",
    "status",
    "due_at",
    "assignee_ids",
    "created_by",
    "version",
    "deleted",
)


class SqlTaskStateRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def get(self, org_id: uuid.UUID, task_id: uuid.UUID) -> WatchedTask | None:
        row = self._connection.execute(
            sa.select(tasks).where(tasks.c.org_id == org_id, tasks.c.id == task_id)
        ).first()
        return None if row is None else _watched(row)

    def get_many(self, keys: Collection[TaskKey]) -> dict[TaskKey, WatchedTask]:
        found: dict[TaskKey, WatchedTask] = {}
        key = sa.tuple_(tasks.c.org_id, tasks.c.id)
        for chunk in chunks(sorted(set(keys))):
            for row in self._connection.execute(sa.select(tasks).where(key.in_(chunk))):
                watched = _watched(row)
                found[(watched.state.org_id, watched.state.id)] = watched
        return found

    def save_many(self, states: Collection[TaskState]) -> None:
        """One upsert per chunk, in key order (concurrent writers never deadlock);
        `due_soon_sent_for` is not among the columns, so it is kept. A state older than
        the stored one (a concurrent batch saved a later version first) is not saved."""
        rows = sorted(
            ({"org_id": s.org_id, "id": s.id, **_row(s)} for s in states),
            key=lambda row: (row["org_id"], row["id"]),
        )
        for chunk in chunks(rows):
            insert = dialect_insert(self._connection, tasks).values(chunk)
            replaced = {name: insert.excluded[name] for name in _row_columns}
            self._connection.execute(
                insert.on_conflict_do_update(
                    index_elements=["org_id", "id"],
                    set_=replaced,
                    where=tasks.c.version <= insert.excluded.version,
                )
            )

    def save(self, state: TaskState) -> None:
        values = _row(state)
        self._connection.execute(
            dialect_insert(self._connection, tasks)
            .values(org_id=state.org_id, id=state.id, **values)
            .on_conflict_do_update(index_elements=["org_id", "id"], set_=values)
        )

    def falling_due(self, now: datetime, horizon: datetime, limit: int) -> list[WatchedTask]:
        rows = self._connection.execute(
            sa.select(tasks)
            .where(
                tasks.c.due_at >= now,
                tasks.c.due_at <= horizon,
                tasks.c.deleted.is_(False),
                tasks.c.status.not_in(sorted(CLOSED_STATUSES)),
                sa.or_(
                    tasks.c.due_soon_sent_for.is_(None), tasks.c.due_soon_sent_for != tasks.c.due_at
                ),
            )
            .order_by(tasks.c.due_at)
            .limit(limit)
        ).all()
        return [_watched(row) for row in rows]

    def claim_due_soon(self, org_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime) -> bool:
        claimed = self._connection.execute(
            tasks.update()
            .where(
                tasks.c.org_id == org_id,
                tasks.c.id == task_id,
                tasks.c.due_at == due_at,
                sa.or_(tasks.c.due_soon_sent_for.is_(None), tasks.c.due_soon_sent_for != due_at),
            )
            .values(due_soon_sent_for=due_at)
            .returning(tasks.c.id)
        )
        return claimed.first() is not None
