"""Turning "these people, for these reasons" into stored notifications, the one way every
producer does it: each through the channels the recipient chose. About a task, only
current members of the organization are told, and only while the task is live; about an
invitation, the invitee is told although not a member yet, since the invitation is why."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import attrs

from taskhub.contexts.notifications.application.ports import NotificationsRepositories
from taskhub.contexts.notifications.domain import recipients
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import NotificationSettings
from taskhub.contexts.notifications.domain.summaries import invited_summary, summary
from taskhub.contexts.notifications.domain.watched_task import TaskState
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.shared_kernel.ids import new_id


@attrs.frozen(kw_only=True)
class TaskNotice:
    """One change's recipients, to be stored with a batch's others (`deliver_many`)."""

    task: TaskState
    reasons: Mapping[uuid.UUID, Reason]
    actor_id: uuid.UUID | None
    now: datetime


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
        told = {user_id: reason for user_id, reason in reasons.items() if user_id in members}
        return self._store(
            repositories,
            task.org_id,
            told,
            task_id=task.id,
            line=lambda reason: summary(reason, task),
            actor_id=actor_id,
            now=now,
        )

    def deliver_many(
        self,
        repositories: NotificationsRepositories,
        notices: Sequence[TaskNotice],
        members: Mapping[uuid.UUID, frozenset[uuid.UUID]],
    ) -> int:
        """`deliver` for a batch of changes, in their order: the recipients' settings read
        once, the notifications written by one insert. `members`: per organization, who
        of the notices' recipients is a member (asked by the caller, once per batch)."""
        told = [
            (notice, {u: r for u, r in notice.reasons.items() if u in members[notice.task.org_id]})
            for notice in notices
            if notice.reasons and not notice.task.deleted
        ]
        users = {user_id for _notice, reasons in told for user_id in reasons}
        if not users:
            return 0
        settings = repositories.recipients.settings_of(users)
        made = [
            notification
            for notice, reasons in told
            for notification in _compose(
                notice.task.org_id,
                reasons,
                settings,
                task_id=notice.task.id,
                line=_line_about(notice.task),
                actor_id=notice.actor_id,
                now=notice.now,
            )
        ]
        repositories.notifications.add_many(made)
        return len(made)

    def deliver_invitation(
        self,
        repositories: NotificationsRepositories,
        *,
        org_id: uuid.UUID,
        invitation_id: uuid.UUID,
        invitee: uuid.UUID,
        role: str,
        actor_id: uuid.UUID | None,
        now: datetime,
    ) -> int:
        """The invitee's `invited`, about no task. It takes the invitation's id, so the
        invitation's revocation can find it again."""
        return self._store(
            repositories,
            org_id,
            recipients.of_invitation(invitee, actor_id),
            task_id=None,
            line=lambda _reason: invited_summary(role),
            actor_id=actor_id,
            now=now,
            new_ids=lambda: invitation_id,
        )

    def _store(
        self,
        repositories: NotificationsRepositories,
        org_id: uuid.UUID,
        reasons: Mapping[uuid.UUID, Reason],
        *,
        task_id: uuid.UUID | None,
        line: Callable[[Reason], str],
        actor_id: uuid.UUID | None,
        now: datetime,
        new_ids: Callable[[], uuid.UUID] = new_id,
    ) -> int:
        if not reasons:
            return 0
        settings = repositories.recipients.settings_of(list(reasons))
        made = _compose(
            org_id,
            reasons,
            settings,
            task_id=task_id,
            line=line,
            actor_id=actor_id,
            now=now,
            new_ids=new_ids,
        )
        repositories.notifications.add_many(made)
        return len(made)


def _line_about(task: TaskState) -> Callable[[Reason], str]:
    return lambda reason: summary(reason, task)


def _compose(
    org_id: uuid.UUID,
    reasons: Mapping[uuid.UUID, Reason],
    settings: Mapping[uuid.UUID, NotificationSettings],
    *,
    task_id: uuid.UUID | None,
    line: Callable[[Reason], str],
    actor_id: uuid.UUID | None,
    now: datetime,
    new_ids: Callable[[], uuid.UUID] = new_id,
) -> list[Notification]:
    """The notifications for `reasons`, each through the channels its recipient chose
    (none for a reason switched off on both)."""
    made = []
    for user_id, reason in reasons.items():
        choice = settings[user_id].choice(reason)
        if not choice.any:
            continue
        made.append(
            Notification(
                id=new_ids(),
                org_id=org_id,
                user_id=user_id,
                reason=reason,
                task_id=task_id,
                actor_id=actor_id,
                summary=line(reason),
                created_at=now,
                in_app=choice.in_app,
                email_pending=choice.email,
            )
        )
    return made
