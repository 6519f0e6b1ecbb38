"""The integration events the attachments context publishes (routing keys on the bus).

`data` is the attachment as the API shows it, built from `AttachmentData`, which is
also its published JSON Schema. Add fields, never rename them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.event_catalogue import EventType

ATTACHMENT_CREATED = "attachment.created"
ATTACHMENT_DELETED = "attachment.deleted"
ATTACHMENT_RESTORED = "attachment.restored"


@attrs.frozen(kw_only=True)
class AttachmentData:
    id: uuid.UUID
    task_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    created_by: uuid.UUID
    created_at: datetime


CATALOGUE = (
    EventType(ATTACHMENT_CREATED, AttachmentData, "A file was attached to a task."),
    EventType(ATTACHMENT_DELETED, AttachmentData, "An attachment was deleted (softly)."),
    EventType(ATTACHMENT_RESTORED, AttachmentData, "A deleted attachment was restored."),
)

PUBLISHED_TYPES = tuple(event_type.name for event_type in CATALOGUE)
