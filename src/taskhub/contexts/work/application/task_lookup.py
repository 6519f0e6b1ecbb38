"""Finding the task a use case works on, for every use case that starts from one."""

import uuid

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.principal import Actor


def task_not_found() -> NotFound:
    return NotFound("The task was not found.")


def live_task(uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID) -> Task:
    """A live task of a live project of the actor's organization, or NotFound."""
    task = uow.tasks.get(actor.org_id, task_id)
    if task is None:
        raise task_not_found()
    return task


def task_for_write(
    uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, expected_version: int | None
) -> Task:
    """The task locked for a change at the version the client names (ADR 0015)."""
    return load_for_write(
        lambda deleted: uow.tasks.get(
            actor.org_id, task_id, include_deleted=deleted, for_update=True
        ),
        expected_version,
        task_not_found,
    )
