"""Watchers on SQL; starting a watch is an insert that ignores one already there."""

import uuid
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.batches import chunks
from taskhub.contexts.notifications.adapters.sql.tables import watchers
from taskhub.contexts.notifications.application.ports import TaskKey
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.sql_upsert import dialect_insert
from taskhub.shared_kernel.pagination import Page, PageRequest


def _watch(row: sa.Row[tuple[object, ...]]) -> Watch:
    mapping = row._mapping
    return Watch(
        org_id=mapping["org_id"],
        task_id=mapping["task_id"],
        user_id=mapping["user_id"],
        since=mapping["since"],
    )


class SqlWatcherRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def get(self, org_id: uuid.UUID, task_id: uuid.UUID, user_id: uuid.UUID) -> Watch | None:
        row = self._connection.execute(
            sa.select(watchers).where(
                watchers.c.org_id == org_id,
                watchers.c.task_id == task_id,
                watchers.c.user_id == user_id,
            )
        ).first()
        return None if row is None else _watch(row)

    def add(self, watch: Watch) -> bool:
        inserted = self._connection.execute(
            dialect_insert(self._connection, watchers)
            .values(
                org_id=watch.org_id, task_id=watch.task_id, user_id=watch.user_id, since=watch.since
            )
            .on_conflict_do_nothing()
            .returning(watchers.c.user_id)
        )
        # RETURNING, not rowcount: the driver does not count a conflicting insert's rows.
        return inserted.first() is not None

    def remove(self, watch: Watch) -> None:
        self._connection.execute(
            watchers.delete().where(
                watchers.c.org_id == watch.org_id,
                watchers.c.task_id == watch.task_id,
                watchers.c.user_id == watch.user_id,
            )
        )

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Watch]:
        query = sa.select(watchers).where(
            watchers.c.org_id == org_id, watchers.c.task_id == task_id
        )
        keys = [watchers.c.since, watchers.c.user_id]
        return keyset_page(self._connection, query, keys, page, _watch)

    def watching(self, org_id: uuid.UUID, task_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self._connection.execute(
                sa.select(watchers.c.user_id).where(
                    watchers.c.org_id == org_id, watchers.c.task_id == task_id
                )
            ).scalars()
        )

    def ensure(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        user_ids: Collection[uuid.UUID],
        since: datetime,
    ) -> None:
        if not user_ids:
            return
        rows = [
            {"org_id": org_id, "task_id": task_id, "user_id": user_id, "since": since}
            for user_id in sorted(set(user_ids))  # in key order: concurrent writers never deadlock
        ]
        self._connection.execute(
            dialect_insert(self._connection, watchers).on_conflict_do_nothing(), rows
        )

    def watching_many(self, tasks: Collection[TaskKey]) -> dict[TaskKey, list[uuid.UUID]]:
        found: dict[TaskKey, list[uuid.UUID]] = {key: [] for key in tasks}
        key = sa.tuple_(watchers.c.org_id, watchers.c.task_id)
        for chunk in chunks(sorted(found)):
            rows = self._connection.execute(
                sa.select(watchers.c.org_id, watchers.c.task_id, watchers.c.user_id).where(
                    key.in_(chunk)
                )
            )
            for org_id, task_id, user_id in rows:
                found[(org_id, task_id)].append(user_id)
        return found

    def ensure_many(self, watches: Collection[Watch]) -> None:
        # In key order: concurrent writers never deadlock; the first `since` of a
        # duplicate wins, as ON CONFLICT DO NOTHING keeps the first row.
        rows: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], dict[str, object]] = {}
        for w in watches:
            rows.setdefault(
                (w.org_id, w.task_id, w.user_id),
                {"org_id": w.org_id, "task_id": w.task_id, "user_id": w.user_id, "since": w.since},
            )
        ordered = [rows[key] for key in sorted(rows)]
        for chunk in chunks(ordered):
            self._connection.execute(
                dialect_insert(self._connection, watchers).values(chunk).on_conflict_do_nothing()
            )

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._connection.execute(
            watchers.delete().where(watchers.c.org_id == org_id, watchers.c.user_id == user_id)
        )
