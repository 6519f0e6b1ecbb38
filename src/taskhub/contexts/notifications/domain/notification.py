"""A notification: one recipient told of one change, in the inbox, by email, or both.
`task_id` is None for what is about no task (`invited`)."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.notifications.domain.reasons import Reason


@attrs.define(kw_only=True)
class Notification:
    id: uuid.UUID
    org_id: uuid.UUID
    user_id: uuid.UUID
    reason: Reason
    task_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    summary: str
    created_at: datetime
    read_at: datetime | None = None
    # Shown in the inbox; waiting for the next email (cleared when it is gathered).
    in_app: bool = True
    email_pending: bool = False
