"""Comments on tasks."""

import uuid

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.application.task_lookup import live_task
from taskhub.contexts.work.domain.comment import Comment
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class CommentService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def write(self, actor: Actor, task_id: uuid.UUID, body: str) -> Comment:
        now = self._clock.now()
        with self._uow() as uow:
            live_task(uow, actor, task_id)
            comment = Comment.write(
                org_id=actor.org_id, task_id=task_id, author_id=actor.user_id, body=body, now=now
            )
            uow.comments.add(comment)
            uow.track(comment)
            uow.commit()
        return comment

    def page(self, actor: Actor, task_id: uuid.UUID, page: PageRequest) -> Page[Comment]:
        with self._uow(read_only=True) as uow:
            live_task(uow, actor, task_id)
            return uow.comments.page(task_id, page)

    def edit(
        self,
        actor: Actor,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        body: str,
        expected_version: int | None,
    ) -> Comment:
        with self._uow() as uow:
            comment = self._for_write(uow, actor, task_id, comment_id, expected_version)
            if comment.edit(actor.user_id, body, self._clock.now()):
                uow.comments.update(comment)
                uow.track(comment)
                uow.commit()
        return comment

    def delete(
        self, actor: Actor, task_id: uuid.UUID, comment_id: uuid.UUID, expected_version: int | None
    ) -> None:
        with self._uow() as uow:
            comment = self._for_write(uow, actor, task_id, comment_id, expected_version)
            comment.delete(actor.user_id, actor.role, self._clock.now())
            uow.comments.update(comment)
            uow.track(comment)
            uow.commit()

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork,
        actor: Actor,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        expected_version: int | None,
    ) -> Comment:
        live_task(uow, actor, task_id)
        return load_for_write(
            lambda deleted: uow.comments.get(
                task_id, comment_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            lambda: NotFound("The comment was not found."),
        )
