"""The watcher routes under a task (org-scoped, for users and API keys alike) and the
caller's own inbox and settings (users only, across their organizations)."""

import enum
from collections.abc import Sequence

from taskhub.contexts.notifications.adapters.http.schemas import (
    MarkReadRequest,
    NotificationBody,
    NotificationSettingsBody,
    WatcherBody,
    notification_body,
    settings_body,
    settings_updates,
    watcher_body,
)
from taskhub.contexts.notifications.application.inbox import InboxService, MarkRead
from taskhub.contexts.notifications.application.watchers import WatcherService
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.query import choice_param
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.roles import Role

WATCHERS = "/tasks/{task_id:task}/watchers"


class Flag(enum.StrEnum):
    TRUE = "true"
    FALSE = "false"


INBOX_QUERY = (choice_param("unread", Flag, "`true`: only notifications not read yet."),)


class NotificationEndpoints:
    def __init__(self, *, watchers: WatcherService, inbox: InboxService) -> None:
        self._watchers = watchers
        self._inbox = inbox

    def list_watchers(self, call: Call[None]) -> Reply:
        page = self._watchers.page(call.in_org, call.params["task_id"], call.page)
        return Reply(body=page.map(watcher_body))

    def watch(self, call: Call[None]) -> Reply:
        self._watchers.watch(call.in_org, call.params["task_id"], call.params["user_id"])
        return Reply(status=204)

    def unwatch(self, call: Call[None]) -> Reply:
        self._watchers.unwatch(call.in_org, call.params["task_id"], call.params["user_id"])
        return Reply(status=204)

    def list_notifications(self, call: Call[None]) -> Reply:
        unread_only = call.query.get("unread") is Flag.TRUE
        page = self._inbox.page(call.user.user_id, unread_only=unread_only, page=call.page)
        return Reply(body=page.map(notification_body))

    def mark_read(self, call: Call[MarkReadRequest]) -> Reply:
        body = call.body
        if (body.ids is None) == (body.before is None):
            raise ValidationFailed.single("ids", "give either ids or before")
        self._inbox.mark_read(call.user.user_id, MarkRead(ids=body.ids, before=body.before))
        return Reply(status=204)

    def get_settings(self, call: Call[None]) -> Reply:
        return Reply(body=settings_body(self._inbox.settings(call.user.user_id)))

    def put_settings(self, call: Call[NotificationSettingsBody]) -> Reply:
        settings = self._inbox.change_settings(call.user.user_id, settings_updates(call.body))
        return Reply(body=settings_body(settings))

    def endpoints(self) -> Sequence[Endpoint]:
        tasks = Routes.in_org(tag="watchers")
        users = Routes(tag="notifications")
        return [
            tasks.get(
                WATCHERS,
                handler=self.list_watchers,
                name="list_watchers",
                summary="Who watches a task",
                role=Role.VIEWER,
                response=WatcherBody,
                paginated=True,
                description="Longest-standing first.",
            ),
            tasks.put(
                WATCHERS + "/{user_id:uuid}",
                handler=self.watch,
                name="watch_task",
                summary="Start watching a task",
                role=Role.VIEWER,
                status=204,
                description="Anyone for themselves; an admin for any member (422 for others).",
            ),
            tasks.delete(
                WATCHERS + "/{user_id:uuid}",
                handler=self.unwatch,
                name="unwatch_task",
                summary="Stop watching a task",
                role=Role.VIEWER,
                status=204,
                description="Anyone for themselves; an admin for any member.",
            ),
            users.get(
                "/users/me/notifications",
                handler=self.list_notifications,
                name="list_notifications",
                summary="Your notifications",
                response=NotificationBody,
                paginated=True,
                query=INBOX_QUERY,
                description="Newest first, across your organizations.",
            ),
            users.post(
                "/users/me/notifications/read",
                handler=self.mark_read,
                body=MarkReadRequest,
                name="mark_notifications_read",
                summary="Mark notifications read",
                status=204,
            ),
            users.get(
                "/users/me/notification-settings",
                handler=self.get_settings,
                name="get_notification_settings",
                summary="Your notification settings",
                response=NotificationSettingsBody,
            ),
            users.put(
                "/users/me/notification-settings",
                handler=self.put_settings,
                body=NotificationSettingsBody,
                name="put_notification_settings",
                summary="Choose how each reason reaches you",
                response=NotificationSettingsBody,
            ),
        ]
