"""The caller's own inbox across organizations, and their settings."""

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime

import attrs

from taskhub.contexts.notifications.application.ports import NotificationsUnitOfWork
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice, NotificationSettings
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class MarkRead:
    """Either the notifications named, or every one created at or before `before`."""

    ids: Collection[uuid.UUID] | None = None
    before: datetime | None = None


class InboxService:
    def __init__(self, *, uow: UnitOfWorkFactory[NotificationsUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def page(
        self, user_id: uuid.UUID, *, unread_only: bool, page: PageRequest
    ) -> Page[Notification]:
        with self._uow(read_only=True) as uow:
            return uow.notifications.page(user_id, unread_only=unread_only, page=page)

    def mark_read(self, user_id: uuid.UUID, command: MarkRead) -> None:
        """Ids that are not the caller's are ignored, as if they did not exist."""
        with self._uow() as uow:
            uow.notifications.mark_read(
                user_id, ids=command.ids, before=command.before, now=self._clock.now()
            )
            uow.commit()

    def settings(self, user_id: uuid.UUID) -> NotificationSettings:
        with self._uow(read_only=True) as uow:
            return uow.recipients.settings(user_id)

    def change_settings(
        self, user_id: uuid.UUID, updates: Mapping[Reason, ChannelChoice]
    ) -> NotificationSettings:
        with self._uow() as uow:
            settings = uow.recipients.settings(user_id).with_choices(updates)
            uow.recipients.save_settings(user_id, settings)
            uow.commit()
        return settings
