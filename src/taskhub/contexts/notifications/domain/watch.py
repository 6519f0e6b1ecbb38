"""A watch: one member following one task. Started and stopped explicitly through the API
(audited in the organization's log), or started by what the member did to the task."""

import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.events import EventRecorder, OrgEvent
from taskhub.shared_kernel.ids import new_id


@attrs.frozen(kw_only=True)
class WatchStarted(OrgEvent):
    """`entity_id` is the task; `changes` names the watcher."""

    action = "task.watcher_added"
    entity_type = "task"


@attrs.frozen(kw_only=True)
class WatchStopped(OrgEvent):
    action = "task.watcher_removed"
    entity_type = "task"


@attrs.define(kw_only=True)
class Watch(EventRecorder):
    org_id: uuid.UUID
    task_id: uuid.UUID
    user_id: uuid.UUID
    since: datetime

    @classmethod
    def start(
        cls, *, org_id: uuid.UUID, task_id: uuid.UUID, user_id: uuid.UUID, now: datetime
    ) -> "Watch":
        watch = cls(org_id=org_id, task_id=task_id, user_id=user_id, since=now)
        watch.record(
            WatchStarted(
                event_id=new_id(),
                occurred_at=now,
                org_id=org_id,
                entity_id=task_id,
                changes={"watcher": (None, str(user_id))},
            )
        )
        return watch

    def stop(self, now: datetime) -> None:
        self.record(
            WatchStopped(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.task_id,
                changes={"watcher": (str(self.user_id), None)},
            )
        )
