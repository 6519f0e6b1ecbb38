"""An attachment: a file kept on a task, its bytes in storage under a key of our making.

The filename is what the client called the file, kept for display only: it is cleaned
of control characters and any path, and never becomes part of a storage key (the key is
the organization and the attachment's id). The content type is what the bytes are,
sniffed, not what the client claimed.
"""

import unicodedata
import uuid
from datetime import datetime, timedelta
from typing import Any

import attrs

from taskhub.contexts.attachments.domain.events import (
    AttachmentCreated,
    AttachmentDeleted,
    AttachmentEvent,
    AttachmentPurged,
    AttachmentRestored,
)
from taskhub.contexts.attachments.public.events import AttachmentData
from taskhub.shared_kernel.errors import PermissionDenied
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.versioned_aggregate import VersionedAggregate

MAX_FILENAME_LENGTH = 255
# Deleted attachments can be restored for this long; then their bytes are removed.
RETENTION = timedelta(days=30)
UNTITLED = "untitled"


def display_filename(raw: str) -> str:
    """The name to show: the last path segment, NFC, without control characters, at most
    255 characters; "untitled" when nothing is left."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in {"", ".", ".."}:
        return UNTITLED
    return name[:MAX_FILENAME_LENGTH]


def storage_key(org_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    """Where the bytes live: named by ids only, so no client input reaches a path."""
    return f"{org_id}/{attachment_id}"


@attrs.define(kw_only=True)
class Attachment(VersionedAggregate):
    id: uuid.UUID
    org_id: uuid.UUID
    task_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    created_by: uuid.UUID
    created_at: datetime

    @property
    def storage_key(self) -> str:
        return storage_key(self.org_id, self.id)

    @classmethod
    def stored(
        cls,
        *,
        attachment_id: uuid.UUID,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        filename: str,
        content_type: str,
        size: int,
        sha256: str,
        created_by: uuid.UUID,
        now: datetime,
    ) -> "Attachment":
        """A file whose bytes are already in storage under `storage_key(org, id)`."""
        attachment = cls(
            id=attachment_id,
            org_id=org_id,
            task_id=task_id,
            filename=display_filename(filename),
            content_type=content_type,
            size=size,
            sha256=sha256,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        attachment._record(
            AttachmentCreated,
            now,
            changes={
                "filename": (None, attachment.filename),
                "content_type": (None, content_type),
                "size": (None, size),
                "sha256": (None, sha256),
            },
        )
        return attachment

    def delete(self, actor: Actor, now: datetime) -> None:
        """Its uploader or an admin may delete it."""
        if actor.user_id != self.created_by and not actor.role.at_least(Role.ADMIN):
            raise PermissionDenied("Only the uploader or an admin may delete an attachment.")
        self._mark_deleted(now)
        self._record(AttachmentDeleted, now)

    def restore(self, now: datetime) -> None:
        self.deleted_at = None
        self._touch(now)
        self._record(AttachmentRestored, now)

    def purgeable(self, now: datetime) -> bool:
        return self.deleted_at is not None and self.deleted_at <= now - RETENTION

    def purged(self, now: datetime) -> None:
        """Its bytes are gone from storage; the row goes with this event."""
        self._record(AttachmentPurged, now)

    def _record(
        self, kind: type[AttachmentEvent], now: datetime, changes: dict[str, Any] | None = None
    ) -> None:
        self.record(
            kind(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                attachment_id=self.id,
                attachment=event_data(fields_from(AttachmentData, self)),
                changes=changes or {},
            )
        )
