"""A delivered batch is applied as its events would be one by one: the same watches
(with the same `since`), remembered states and notifications, in the same order, through
the fakes of the batch-shaped ports."""

import uuid
from typing import Any

from taskhub.contexts.notifications.application.reactions import ReceivedEvent
from taskhub.contexts.notifications.application.testing.fakes import (
    FakeNotificationsUnitOfWork,
    NotificationsStore,
)
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice, NotificationSettings
from taskhub.contexts.tenancy.public import MEMBER_REMOVED
from taskhub.contexts.work.public.events import (
    COMMENT_CREATED,
    TASK_CREATED,
    TASK_DELETED,
    TASK_UPDATED,
)
from taskhub.shared_kernel.ids import new_id
from tests.unit.notifications.conftest import Notifications


class Script:
    """Events as work and tenancy would publish them, a minute apart."""

    def __init__(self, notifications: Notifications) -> None:
        self.n = notifications
        self.events: list[ReceivedEvent] = []

    def _add(self, type_: str, actor_id: uuid.UUID | None, **data: Any) -> None:
        self.events.append(
            ReceivedEvent(
                type=type_,
                org_id=self.n.org_id,
                occurred_at=self.n.clock.now(),
                actor_id=actor_id,
                data=data,
            )
        )
        self.n.later(60)

    def task(
        self,
        type_: str,
        task_id: uuid.UUID,
        actor: uuid.UUID,
        version: int,
        *,
        created_by: uuid.UUID,
        assignees: tuple[uuid.UUID, ...] = (),
        status: str = "todo",
    ) -> None:
        self._add(
            type_,
            actor,
            id=str(task_id),
            key="ACME-1",
            title="Ship it",
            status=status,
            due_at=None,
            assignee_ids=[str(a) for a in assignees],
            created_by=str(created_by),
            version=version,
        )

    def comment(self, task_id: uuid.UUID, author: uuid.UUID, body: str) -> None:
        self._add(COMMENT_CREATED, author, task_id=str(task_id), author_id=str(author), body=body)

    def leave(self, user_id: uuid.UUID) -> None:
        self._add(MEMBER_REMOVED, None, user_id=str(user_id))


def outcome(store: NotificationsStore) -> tuple[object, ...]:
    """What the reactions left, ids aside (new ones are made for each notification)."""
    return (
        {key: watch.since for key, watch in store.watchers.items()},
        dict(store.tasks),
        [
            (
                n.user_id,
                n.reason,
                n.task_id,
                n.actor_id,
                n.summary,
                n.created_at,
                n.in_app,
                n.email_pending,
            )
            for n in store.notifications.values()
        ],
    )


def test_a_batch_leaves_what_its_events_one_by_one_leave(notifications: Notifications) -> None:
    ann, bob, cy, dan = (notifications.member(name) for name in ("ann", "bob", "cy", "dan"))
    outsider = new_id()
    first, second, unknown = new_id(), new_id(), new_id()
    script = Script(notifications)
    script.task(TASK_CREATED, first, ann, 1, created_by=ann, assignees=(bob, dan, outsider))
    script.comment(first, bob, f"<@{cy}> <@{outsider}> look")
    script.task(TASK_CREATED, first, ann, 1, created_by=ann, assignees=(bob, dan, outsider))
    script.task(
        TASK_UPDATED, first, ann, 2, created_by=ann, assignees=(bob, cy, dan), status="doing"
    )
    script.task(TASK_CREATED, second, cy, 1, created_by=cy, assignees=(ann,))
    script.leave(dan)  # ends a run: what came before is written first
    script.task(TASK_UPDATED, first, bob, 1, created_by=ann, assignees=(bob,))  # stale
    script.task(TASK_UPDATED, first, bob, 3, created_by=ann, assignees=(bob, cy), status="done")
    script.comment(unknown, ann, f"<@{bob}> here")
    script.task(TASK_DELETED, second, cy, 2, created_by=cy, assignees=(ann,))
    script.comment(second, ann, "gone")
    notifications.roles.remove_member(notifications.org_id, dan)
    quiet = NotificationSettings({Reason.ASSIGNED: ChannelChoice(in_app=True, email=False)})
    muted = NotificationSettings({Reason.COMMENTED: ChannelChoice(in_app=False, email=False)})

    stores = []
    for batches in ([[event] for event in script.events], [script.events]):
        store = NotificationsStore()
        store.settings.update({cy: quiet, ann: muted})
        made = 0
        for batch in batches:
            with FakeNotificationsUnitOfWork(store) as uow:
                made += notifications.reactions.react(uow, batch)
                uow.commit()
        stores.append((made, outcome(store)))

    one_by_one, batched = stores
    assert batched == one_by_one
    made, (watches, _tasks, told) = batched
    assert made == len(told) > 0
    assert {user for (_org, task, user) in watches if task == first} == {ann, bob, cy}
    assert {user for (_org, task, user) in watches if task == unknown} == {ann, bob}
    assert not any(user in (dan, outsider) for user, *_rest in told)
    assert (cy, Reason.ASSIGNED) in [(user, reason) for user, reason, *_rest in told]
