"""Fakes of notifications' own ports (the answers of other contexts have theirs: work's
role lookup, attachments' task visibility, tenancy's user directory, identity's clock and letters).

Each keeps what its SQL adapter keeps, on the points the shared contract
(tests/contracts/notifications.py) asserts: orders, idempotent inserts, and the
compare-and-set claims that make `due_soon` and emails go out once.
"""

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from taskhub.contexts.notifications.application.ports import (
    NotificationRepository,
    NotificationsUnitOfWork,
    RecipientRepository,
    TaskKey,
    TaskStateRepository,
    WatcherRepository,
)
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.settings import NotificationSettings
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.contexts.notifications.domain.watched_task import TaskState, WatchedTask
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork, stored_copy

WatchKey = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


class NotificationsStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        # Keyed (org_id, task_id, user_id), the table's primary key.
        self.watchers: dict[WatchKey, Watch] = {}
        # Keyed (org_id, task_id).
        self.tasks: dict[tuple[uuid.UUID, uuid.UUID], WatchedTask] = {}
        # Keyed (org_id, id).
        self.notifications: dict[tuple[uuid.UUID, uuid.UUID], Notification] = {}
        # A row per user who chose settings or was emailed, as `notifications_recipients`.
        self.settings: dict[uuid.UUID, NotificationSettings] = {}
        self.last_emailed: dict[uuid.UUID, datetime | None] = {}
        self.events: list[DomainEvent] = []


def _since_key(watch: Watch) -> tuple[datetime, uuid.UUID]:
    return watch.since, watch.user_id


class FakeWatcherRepository:
    def __init__(self, store: NotificationsStore) -> None:
        self._store = store

    def get(self, org_id: uuid.UUID, task_id: uuid.UUID, user_id: uuid.UUID) -> Watch | None:
        watch = self._store.watchers.get((org_id, task_id, user_id))
        return None if watch is None else stored_copy(watch)

    def add(self, watch: Watch) -> bool:
        key = (watch.org_id, watch.task_id, watch.user_id)
        if key in self._store.watchers:
            return False
        self._store.watchers[key] = stored_copy(watch)
        return True

    def remove(self, watch: Watch) -> None:
        self._store.watchers.pop((watch.org_id, watch.task_id, watch.user_id), None)

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Watch]:
        watches = [
            stored_copy(w)
            for (org, task, _user), w in self._store.watchers.items()
            if (org, task) == (org_id, task_id)
        ]
        return keyset_page(watches, page, by_time_then_id(_since_key))

    def watching(self, org_id: uuid.UUID, task_id: uuid.UUID) -> list[uuid.UUID]:
        return [
            user for (org, task, user) in self._store.watchers if (org, task) == (org_id, task_id)
        ]

    def ensure(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        user_ids: Collection[uuid.UUID],
        since: datetime,
    ) -> None:
        for user_id in user_ids:
            self._store.watchers.setdefault(
                (org_id, task_id, user_id),
                Watch(org_id=org_id, task_id=task_id, user_id=user_id, since=since),
            )

    def watching_many(self, tasks: Collection[TaskKey]) -> dict[TaskKey, list[uuid.UUID]]:
        return {key: self.watching(*key) for key in tasks}

    def ensure_many(self, watches: Collection[Watch]) -> None:
        for watch in watches:
            self.ensure(watch.org_id, watch.task_id, [watch.user_id], watch.since)

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        for key in [k for k in self._store.watchers if (k[0], k[2]) == (org_id, user_id)]:
            del self._store.watchers[key]


class FakeTaskStateRepository:
    def __init__(self, store: NotificationsStore) -> None:
        self._store = store

    def get(self, org_id: uuid.UUID, task_id: uuid.UUID) -> WatchedTask | None:
        return self._store.tasks.get((org_id, task_id))

    def get_many(self, tasks: Collection[TaskKey]) -> dict[TaskKey, WatchedTask]:
        return {key: self._store.tasks[key] for key in tasks if key in self._store.tasks}

    def save_many(self, states: Collection[TaskState]) -> None:
        for state in states:
            stored = self._store.tasks.get((state.org_id, state.id))
            if stored is None or stored.state.version <= state.version:
                self.save(state)

    def save(self, state: TaskState) -> None:
        key = (state.org_id, state.id)
        stored = self._store.tasks.get(key)
        sent_for = None if stored is None else stored.due_soon_sent_for
        self._store.tasks[key] = WatchedTask(state=state, due_soon_sent_for=sent_for)

    def falling_due(self, now: datetime, horizon: datetime, limit: int) -> list[WatchedTask]:
        pending = [t for t in self._store.tasks.values() if t.due_soon_pending(now, horizon)]
        return sorted(pending, key=lambda t: t.state.due_at or now)[:limit]

    def claim_due_soon(self, org_id: uuid.UUID, task_id: uuid.UUID, due_at: datetime) -> bool:
        stored = self._store.tasks.get((org_id, task_id))
        if stored is None or stored.state.due_at != due_at or stored.due_soon_sent_for == due_at:
            return False
        self._store.tasks[(org_id, task_id)] = attrs.evolve(stored, due_soon_sent_for=due_at)
        return True


