"""A direct upload: a file the client puts straight into storage, then completes.

Large files need not pass through taskhub: the client asks for an upload, PUTs the bytes
to the URL it gets (presigned on S3, signed by taskhub on local storage) before it
expires, then completes it. Completion makes the attachment only when the stored
object's size is the one declared. An upload never completed is removed after
`UNFINISHED_LIFETIME`.
"""

import uuid
from datetime import datetime, timedelta

import attrs

from taskhub.contexts.attachments.domain.attachment import display_filename, storage_key
from taskhub.shared_kernel.ids import new_id

URL_LIFETIME = timedelta(minutes=15)
UNFINISHED_LIFETIME = timedelta(hours=24)


@attrs.define(kw_only=True)
class DirectUpload:
    id: uuid.UUID
    org_id: uuid.UUID
    task_id: uuid.UUID
    filename: str
    content_type: str
    """As the client declared it; the attachment gets the sniffed type."""
    size: int
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    """When the upload URL stops working."""

    @classmethod
    def start(
        cls,
        *,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        filename: str,
        content_type: str,
        size: int,
        created_by: uuid.UUID,
        now: datetime,
    ) -> "DirectUpload":
        return cls(
            id=new_id(),
            org_id=org_id,
            task_id=task_id,
            filename=display_filename(filename),
            content_type=content_type,
            size=size,
            created_by=created_by,
            created_at=now,
            expires_at=now + URL_LIFETIME,
        )

    @property
    def storage_key(self) -> str:
        """The attachment it becomes keeps the upload's id, so the bytes never move."""
        return storage_key(self.org_id, self.id)

    def abandoned(self, now: datetime) -> bool:
        return self.created_at <= now - UNFINISHED_LIFETIME
