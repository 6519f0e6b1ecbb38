"""Direct uploads: the client sends a large file straight to storage, then completes it.

Starting one checks the task, the declared size against the upload limit and the quota
as it stands, and hands out where to PUT the bytes. On local storage that URL is
taskhub's own (signed, expiring): `receive` streams its body into storage, bounded by
the declared size. Completing reads the stored object back once, in pieces, for its
digest and type; it becomes an attachment (under the upload's id, so the bytes never
move) only when its size is the declared one, and is counted against the quota then.
"""

import uuid

import attrs

from taskhub.contexts.attachments.application.attachments import AttachmentService
from taskhub.contexts.attachments.application.inspection import InspectedSource
from taskhub.contexts.attachments.application.ports import (
    AttachmentsUnitOfWork,
    ContentSniffer,
    ObjectStorage,
    StorageLimits,
    UploadTarget,
    UploadTargets,
)
from taskhub.contexts.attachments.domain.attachment import Attachment
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.contexts.attachments.domain.errors import (
    StorageQuotaExceeded,
    UploadNotFound,
)
from taskhub.shared_kernel.byte_streams import ByteSource
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class StartUpload:
    filename: str
    content_type: str
    size: int


@attrs.frozen
class StartedUpload:
    upload: DirectUpload
    target: UploadTarget


class DirectUploadService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[AttachmentsUnitOfWork],
        attachments: AttachmentService,
        storage: ObjectStorage,
        targets: UploadTargets,
        sniffer: ContentSniffer,
        limits: StorageLimits,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._attachments = attachments
        self._storage = storage
        self._targets = targets
        self._sniffer = sniffer
        self._limits = limits
        self._clock = clock

    def start(self, actor: Actor, task_id: uuid.UUID, command: StartUpload) -> StartedUpload:
        self._attachments.ensure_task_visible(actor.org_id, task_id)
        if command.size > self._limits.max_upload_bytes:
            raise ValidationFailed.single(
                "size", f"must be at most {self._limits.max_upload_bytes} bytes"
            )
        upload = DirectUpload.start(
            org_id=actor.org_id,
            task_id=task_id,
            filename=command.filename,
            content_type=command.content_type,
            size=command.size,
            created_by=actor.user_id,
            now=self._clock.now(),
        )
        with self._uow() as uow:
            used = uow.usage.used(actor.org_id)
            if used + command.size > self._limits.org_quota_bytes:
                raise StorageQuotaExceeded()
            uow.uploads.add(upload)
            uow.commit()
        return StartedUpload(upload=upload, target=self._targets.target(upload))

    def receive(self, org_id: uuid.UUID, upload_id: uuid.UUID, source: ByteSource) -> None:
        """The bytes of a direct upload to local storage (the URL was checked already)."""
        with self._uow(read_only=True) as uow:
            upload = uow.uploads.get(org_id, upload_id)
        if upload is None or upload.expires_at <= self._clock.now():
            raise UploadNotFound()
        self._storage.write(
            upload.storage_key, _AtMost(source, upload.size), content_type=upload.content_type
        )

    def complete(self, actor: Actor, task_id: uuid.UUID, upload_id: uuid.UUID) -> Attachment:
        with self._uow(read_only=True) as uow:
            upload = uow.uploads.get(actor.org_id, upload_id)
        if upload is None or upload.task_id != task_id:
            raise UploadNotFound()
        key = upload.storage_key
        stored = self._storage.size_of(key)
        if stored != upload.size:
            raise ValidationFailed.single(
                "size",
                f"the stored object holds {stored or 0} bytes, not the {upload.size} declared",
            )
        inspected = InspectedSource(_Empty())
        for piece in self._storage.read(key, 0, upload.size - 1):
            inspected.take(piece)
        attachment = Attachment.stored(
            attachment_id=upload.id,
            org_id=upload.org_id,
            task_id=upload.task_id,
            filename=upload.filename,
            content_type=self._sniffer.sniff(inspected.head),
            size=inspected.size,
            sha256=inspected.sha256,
            created_by=actor.user_id,
            now=self._clock.now(),
        )
        with self._uow() as uow:
            claimed = uow.uploads.get(actor.org_id, upload_id, for_update=True)
            if claimed is None:
                raise UploadNotFound()  # completed meanwhile by another request
            uow.uploads.remove(claimed)
            uow.commit()
        try:
            self._attachments.record(attachment)
        except BaseException:
            self._storage.delete(key)
            raise
        return attachment


class _AtMost:
    """A body that may not outgrow the declared size: past it is a 422, and the storage
    then keeps nothing."""

    def __init__(self, source: ByteSource, limit: int) -> None:
        self._source = source
        self._left = limit

    def read(self, size: int = -1, /) -> bytes:
        piece = self._source.read(size if size >= 0 else self._left + 1)
        self._left -= len(piece)
        if self._left < 0:
            raise ValidationFailed.single("size", "the body is larger than the size declared")
        return piece


class _Empty:
    def read(self, size: int = -1, /) -> bytes:
        return b""
