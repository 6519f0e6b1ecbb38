"""The reactions to other contexts' events: who starts watching, who is notified, who
leaves with their notifications, and who is told of an invitation.

It runs in the event consumer's transaction on repositories built on its connection,
outside any request, and is idempotent: an event seen twice finds the task state it
already wrote (same version) and adds nothing. (An invitation's notice is not: it relies
on the consumer, which never hands a subscriber the same event twice.)
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.notifications.application.delivery import NotificationDelivery
from taskhub.contexts.notifications.application.ports import NotificationsRepositories
from taskhub.contexts.notifications.domain import recipients
from taskhub.contexts.notifications.domain.mentions import mentioned_ids
from taskhub.contexts.notifications.domain.watched_task import TaskState
from taskhub.contexts.tenancy.public import MEMBER_REMOVED, RoleLookup
from taskhub.contexts.tenancy.public.events import INVITATION_CREATED, INVITATION_REVOKED
from taskhub.contexts.work.public.events import (
    COMMENT_CREATED,
    TASK_CREATED,
    TASK_DELETED,
    TASK_RESTORED,
    TASK_UPDATED,
)

TASK_EVENTS = (TASK_CREATED, TASK_UPDATED, TASK_DELETED, TASK_RESTORED)
HEARD_TYPES = (
    *TASK_EVENTS,
    COMMENT_CREATED,
    MEMBER_REMOVED,
    INVITATION_CREATED,
    INVITATION_REVOKED,
)


@attrs.frozen(kw_only=True)
class ReceivedEvent:
    """An event as the bus delivered it: `actor_id` is the user whose change it was."""

    type: str
    org_id: uuid.UUID
    occurred_at: datetime
    actor_id: uuid.UUID | None
    data: Mapping[str, Any]


def _time(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw.replace("Z", "+00:00"))


def task_state(org_id: uuid.UUID, data: Mapping[str, Any], *, deleted: bool) -> TaskState:
    """The task as work's published payload shows it."""
    return TaskState(
        org_id=org_id,
        id=uuid.UUID(data["id"]),
        key=str(data["key"]),
        title=str(data["title"]),
        status=str(data["status"]),
        due_at=_time(data.get("due_at")),
        assignee_ids=tuple(uuid.UUID(raw) for raw in data.get("assignee_ids") or ()),
        created_by=uuid.UUID(data["created_by"]),
        version=int(data["version"]),
        deleted=deleted,
    )


class NotificationReactions:
    def __init__(
        self, *, delivery: NotificationDelivery, members: RoleLookup, directory: UserDirectory
    ) -> None:
        self._delivery = delivery
        self._members = members
        self._directory = directory

    def react(
        self, repositories: NotificationsRepositories, events: Sequence[ReceivedEvent]
    ) -> int:
        """Apply the events in order; returns how many notifications they made."""
        made = 0
        for event in events:
            if event.type in TASK_EVENTS:
                made += self._task_changed(repositories, event)
            elif event.type == COMMENT_CREATED:
                made += self._commented(repositories, event)
            elif event.type == MEMBER_REMOVED:
                user_id = uuid.UUID(event.data["user_id"])
                repositories.watchers.forget_member(event.org_id, user_id)
                repositories.notifications.forget_member(event.org_id, user_id)
            elif event.type == INVITATION_CREATED:
                made += self._invited(repositories, event)
            elif event.type == INVITATION_REVOKED:
                repositories.notifications.remove(event.org_id, uuid.UUID(event.data["id"]))
        return made

    def _task_changed(self, repositories: NotificationsRepositories, event: ReceivedEvent) -> int:
        current = task_state(event.org_id, event.data, deleted=event.type == TASK_DELETED)
        remembered = repositories.tasks.get(event.org_id, current.id)
        previous = None if remembered is None else remembered.state
        if previous is not None and previous.version > current.version:
            return 0  # older than what is known: nothing it says is news
        if previous is not None and previous == current:
            return 0  # seen already
        repositories.tasks.save(current)
        if event.type in (TASK_DELETED, TASK_RESTORED):
            return 0
        actor_id = event.actor_id
        if event.type == TASK_CREATED:
            actor_id = actor_id or current.created_by
        newly_assigned = recipients.newly_assigned(previous, current)
        starting = list(newly_assigned)
        if event.type == TASK_CREATED:
            starting.append(current.created_by)
        if starting:
            starters = self._members.members_among(event.org_id, starting)
            repositories.watchers.ensure(event.org_id, current.id, starters, event.occurred_at)
        watchers = repositories.watchers.watching(event.org_id, current.id)
        reasons = recipients.of_task_change(previous, current, actor_id, watchers)
        return self._delivery.deliver(
            repositories, current, reasons, actor_id=actor_id, now=event.occurred_at
        )

    def _commented(self, repositories: NotificationsRepositories, event: ReceivedEvent) -> int:
        org_id = event.org_id
        task_id = uuid.UUID(event.data["task_id"])
        author_id = uuid.UUID(event.data["author_id"])
        named = [
            user for user in mentioned_ids(str(event.data.get("body", ""))) if user != author_id
        ]
        members = self._members.members_among(org_id, [author_id, *named])
        mentioned = [user for user in named if user in members]
        repositories.watchers.ensure(
            org_id, task_id, [u for u in (author_id, *mentioned) if u in members], event.occurred_at
        )
        remembered = repositories.tasks.get(org_id, task_id)
        if remembered is None:
            return 0
        watchers = repositories.watchers.watching(org_id, task_id)
        reasons = recipients.of_comment(author_id, mentioned, watchers)
        return self._delivery.deliver(
            repositories, remembered.state, reasons, actor_id=author_id, now=event.occurred_at
        )

    def _invited(self, repositories: NotificationsRepositories, event: ReceivedEvent) -> int:
        """Only an address with an active account is told here; anyone else learns of the
        invitation from its email alone."""
        invitee = self._directory.find_by_email(str(event.data["email"]))
        if invitee is None:
            return 0
        return self._delivery.deliver_invitation(
            repositories,
            org_id=event.org_id,
            invitation_id=uuid.UUID(event.data["id"]),
            invitee=invitee.id,
            role=str(event.data["role"]),
            actor_id=uuid.UUID(event.data["invited_by"]),
            now=event.occurred_at,
        )
