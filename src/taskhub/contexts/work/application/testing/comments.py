"""The fake of the comment repository."""

import uuid

from taskhub.contexts.work.application.testing.store import (
    DuplicateKey,
    MissingReference,
    StoredRows,
    WorkStore,
)
from taskhub.contexts.work.domain.comment import Comment
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest


class FakeCommentRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(
            store.comments, kept_on_update=("org_id", "task_id", "author_id", "created_at")
        )

    def add(self, comment: Comment) -> None:
        if comment.id in self._store.comments:
            raise DuplicateKey("a comment with this id exists")
        if comment.task_id not in self._store.tasks:
            raise MissingReference("no task has this id")
        self._rows.insert(comment)

    def get(
        self,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Comment | None:
        return self._rows.read(
            comment_id,
            lambda c: c.task_id == task_id and (include_deleted or c.deleted_at is None),
        )

    def update(self, comment: Comment) -> None:
        self._rows.update(comment)

    def page(self, task_id: uuid.UUID, page: PageRequest) -> Page[Comment]:
        live = self._rows.live(lambda c: c.task_id == task_id and c.deleted_at is None)
        return keyset_page(live, page, by_time_then_id(creation_key))
