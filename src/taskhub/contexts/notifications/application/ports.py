"""What the notifications use cases need: their own rows, and the answers of others
(whether a task is live, who is a member, who a user is, how an email reads)."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.settings import NotificationSettings
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.contexts.notifications.domain.watched_task import TaskState, WatchedTask
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork

TaskKey = tuple[uuid.UUID, uuid.UUID]
"""A task as notifications keys it: `(org_id, task_id)`."""


class WatcherRepository(Protocol):
    def get(self, org_id: uuid.UUID, task_id: uuid.UUID, user_id: uuid.UUID) -> Watch | None: ...

    def add(self, watch: Watch) -> bool:
        """False when the user already watches the task (nothing is written)."""
        ...

    def remove(self, watch: Watch) -> None: ...

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Watch]:
        """The task's watchers, longest-standing first (by `since`, then user id)."""
        ...

    def watching(self, org_id: uuid.UUID, task_id: uuid.UUID) -> list[uuid.UUID]:
        """Every watcher of the task."""
        ...

    def ensure(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        user_ids: Collection[uuid.UUID],
        since: datetime,
    ) -> None:
        """Those not yet watching start; those already watching keep their `since`."""
        ...

    def watching_many(self, tasks: Collection[TaskKey]) -> dict[TaskKey, list[uuid.UUID]]:
        """Every watcher of each of `tasks` (keyed `(org_id, task_id)`), an empty list for
        a task nobody watches: a batch of events asks once, not once per task."""
        ...

    def ensure_many(self, watches: Collection[Watch]) -> None:
        """`ensure` for many tasks at once: those not yet watching start, those already
        watching keep their `since`."""
        ...

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None: ...


class TaskStateRepository(Protocol):
    def get(self, org_id: uuid.UUID, task_id: uuid.UUID) -> WatchedTask | None: ...

    def get_many(self, tasks: Collection[TaskKey]) -> dict[TaskKey, WatchedTask]:
        """The remembered states of those of `tasks` (keyed `(org_id, task_id)`) heard of."""
        ...

    def save(self, state: TaskState) -> None:
        """Insert or replace the remembered state, keeping what `due_soon` was sent for."""
        ...

    def save_many(self, states: Collection[TaskState]) -> None:
        """`save` for many tasks at once (one state per task), except that a state older
        than the one stored (by version) leaves it as it is: of two batches saving the
        same task at once, the later version stays, whichever commits first."""
        ...

    def falling_due(self, now: datetime, horizon: datetime, limit: int) -> list[WatchedTask]:
        """Open, live tasks of any organization due between `now` and `horizon` whose
        current due date has had no `due_soon` yet."""
        ...

    def claim_due_soon(self, org_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime) -> bool:
        """Note that `due_soon` goes out for this due date; False when it already went
        (or the date moved): of concurrent claimers exactly one gets True."""
        ...


class NotificationRepository(Protocol):
    def add_many(self, notifications: Sequence[Notification]) -> None: ...

    def page(
        self, user_id: uuid.UUID, *, unread_only: bool, page: PageRequest
    ) -> Page[Notification]:
        """The user's inbox across organizations, newest first (by creation, then id):
        every notification stored for them and shown in the app. Membership is not asked
        here: a leaver's are deleted when they leave (`forget_member`), and an `invited`
        one is its recipient's before they are a member."""
        ...

    def mark_read(
        self,
        user_id: uuid.UUID,
        *,
        ids: Collection[uuid.UUID] | None,
        before: datetime | None,
        now: datetime,
    ) -> None:
        """The user's own unread ones among `ids`, or created at or before `before`."""
        ...

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None: ...

    def remove(self, org_id: uuid.UUID, notification_id: uuid.UUID) -> None:
        """Delete it, whoever's it is; nothing when there is none."""
        ...

    def awaiting_email(self, limit: int) -> list[uuid.UUID]:
        """Users with notifications not yet gathered into an email."""
        ...

    def take_awaiting_email(self, user_id: uuid.UUID) -> list[Notification]:
        """The user's notifications not yet emailed, oldest first; from now on they are."""
        ...


class RecipientRepository(Protocol):
    def settings(self, user_id: uuid.UUID) -> NotificationSettings: ...

    def settings_of(
        self, user_ids: Collection[uuid.UUID]
    ) -> Mapping[uuid.UUID, NotificationSettings]:
        """Every one of `user_ids`, the default for those who never chose."""
        ...

    def save_settings(self, user_id: uuid.UUID, settings: NotificationSettings) -> None: ...

    def claim_email(self, user_id: uuid.UUID, now: datetime, not_after: datetime) -> bool:
        """Record an email sent at `now` unless one was sent after `not_after`: of
        concurrent claimers exactly one gets True."""
        ...


class NotificationsRepositories(Protocol):
    """The repositories, on whatever connection they were built (a unit of work's, or
    the event consumer's)."""

    @property
    def watchers(self) -> WatcherRepository: ...

    @property
    def tasks(self) -> TaskStateRepository: ...

    @property
    def notifications(self) -> NotificationRepository: ...

    @property
    def recipients(self) -> RecipientRepository: ...


class NotificationsUnitOfWork(UnitOfWork, NotificationsRepositories, Protocol):
    pass