class FakeNotificationRepository:
    def __init__(self, store: NotificationsStore) -> None:
        self._store = store

    def _of(self, user_id: uuid.UUID) -> list[Notification]:
        return [n for n in self._store.notifications.values() if n.user_id == user_id]

    def add_many(self, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            key = (notification.org_id, notification.id)
            if key in self._store.notifications:
                raise KeyError("a notification with this id exists")  # as the primary key
            self._store.notifications[key] = stored_copy(notification)

    def page(
        self, user_id: uuid.UUID, *, unread_only: bool, page: PageRequest
    ) -> Page[Notification]:
        shown = [
            stored_copy(n)
            for n in self._of(user_id)
            if n.in_app and (n.read_at is None or not unread_only)
        ]
        return keyset_page(shown, page, by_time_then_id(creation_key, descending=True))

    def mark_read(
        self,
        user_id: uuid.UUID,
        *,
        ids: Collection[uuid.UUID] | None,
        before: datetime | None,
        now: datetime,
    ) -> None:
        for notification in self._of(user_id):
            if notification.read_at is not None:
                continue
            if ids is not None and notification.id not in ids:
                continue
            if before is not None and notification.created_at > before:
                continue
            notification.read_at = now

    def forget_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        for key, notification in list(self._store.notifications.items()):
            if (notification.org_id, notification.user_id) == (org_id, user_id):
                del self._store.notifications[key]

    def remove(self, org_id: uuid.UUID, notification_id: uuid.UUID) -> None:
        self._store.notifications.pop((org_id, notification_id), None)

    def awaiting_email(self, limit: int) -> list[uuid.UUID]:
        waiting = {n.user_id: None for n in self._store.notifications.values() if n.email_pending}
        return list(waiting)[:limit]

    def take_awaiting_email(self, user_id: uuid.UUID) -> list[Notification]:
        waiting = sorted(
            (n for n in self._of(user_id) if n.email_pending), key=lambda n: (n.created_at, n.id)
        )
        taken = [stored_copy(n) for n in waiting]  # as read, before they are marked
        for notification in waiting:
            notification.email_pending = False
        return taken


class FakeRecipientRepository:
    def __init__(self, store: NotificationsStore) -> None:
        self._store = store

    def settings(self, user_id: uuid.UUID) -> NotificationSettings:
        return self.settings_of([user_id])[user_id]

    def settings_of(
        self, user_ids: Collection[uuid.UUID]
    ) -> Mapping[uuid.UUID, NotificationSettings]:
        return {u: self._store.settings.get(u, NotificationSettings()) for u in set(user_ids)}

    def save_settings(self, user_id: uuid.UUID, settings: NotificationSettings) -> None:
        self._store.settings[user_id] = settings
        self._store.last_emailed.setdefault(user_id, None)

    def claim_email(self, user_id: uuid.UUID, now: datetime, not_after: datetime) -> bool:
        self._store.settings.setdefault(user_id, NotificationSettings())
        last = self._store.last_emailed.get(user_id)
        if last is not None and last > not_after:
            return False
        self._store.last_emailed[user_id] = now
        return True


class FakeNotificationsUnitOfWork(StagedUnitOfWork[NotificationsStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    watchers: WatcherRepository
    tasks: TaskStateRepository
    notifications: NotificationRepository
    recipients: RecipientRepository

    def _open(self, staged: NotificationsStore) -> None:
        self.watchers = FakeWatcherRepository(staged)
        self.tasks = FakeTaskStateRepository(staged)
        self.notifications = FakeNotificationRepository(staged)
        self.recipients = FakeRecipientRepository(staged)


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: NotificationsUnitOfWork = FakeNotificationsUnitOfWork(NotificationsStore())
