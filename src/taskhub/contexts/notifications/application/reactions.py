"""The reactions to other contexts' events: who starts watching, who is notified, who
leaves with their notifications, and who is told of an invitation.

It runs in the event consumer's transaction on repositories built on its connection,
outside any request, once per delivered batch, and is idempotent: an event seen twice
finds the task state it already wrote (same version) and adds nothing. (A comment's and
an invitation's notices are not: they rely on the consumer, which records each event it
handed a subscriber in the batch's own transaction and never hands it over again.)
"""

import uuid
from collections.abc import Sequence

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.notifications.application.delivery import NotificationDelivery
from taskhub.contexts.notifications.application.ports import NotificationsRepositories
from taskhub.contexts.notifications.application.received import ReceivedEvent
from taskhub.contexts.notifications.application.task_batch import TaskEventRun
from taskhub.contexts.tenancy.public import MEMBER_REMOVED, RoleLookup
from taskhub.contexts.tenancy.public.events import INVITATION_CREATED, INVITATION_REVOKED
from taskhub.contexts.work.public.events import (
    COMMENT_CREATED,
    TASK_CREATED,
    TASK_DELETED,
    TASK_RESTORED,
    TASK_UPDATED,
)

__all__ = ["HEARD_TYPES", "TASK_EVENTS", "NotificationReactions", "ReceivedEvent"]

TASK_EVENTS = (TASK_CREATED, TASK_UPDATED, TASK_DELETED, TASK_RESTORED)
HEARD_TYPES = (
    *TASK_EVENTS,
    COMMENT_CREATED,
    MEMBER_REMOVED,
    INVITATION_CREATED,
    INVITATION_REVOKED,
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
        """Apply the events in order; returns how many notifications they made.

        Consecutive task and comment events (nearly all of them) are applied as one run,
        whose reads and writes are a few statements whatever its length (`task_batch`);
        any other event ends the run, which is written before that event is applied, so
        each event still sees what the ones before it left."""
        made = 0
        run: list[ReceivedEvent] = []
        for event in events:
            if event.type in TASK_EVENTS or event.type == COMMENT_CREATED:
                run.append(event)
                continue
            made += self._run(repositories, run)
            run = []
            if event.type == MEMBER_REMOVED:
                user_id = uuid.UUID(event.data["user_id"])
                repositories.watchers.forget_member(event.org_id, user_id)
                repositories.notifications.forget_member(event.org_id, user_id)
            elif event.type == INVITATION_CREATED:
                made += self._invited(repositories, event)
            elif event.type == INVITATION_REVOKED:
                repositories.notifications.remove(event.org_id, uuid.UUID(event.data["id"]))
        return made + self._run(repositories, run)

    def _run(self, repositories: NotificationsRepositories, run: list[ReceivedEvent]) -> int:
        return TaskEventRun(repositories, run, members=self._members).apply(self._delivery)

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
