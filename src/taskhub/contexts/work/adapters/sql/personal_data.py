"""Work's part of an account's export: the tasks and comments the user created (ids,
titles, where they are), deleted ones included, since they are still stored.

This is one of the few statements that span tenants: a person's data is asked for by
person, across every organization they ever worked in (left ones included). It is an
export, run rarely and read-only, so it scans rather than keeping an index per author.
Erasure detaches nothing here: tasks and comments belong to their organization and
keep only the author's id, which no longer leads to a name or an email.
"""

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.tables import comments, projects, tasks


class SqlWorkPersonalData:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def export(self, user_id: uuid.UUID) -> Mapping[str, Any]:
        created = (
            sa.select(
                tasks.c.id,
                tasks.c.org_id,
                tasks.c.title,
                tasks.c.created_at,
                tasks.c.deleted_at,
                (projects.c.key + "-" + sa.cast(tasks.c.number, sa.String)).label("key"),
            )
            .join(
                projects,
                sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
            )
            .where(tasks.c.created_by == user_id)
            .order_by(tasks.c.created_at, tasks.c.id)
        )
        written = (
            sa.select(
                comments.c.id,
                comments.c.org_id,
                comments.c.task_id,
                comments.c.created_at,
                comments.c.deleted_at,
                tasks.c.title.label("task_title"),
            )
            .join(
                tasks,
                sa.and_(tasks.c.org_id == comments.c.org_id, tasks.c.id == comments.c.task_id),
            )
            .where(comments.c.author_id == user_id)
            .order_by(comments.c.created_at, comments.c.id)
        )
        with self._engine.connect() as connection:
            task_rows = connection.execute(created).all()
            comment_rows = connection.execute(written).all()
        return {
            "tasks_created": [
                {
                    "id": str(row.id),
                    "org_id": str(row.org_id),
                    "key": row.key,
                    "title": row.title,
                    "created_at": row.created_at.isoformat(),
                    "deleted": row.deleted_at is not None,
                }
                for row in task_rows
            ],
            "comments_written": [
                {
                    "id": str(row.id),
                    "org_id": str(row.org_id),
                    "task_id": str(row.task_id),
                    "task_title": row.task_title,
                    "created_at": row.created_at.isoformat(),
                    "deleted": row.deleted_at is not None,
                }
                for row in comment_rows
            ],
        }

    def erase(self, user_id: uuid.UUID) -> None:
        """Nothing to detach (see the module's docstring)."""
