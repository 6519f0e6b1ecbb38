"""What notifications remembers of a task: enough to tell what a change changed (work's
events carry the task as it is now, not as it was) and to find tasks falling due."""

import uuid
from datetime import datetime

import attrs

CLOSED_STATUSES = frozenset({"done", "cancelled"})


@attrs.frozen(kw_only=True)
class TaskState:
    """A task as one of work's events showed it."""

    org_id: uuid.UUID
    id: uuid.UUID
    key: str
    title: str
    status: str
    due_at: datetime | None
    assignee_ids: tuple[uuid.UUID, ...]
    created_by: uuid.UUID
    version: int
    deleted: bool = False


@attrs.frozen(kw_only=True)
class WatchedTask:
    """The remembered state, and the due date a `due_soon` was already sent for."""

    state: TaskState
    due_soon_sent_for: datetime | None = None

    def due_soon_pending(self, now: datetime, horizon: datetime) -> bool:
        state = self.state
        return (
            not state.deleted
            and state.status not in CLOSED_STATUSES
            and state.due_at is not None
            and now <= state.due_at <= horizon
            and self.due_soon_sent_for != state.due_at
        )
