"""Building the events work's use cases record, in one place."""

import uuid
from datetime import datetime
from typing import Any

from taskhub.contexts.work.domain.events import WorkEvent
from taskhub.shared_kernel.ids import new_id


def work_event(
    *,
    org_id: uuid.UUID,
    entity_type: str,
    entity_id: uuid.UUID,
    action: str,
    now: datetime,
    changes: dict[str, tuple[Any, Any]] | None = None,
    snapshot: dict[str, Any] | None = None,
    ordering_key: str = "",
) -> WorkEvent:
    """`snapshot` given means the event is published under `action`."""
    return WorkEvent(
        event_id=new_id(),
        occurred_at=now,
        org_id=org_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        changes=changes or {},
        published=snapshot is not None,
        snapshot=snapshot or {},
        ordering_key=ordering_key,
    )
