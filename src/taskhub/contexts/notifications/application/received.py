"""Events as the bus delivers them to notifications, and the task state work's payloads
carry."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.notifications.domain.watched_task import TaskState


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
