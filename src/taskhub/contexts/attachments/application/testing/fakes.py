"""Fakes of the attachments ports: rows, storage, sniffing, upload targets, and work's
task visibility. The storage fake keeps the contract the real adapters keep
(`tests/contracts/attachments.py`)."""

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from taskhub.contexts.attachments.application.ports import (
    AttachmentRepository,
    AttachmentsUnitOfWork,
    ContentSniffer,
    ObjectStorage,
    StorageUsage,
    UploadRepository,
    UploadTarget,
    UploadTargets,
)
from taskhub.contexts.attachments.domain.attachment import Attachment
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.contexts.work.public.task_visibility import TaskVisibility
from taskhub.shared_kernel.byte_streams import PIECE_BYTES, ByteSource
from taskhub.shared_kernel.concurrency import ReadVersions
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork, stored_copy


class AttachmentsStore:
    def __init__(self) -> None:
        self.attachments: dict[tuple[uuid.UUID, uuid.UUID], Attachment] = {}
        self.uploads: dict[tuple[uuid.UUID, uuid.UUID], DirectUpload] = {}
        self.usage: dict[uuid.UUID, int] = {}
        self.events: list[DomainEvent] = []


class FakeAttachmentRepository:
    def __init__(self, store: AttachmentsStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def add(self, attachment: Attachment) -> None:
        self._store.attachments[(attachment.org_id, attachment.id)] = stored_copy(attachment)
        self._versions.note(attachment.id, attachment.version)

    def get(
        self,
        org_id: uuid.UUID,
        attachment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Attachment | None:
        found = self._store.attachments.get((org_id, attachment_id))
        if found is None or (found.deleted_at is not None and not include_deleted):
            return None
        self._versions.note(found.id, found.version)
        return stored_copy(found)

    def update(self, attachment: Attachment) -> None:
        key = (attachment.org_id, attachment.id)
        self._versions.check(attachment.id, self._store.attachments[key].version)
        self._store.attachments[key] = stored_copy(attachment)
        self._versions.note(attachment.id, attachment.version)

    def remove(self, attachment: Attachment) -> None:
        self._store.attachments.pop((attachment.org_id, attachment.id), None)

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Attachment]:
        live = [
            stored_copy(a)
            for a in self._store.attachments.values()
            if a.org_id == org_id and a.task_id == task_id and a.deleted_at is None
        ]
        return keyset_page(live, page, by_time_then_id(creation_key))

    def deleted_before(self, horizon: datetime, limit: int) -> Sequence[Attachment]:
        due = [
            a
            for a in self._store.attachments.values()
            if a.deleted_at is not None and a.deleted_at <= horizon
        ]
        return [stored_copy(a) for a in sorted(due, key=lambda a: a.deleted_at or horizon)][:limit]


class FakeUploadRepository:
    def __init__(self, store: AttachmentsStore) -> None:
        self._store = store

    def add(self, upload: DirectUpload) -> None:
        self._store.uploads[(upload.org_id, upload.id)] = stored_copy(upload)

    def get(
        self, org_id: uuid.UUID, upload_id: uuid.UUID, *, for_update: bool = False
    ) -> DirectUpload | None:
        found = self._store.uploads.get((org_id, upload_id))
        return stored_copy(found) if found is not None else None

    def remove(self, upload: DirectUpload) -> None:
        self._store.uploads.pop((upload.org_id, upload.id), None)

    def started_before(self, horizon: datetime, limit: int) -> Sequence[DirectUpload]:
        due = [u for u in self._store.uploads.values() if u.created_at <= horizon]
        return [stored_copy(u) for u in sorted(due, key=lambda u: u.created_at)][:limit]


class FakeStorageUsage:
    def __init__(self, store: AttachmentsStore) -> None:
        self._store = store

    def reserve(self, org_id: uuid.UUID, size: int, quota: int) -> bool:
        used = self._store.usage.get(org_id, 0)
        if used + size > quota:
            return False
        self._store.usage[org_id] = used + size
        return True

    def release(self, org_id: uuid.UUID, size: int) -> None:
        self._store.usage[org_id] = max(0, self._store.usage.get(org_id, 0) - size)

    def used(self, org_id: uuid.UUID) -> int:
        return self._store.usage.get(org_id, 0)


class FakeAttachmentsUnitOfWork(StagedUnitOfWork[AttachmentsStore]):
    attachments: AttachmentRepository
    uploads: UploadRepository
    usage: StorageUsage

    def _open(self, staged: AttachmentsStore) -> None:
        self.attachments = FakeAttachmentRepository(staged)
        self.uploads = FakeUploadRepository(staged)
        self.usage = FakeStorageUsage(staged)


class FakeObjectStorage:
    """Objects in a dict; a write that fails while reading stores nothing."""

    def __init__(self, *, signs_urls: bool = False) -> None:
        self.objects: dict[str, bytes] = {}
        self._signs_urls = signs_urls

    def write(self, key: str, source: ByteSource, *, content_type: str) -> None:
        pieces = []
        while piece := source.read(PIECE_BYTES):
            pieces.append(piece)
        self.objects[key] = b"".join(pieces)

    def read(self, key: str, first: int, last: int) -> Iterator[bytes]:
        data = self.objects[key][first : last + 1]
        for start in range(0, len(data), PIECE_BYTES):
            yield data[start : start + PIECE_BYTES]

    def size_of(self, key: str) -> int | None:
        found = self.objects.get(key)
        return len(found) if found is not None else None

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires_in: int
    ) -> str | None:
        if not self._signs_urls:
            return None
        return f"https://storage.example/{key}?expires_in={expires_in}"

    def check(self) -> None:
        return None


class FakeSniffer:
    """PNG by its signature, everything else octet-stream."""

    def sniff(self, head: bytes) -> str:
        return "image/png" if head.startswith(b"\x89PNG") else "application/octet-stream"


class FakeUploadTargets:
    def target(self, upload: DirectUpload) -> UploadTarget:
        return UploadTarget(method="PUT", url=f"https://upload.example/{upload.id}", headers={})


class FakeTaskVisibility:
    """The tasks work would call live, per organization."""

    def __init__(self) -> None:
        self.live: set[tuple[uuid.UUID, uuid.UUID]] = set()

    def is_live(self, org_id: uuid.UUID, task_id: uuid.UUID) -> bool:
        return (org_id, task_id) in self.live


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: AttachmentsUnitOfWork = FakeAttachmentsUnitOfWork(AttachmentsStore())
    _storage: ObjectStorage = FakeObjectStorage()
    _sniffer: ContentSniffer = FakeSniffer()
    _targets: UploadTargets = FakeUploadTargets()
    _tasks: TaskVisibility = FakeTaskVisibility()
