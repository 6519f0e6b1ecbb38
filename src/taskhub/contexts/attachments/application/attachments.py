"""Uploading, listing, reading, deleting and restoring a task's attachments.

An upload streams from the request to storage first, hashed and measured on the way,
and is recorded only then, in one transaction that also counts it against the
organization's quota; a failure anywhere removes what was stored, so nothing is left
half-written. Every read goes through the task: a task that is deleted (or was never
there, or is another organization's) hides its attachments.
"""

import uuid
from collections.abc import Callable, Iterator

import attrs

from taskhub.contexts.attachments.application.inspection import InspectedSource
from taskhub.contexts.attachments.application.ports import (
    AttachmentsUnitOfWork,
    ContentSniffer,
    ObjectStorage,
    StorageLimits,
)
from taskhub.contexts.attachments.domain.attachment import Attachment, storage_key
from taskhub.contexts.attachments.domain.errors import (
    AttachmentNotFound,
    StorageQuotaExceeded,
    TaskNotFound,
    empty_file,
)
from taskhub.contexts.work.public.task_visibility import TaskVisibility
from taskhub.shared_kernel.byte_streams import ByteSource
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

# How long a signed download URL works (the contract's ceiling is 5 minutes).
DOWNLOAD_URL_SECONDS = 300


@attrs.frozen
class Download:
    """An attachment's bytes: at a signed URL, or read from storage by range."""

    attachment: Attachment
    url: str | None
    chunks: Callable[[int, int], Iterator[bytes]]


class AttachmentService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[AttachmentsUnitOfWork],
        storage: ObjectStorage,
        sniffer: ContentSniffer,
        tasks: TaskVisibility,
        limits: StorageLimits,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._sniffer = sniffer
        self._tasks = tasks
        self._limits = limits
        self._clock = clock

    def upload(
        self, actor: Actor, task_id: uuid.UUID, *, filename: str, source: ByteSource
    ) -> Attachment:
        self._visible(actor, task_id)
        with self._uow(read_only=True) as uow:
            if uow.usage.used(actor.org_id) >= self._limits.org_quota_bytes:
                raise StorageQuotaExceeded()
        attachment_id = new_id()
        key = storage_key(actor.org_id, attachment_id)
        inspected = InspectedSource(source)
        self._storage.write(key, inspected, content_type="application/octet-stream")
        try:
            if inspected.size == 0:
                raise empty_file()
            attachment = Attachment.stored(
                attachment_id=attachment_id,
                org_id=actor.org_id,
                task_id=task_id,
                filename=filename,
                content_type=self._sniffer.sniff(inspected.head),
                size=inspected.size,
                sha256=inspected.sha256,
                created_by=actor.user_id,
                now=self._clock.now(),
            )
            self.record(attachment)
        except BaseException:
            self._storage.delete(key)
            raise
        return attachment

    def record(self, attachment: Attachment) -> None:
        """Count a stored file against the quota and keep it, or raise (the caller then
        removes the bytes)."""
        self.ensure_task_visible(attachment.org_id, attachment.task_id)
        with self._uow() as uow:
            if not uow.usage.reserve(
                attachment.org_id, attachment.size, self._limits.org_quota_bytes
            ):
                raise StorageQuotaExceeded()
            uow.attachments.add(attachment)
            uow.track(attachment)
            uow.commit()

    def page(self, actor: Actor, task_id: uuid.UUID, page: PageRequest) -> Page[Attachment]:
        self._visible(actor, task_id)
        with self._uow(read_only=True) as uow:
            return uow.attachments.page(actor.org_id, task_id, page)

    def get(self, actor: Actor, task_id: uuid.UUID, attachment_id: uuid.UUID) -> Attachment:
        self._visible(actor, task_id)
        with self._uow(read_only=True) as uow:
            return self._of_task(uow, actor, task_id, attachment_id)

    def download(self, actor: Actor, task_id: uuid.UUID, attachment_id: uuid.UUID) -> Download:
        attachment = self.get(actor, task_id, attachment_id)
        key = attachment.storage_key
        url = self._storage.download_url(
            key,
            filename=attachment.filename,
            content_type=attachment.content_type,
            expires_in=DOWNLOAD_URL_SECONDS,
        )
        return Download(
            attachment=attachment,
            url=url,
            chunks=lambda first, last: self._storage.read(key, first, last),
        )

    def delete(
        self,
        actor: Actor,
        task_id: uuid.UUID,
        attachment_id: uuid.UUID,
        expected_version: int | None = None,
    ) -> None:
        self._visible(actor, task_id)
        with self._uow() as uow:
            attachment = self._for_write(uow, actor, task_id, attachment_id, expected_version)
            attachment.delete(actor, self._clock.now())
            uow.attachments.update(attachment)
            uow.track(attachment)
            uow.commit()

    def restore(self, actor: Actor, task_id: uuid.UUID, attachment_id: uuid.UUID) -> Attachment:
        self._visible(actor, task_id)
        with self._uow() as uow:
            attachment = uow.attachments.get(
                actor.org_id, attachment_id, include_deleted=True, for_update=True
            )
            if attachment is None or attachment.task_id != task_id:
                raise AttachmentNotFound()
            if attachment.deleted_at is not None:
                attachment.restore(self._clock.now())
                uow.attachments.update(attachment)
                uow.track(attachment)
                uow.commit()
        return attachment

    def _visible(self, actor: Actor, task_id: uuid.UUID) -> None:
        self.ensure_task_visible(actor.org_id, task_id)

    def ensure_task_visible(self, org_id: uuid.UUID, task_id: uuid.UUID) -> None:
        if not self._tasks.is_live(org_id, task_id):
            raise TaskNotFound()

    @staticmethod
    def _of_task(
        uow: AttachmentsUnitOfWork, actor: Actor, task_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> Attachment:
        attachment = uow.attachments.get(actor.org_id, attachment_id)
        if attachment is None or attachment.task_id != task_id:
            raise AttachmentNotFound()
        return attachment

    @staticmethod
    def _for_write(
        uow: AttachmentsUnitOfWork,
        actor: Actor,
        task_id: uuid.UUID,
        attachment_id: uuid.UUID,
        expected_version: int | None,
    ) -> Attachment:
        def load(deleted: bool) -> Attachment | None:
            found = uow.attachments.get(
                actor.org_id, attachment_id, include_deleted=deleted, for_update=True
            )
            return found if found is not None and found.task_id == task_id else None

        return load_for_write(load, expected_version, AttachmentNotFound)
