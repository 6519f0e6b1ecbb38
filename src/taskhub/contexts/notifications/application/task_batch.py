"""A run of task and comment events handled as one: what it reads is read once for the
whole run, what it writes is written once, and in between each event is applied in order
to what the earlier ones left, exactly as if they came one by one.

Per run, whatever its length: the remembered states of its tasks, their watchers, the
members among everyone concerned (one question per organization), the recipients'
settings, and one write each of states, watches and notifications. The events' effects
depend on one another only through those states and watcher lists, which the run keeps
in memory as it goes, and on membership and settings, which no event of the run changes
(a member leaving is another kind of event, which ends the run: `reactions`).
"""

import uuid
from collections.abc import Sequence

from taskhub.contexts.notifications.application.delivery import NotificationDelivery, TaskNotice
from taskhub.contexts.notifications.application.ports import NotificationsRepositories, TaskKey
from taskhub.contexts.notifications.application.received import ReceivedEvent, task_state
from taskhub.contexts.notifications.domain import recipients
from taskhub.contexts.notifications.domain.mentions import mentioned_ids
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.contexts.notifications.domain.watched_task import TaskState
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.public.events import (
    COMMENT_CREATED,
    TASK_CREATED,
    TASK_DELETED,
    TASK_RESTORED,
)


def _task_key(event: ReceivedEvent) -> TaskKey:
    raw = event.data["task_id"] if event.type == COMMENT_CREATED else event.data["id"]
    return event.org_id, uuid.UUID(raw)


class TaskEventRun:
    def __init__(
        self,
        repositories: NotificationsRepositories,
        events: Sequence[ReceivedEvent],
        *,
        members: RoleLookup,
    ) -> None:
        self._repositories = repositories
        self._events = events
        self._lookup = members
        self._states: dict[TaskKey, TaskState] = {}
        self._watchers: dict[TaskKey, list[uuid.UUID]] = {}
        self._members: dict[uuid.UUID, frozenset[uuid.UUID]] = {}
        self._saved: dict[TaskKey, TaskState] = {}
        self._started: list[Watch] = []
        self._notices: list[TaskNotice] = []

    def apply(self, delivery: NotificationDelivery) -> int:
        """Apply the run's events; returns how many notifications they made."""
        if not self._events:
            return 0
        self._read()
        for event in self._events:
            if event.type == COMMENT_CREATED:
                self._commented(event)
            else:
                self._task_changed(event)
        repositories = self._repositories
        if self._saved:
            repositories.tasks.save_many(list(self._saved.values()))
        if self._started:
            repositories.watchers.ensure_many(self._started)
        return delivery.deliver_many(repositories, self._notices, self._members)

    def _read(self) -> None:
        keys = {_task_key(event) for event in self._events}
        remembered = self._repositories.tasks.get_many(keys)
        self._states = {key: watched.state for key, watched in remembered.items()}
        self._watchers = self._repositories.watchers.watching_many(keys)
        concerned: dict[uuid.UUID, set[uuid.UUID]] = {}
        for event in self._events:
            people = concerned.setdefault(event.org_id, set())
            if event.type == COMMENT_CREATED:
                people.add(uuid.UUID(event.data["author_id"]))
                people.update(mentioned_ids(str(event.data.get("body", ""))))
            else:
                current = task_state(event.org_id, event.data, deleted=False)
                people.add(current.created_by)
                people.update(current.assignee_ids)
        for (org_id, _task_id), watching in self._watchers.items():
            concerned[org_id].update(watching)
        self._members = {
            org_id: self._lookup.members_among(org_id, sorted(people))
            for org_id, people in concerned.items()
        }

    def _start_watching(
        self, key: TaskKey, user_ids: Sequence[uuid.UUID], event: ReceivedEvent
    ) -> None:
        """Those not yet watching start; those already watching keep their `since`."""
        watching = self._watchers[key]
        for user_id in user_ids:
            if user_id not in watching:
                watching.append(user_id)
                self._started.append(
                    Watch(org_id=key[0], task_id=key[1], user_id=user_id, since=event.occurred_at)
                )

    def _task_changed(self, event: ReceivedEvent) -> None:
        current = task_state(event.org_id, event.data, deleted=event.type == TASK_DELETED)
        key = (current.org_id, current.id)
        previous = self._states.get(key)
        if previous is not None and previous.version > current.version:
            return  # older than what is known: nothing it says is news
        if previous is not None and previous == current:
            return  # seen already
        self._states[key] = self._saved[key] = current
        if event.type in (TASK_DELETED, TASK_RESTORED):
            return
        actor_id = event.actor_id
        if event.type == TASK_CREATED:
            actor_id = actor_id or current.created_by
        starting = recipients.newly_assigned(previous, current)
        if event.type == TASK_CREATED:
            starting.append(current.created_by)
        members = self._members[event.org_id]
        self._start_watching(key, [u for u in starting if u in members], event)
        reasons = recipients.of_task_change(previous, current, actor_id, self._watchers[key])
        self._notices.append(
            TaskNotice(task=current, reasons=reasons, actor_id=actor_id, now=event.occurred_at)
        )

    def _commented(self, event: ReceivedEvent) -> None:
        key = _task_key(event)
        author_id = uuid.UUID(event.data["author_id"])
        named = [
            user for user in mentioned_ids(str(event.data.get("body", ""))) if user != author_id
        ]
        members = self._members[event.org_id]
        mentioned = [user for user in named if user in members]
        self._start_watching(key, [u for u in (author_id, *mentioned) if u in members], event)
        remembered = self._states.get(key)
        if remembered is None:
            return
        reasons = recipients.of_comment(author_id, mentioned, self._watchers[key])
        self._notices.append(
            TaskNotice(task=remembered, reasons=reasons, actor_id=author_id, now=event.occurred_at)
        )
