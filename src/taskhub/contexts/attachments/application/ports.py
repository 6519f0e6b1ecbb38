"""What the attachments use cases need: their rows, object storage, a content sniffer,
and where a direct upload goes."""

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.attachments.domain.attachment import Attachment
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.shared_kernel.byte_streams import ByteSource
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork


class AttachmentRepository(Protocol):
    def add(self, attachment: Attachment) -> None: ...

    def get(
        self,
        org_id: uuid.UUID,
        attachment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Attachment | None:
        """A live attachment of that organization (`include_deleted`: or a deleted one);
        `for_update` locks it until this unit of work ends."""
        ...

    def update(self, attachment: Attachment) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved)."""
        ...

    def remove(self, attachment: Attachment) -> None:
        """The row itself, once its bytes are gone."""
        ...

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Attachment]:
        """The task's live attachments, oldest first (by creation, then id)."""
        ...

    def deleted_before(self, horizon: datetime, limit: int) -> Sequence[Attachment]:
        """Attachments of any organization deleted at or before `horizon`."""
        ...


class UploadRepository(Protocol):
    def add(self, upload: DirectUpload) -> None: ...

    def get(
        self, org_id: uuid.UUID, upload_id: uuid.UUID, *, for_update: bool = False
    ) -> DirectUpload | None: ...

    def remove(self, upload: DirectUpload) -> None: ...

    def started_before(self, horizon: datetime, limit: int) -> Sequence[DirectUpload]:
        """Uploads of any organization started at or before `horizon`, never completed."""
        ...


class StorageUsage(Protocol):
    def reserve(self, org_id: uuid.UUID, size: int, quota: int) -> bool:
        """Count `size` more bytes against the organization unless that would take it past
        `quota`; False (and nothing counted) if it would. Holds under concurrency: of
        uploads racing past the quota, only those that fit are counted."""
        ...

    def release(self, org_id: uuid.UUID, size: int) -> None: ...

    def used(self, org_id: uuid.UUID) -> int: ...


class AttachmentsUnitOfWork(UnitOfWork, Protocol):
    attachments: AttachmentRepository
    uploads: UploadRepository
    usage: StorageUsage


class ObjectStorage(Protocol):
    """Bytes by key. Keys are made by the domain (`storage_key`), never from input."""

    def write(self, key: str, source: ByteSource, *, content_type: str) -> None:
        """Store what `source` yields, read in pieces, whole or not at all: an error while
        reading leaves no object behind."""
        ...

    def read(self, key: str, first: int, last: int) -> Iterator[bytes]:
        """Bytes first..last (inclusive) of the object, in pieces."""
        ...

    def size_of(self, key: str) -> int | None:
        """The stored object's size; None when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; no error when there is none."""
        ...

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires_in: int
    ) -> str | None:
        """A short-lived signed URL that serves the object with these headers, or None
        when the storage has no such URLs (taskhub then sends the bytes itself)."""
        ...

    def check(self) -> None:
        """Raise unless the storage answers and can be written (readiness)."""
        ...


@attrs.frozen
class UploadTarget:
    """Where and how the client sends a direct upload's bytes."""

    method: str
    url: str
    headers: Mapping[str, str]


class UploadTargets(Protocol):
    def target(self, upload: DirectUpload) -> UploadTarget: ...


class ContentSniffer(Protocol):
    def sniff(self, head: bytes) -> str:
        """The media type the first bytes of a file show it to be."""
        ...


@attrs.frozen
class StorageLimits:
    max_upload_bytes: int
    org_quota_bytes: int
