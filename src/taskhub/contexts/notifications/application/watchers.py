"""Watching a task on purpose: anyone may watch or stop watching for themselves, an admin
for others; only members watch, and only live tasks are watched."""

import uuid

from taskhub.contexts.notifications.application.ports import NotificationsUnitOfWork
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.public.task_visibility import TaskVisibility
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound, PermissionDenied, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class WatcherService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[NotificationsUnitOfWork],
        tasks: TaskVisibility,
        members: RoleLookup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._tasks = tasks
        self._members = members
        self._clock = clock

    def _live_task(self, actor: Actor, task_id: uuid.UUID) -> None:
        if not self._tasks.is_live(actor.org_id, task_id):
            raise NotFound("The task was not found.")

    def _may_change(self, actor: Actor, task_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._live_task(actor, task_id)
        if user_id != actor.user_id and not actor.role.at_least(Role.ADMIN):
            raise PermissionDenied("Only an admin changes what others watch.")
        if not self._members.members_among(actor.org_id, [user_id]):
            raise ValidationFailed.single("user_id", "must be a member of the organization")

    def page(self, actor: Actor, task_id: uuid.UUID, page: PageRequest) -> Page[Watch]:
        self._live_task(actor, task_id)
        with self._uow(read_only=True) as uow:
            return uow.watchers.page(actor.org_id, task_id, page)

    def watch(self, actor: Actor, task_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Idempotent: a user already watching keeps watching since when they started."""
        self._may_change(actor, task_id, user_id)
        with self._uow() as uow:
            if uow.watchers.get(actor.org_id, task_id, user_id) is not None:
                return
            watch = Watch.start(
                org_id=actor.org_id, task_id=task_id, user_id=user_id, now=self._clock.now()
            )
            if uow.watchers.add(watch):  # False: a concurrent request started it first
                uow.track(watch)
                uow.commit()

    def unwatch(self, actor: Actor, task_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Idempotent: stopping a watch that is not there changes nothing."""
        self._may_change(actor, task_id, user_id)
        with self._uow() as uow:
            watch = uow.watchers.get(actor.org_id, task_id, user_id)
            if watch is None:
                return
            watch.stop(self._clock.now())
            uow.watchers.remove(watch)
            uow.track(watch)
            uow.commit()
