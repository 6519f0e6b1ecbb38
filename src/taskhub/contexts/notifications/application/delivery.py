"""Turning "these people, for these reasons" into stored notifications, the one way every
producer does it: only current members of the organization, only on a live task, and
each through the channels the recipient chose."""

import uuid
from collections.abc import Mapping
from datetime import datetime

from taskhub.contexts.notifications.application.ports import NotificationsRepositories
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.summaries import summary
from taskhub.contexts.notifications.domain.watched_task import TaskState
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.shared_kernel.ids import new_id


class NotificationDelivery:
    def __init__(self, *, members: RoleLookup) -> None:
        self._members = members

    def deliver(
        self,
        repositories: NotificationsRepositories,
        task: TaskState,
        reasons: Mapping[uuid.UUID, Reason],
        *,
        actor_id: uuid.UUID | None,
        now: datetime,
        members: frozenset[uuid.UUID] | None = None,
    ) -> int:
        """Store the notifications; returns how many. `members`: who of `reasons` is a
        member, when the caller asked before opening its transaction."""
        if not reasons or task.deleted:
            return 0
        if members is None:
            members = self._members.members_among(task.org_id, list(reasons))
        if not members:
            return 0
        settings = repositories.recipients.settings_of(members)
        made = []
        for user_id, reason in reasons.items():
            if user_id not in members:
                continue
            choice = settings[user_id].choice(reason)
            if not choice.any:
                continue
            made.append(
                Notification(
                    id=new_id(),
                    org_id=task.org_id,
                    user_id=user_id,
                    reason=reason,
                    task_id=task.id,
                    actor_id=actor_id,
                    summary=summary(reason, task),
                    created_at=now,
                    in_app=choice.in_app,
                    email_pending=choice.email,
                )
            )
        repositories.notifications.add_many(made)
        return len(made)
