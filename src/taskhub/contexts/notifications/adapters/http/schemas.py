"""Request and response bodies of the watcher and inbox routes."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice, NotificationSettings
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.platform.http.fields import bounded_list, described
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.field_copy import fields_from

MAX_READ_IDS = 100


@attrs.frozen
class WatcherBody:
    user_id: uuid.UUID
    since: datetime


def watcher_body(watch: Watch) -> WatcherBody:
    return fields_from(WatcherBody, watch)


@attrs.frozen
class NotificationBody:
    id: uuid.UUID
    org_id: uuid.UUID
    reason: Reason
    task_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    summary: str
    created_at: datetime
    read_at: datetime | None


def notification_body(notification: Notification) -> NotificationBody:
    return fields_from(NotificationBody, notification)


@attrs.frozen
class MarkReadRequest:
    """Name the notifications (`ids`), or mark everything created up to `before`; one of
    the two. Ids that are not yours are ignored."""

    ids: list[uuid.UUID] | None = bounded_list(
        max_items=MAX_READ_IDS, description="At most 100 notification ids.", default=None
    )
    before: datetime | None = described("Everything created at or before this time.", default=None)


@attrs.frozen
class ChannelsBody:
    in_app: bool
    email: bool


@attrs.frozen
class NotificationSettingsBody:
    """For each reason, whether it reaches the inbox and whether it is emailed. A PUT may
    name only some reasons; the others keep their setting."""

    reasons: dict[str, ChannelsBody] = described(
        "Keyed by reason: assigned, mentioned, commented, status_changed, due_soon, invited."
    )


def settings_body(settings: NotificationSettings) -> NotificationSettingsBody:
    return NotificationSettingsBody(
        reasons={
            reason.value: ChannelsBody(in_app=choice.in_app, email=choice.email)
            for reason, choice in settings.every_reason().items()
        }
    )


def settings_updates(body: NotificationSettingsBody) -> dict[Reason, ChannelChoice]:
    """422 naming the first key that is not a reason."""
    known = {reason.value: reason for reason in Reason}
    for name in body.reasons:
        if name not in known:
            raise ValidationFailed.single(f"reasons.{name}", "is not a notification reason")
    return {
        known[name]: ChannelChoice(in_app=channels.in_app, email=channels.email)
        for name, channels in body.reasons.items()
    }
