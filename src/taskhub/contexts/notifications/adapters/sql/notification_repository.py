"""Notifications on SQL: written in one statement per batch, read as a user's inbox."""

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.batches import chunks
from taskhub.contexts.notifications.adapters.sql.tables import notifications
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.platform.sql_lists import among
from taskhub.platform.sql_pagination import keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest


def _notification(row: sa.Row[tuple[object, ...]]) -> Notification:
    m = row._mapping
    return Notification(
        id=m["id"],
        org_id=m["org_id"],
        user_id=m["user_id"],
        reason=Reason(m["reason"]),
        task_id=m["task_id"],
        actor_id=m["actor_id"],
        summary=m["summary"],
        created_at=m["created_at"],
        read_at=m["read_at"],
        in_app=m["in_app"],
        email_pending=m["email_pending"],
    )


def _row(notification: Notification) -> dict[str, Any]:
    return {
        "org_id": notification.org_id,
        "id": notification.id,
        "user_id": notification.user_id,
        "reason": notification.reason.value,
        "task_id": notification.task_id,
        "actor_id": notification.actor_id,
        "summary": notification.summary,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "in_app": notification.in_app,
        "email_pending": notification.email_pending,
    }


class SqlNotificationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add_many(self, made: Sequence[Notification]) -> None:
        """One multi-row INSERT per chunk of rows (not an executemany, which the driver
        sends as one statement per row)."""
        for chunk in chunks([_row(n) for n in made]):
            self._connection.execute(notifications.insert().values(chunk))

    def page(
        self, user_id: uuid.UUID, *, unread_only: bool, page: PageRequest
    ) -> Page[Notification]:
        query = sa.select(notifications).where(
            notifications.c.user_id == user_id, notifications.c.in_app.is_(True)
        )
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        keys = [notifications.c.created_at, notifications.c.id]
        return keyset_page(self._connection, query, keys, page, _notification, descending=True)

    def mark_read(
        self,
        user_id: uuid.UUID,
        *,
        ids: Collection[uuid.UUID] | None,
        before: datetime | None,
        now: datetime,
    ) -> None:
        chosen = notifications.c.user_id == user_id
        if ids is not None:
            if not ids:
                return
            chosen = sa.and_(chosen, among(self._connection, notifications.c.id, sorted(ids)))
        if before is not None:
            chosen = sa.and_(chosen, notifications.c.created_at <= before)
        self._connection.execute(
            notifications.update()
            .where(chosen, notifications.c.read_at.is_(None))
            .values(read_at=now)
        )

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._connection.execute(
            notifications.delete().where(
                notifications.c.org_id == org_id, notifications.c.user_id == user_id
            )
        )

    def remove(self, org_id: uuid.UUID, notification_id: uuid.UUID) -> None:
        self._connection.execute(
            notifications.delete().where(
                notifications.c.org_id == org_id, notifications.c.id == notification_id
            )
        )

    def awaiting_email(self, limit: int) -> list[uuid.UUID]:
        return list(
            self._connection.execute(
                sa.select(notifications.c.user_id)
                .where(notifications.c.email_pending.is_(True))
                .distinct()
                .limit(limit)
            ).scalars()
        )

    def take_awaiting_email(self, user_id: uuid.UUID) -> list[Notification]:
        waiting = sa.and_(
            notifications.c.user_id == user_id, notifications.c.email_pending.is_(True)
        )
        rows = self._connection.execute(
            sa.select(notifications)
            .where(waiting)
            .order_by(notifications.c.created_at, notifications.c.id)
        ).all()
        if rows:
            self._connection.execute(
                notifications.update().where(waiting).values(email_pending=False)
            )
        return [_notification(row) for row in rows]
