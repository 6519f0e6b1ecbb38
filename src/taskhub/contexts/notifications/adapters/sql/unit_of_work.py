"""Notifications' unit of work on SQL, and the same repositories on a borrowed connection
(the event consumer's, whose transaction the subscription writes in)."""

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.notification_repository import (
    SqlNotificationRepository,
)
from taskhub.contexts.notifications.adapters.sql.recipient_repository import (
    SqlRecipientRepository,
)
from taskhub.contexts.notifications.adapters.sql.task_state_repository import (
    SqlTaskStateRepository,
)
from taskhub.contexts.notifications.adapters.sql.watcher_repository import SqlWatcherRepository
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlNotificationsRepositories:
    def __init__(self, connection: sa.Connection) -> None:
        self.watchers = SqlWatcherRepository(connection)
        self.tasks = SqlTaskStateRepository(connection)
        self.notifications = SqlNotificationRepository(connection)
        self.recipients = SqlRecipientRepository(connection)


class SqlNotificationsUnitOfWork(SqlUnitOfWork):
    watchers: SqlWatcherRepository
    tasks: SqlTaskStateRepository
    notifications: SqlNotificationRepository
    recipients: SqlRecipientRepository

    def _start(self, connection: sa.Connection) -> None:
        repositories = SqlNotificationsRepositories(connection)
        self.watchers = repositories.watchers
        self.tasks = repositories.tasks
        self.notifications = repositories.notifications
        self.recipients = repositories.recipients
