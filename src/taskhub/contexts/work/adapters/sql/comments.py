"""The SQL repository of comments on tasks.

Comments are asked for by task; the task's organization, which every statement names
(ADR 0022), comes from the task repository of the same unit of work, which has read the
task already.
"""

import uuid
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.tables import comments, tasks
from taskhub.contexts.work.domain.comment import Comment
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest

_INSERT_COMMENT = comments.insert()


def _comment(row: Any) -> Comment:
    return Comment(
        id=row.id,
        org_id=row.org_id,
        task_id=row.task_id,
        author_id=row.author_id,
        body=row.body,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlCommentRepository:
    def __init__(self, connection: sa.Connection, tasks_read: VersionedRows | None = None) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, comments)
        self._tasks = tasks_read or VersionedRows(connection, tasks)

    def add(self, comment: Comment) -> None:
        # The bare INSERT with the row as parameters: compiled once (ADR 0039).
        self._connection.execute(
            _INSERT_COMMENT,
            {
                "id": comment.id,
                "org_id": comment.org_id,
                "task_id": comment.task_id,
                "author_id": comment.author_id,
                "body": comment.body,
                "created_at": comment.created_at,
                "updated_at": comment.updated_at,
                "version": comment.version,
                "deleted_at": comment.deleted_at,
            },
        )
        self._rows.inserted(comment.id, comment.version, comment.org_id)

    def get(
        self,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Comment | None:
        query = sa.select(comments).where(
            comments.c.org_id == self._tasks.org_of(task_id),
            comments.c.id == comment_id,
            comments.c.task_id == task_id,
        )
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _comment(row) if row else None

    def update(self, comment: Comment) -> None:
        self._rows.update(
            comment.id,
            {
                "body": comment.body,
                "updated_at": comment.updated_at,
                "version": comment.version,
                "deleted_at": comment.deleted_at,
            },
        )

    def page(self, task_id: uuid.UUID, page: PageRequest) -> Page[Comment]:
        query = sa.select(comments).where(
            comments.c.org_id == self._tasks.org_of(task_id),
            comments.c.task_id == task_id,
            comments.c.deleted_at.is_(None),
        )
        return keyset_page(
            self._connection, query, [comments.c.created_at, comments.c.id], page, _comment
        )
