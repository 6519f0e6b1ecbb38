"""Removing what is no longer kept: the bytes of attachments deleted longer ago than the
retention window (then their rows, which frees their quota), and uploads never
completed after 24 hours.

Storage first, rows after, with the row locked in between: if the row's removal fails,
the next round finds the row again and removing an object that is already gone is no
error; the other order could leave bytes no row points to.
"""

from taskhub.contexts.attachments.application.ports import AttachmentsUnitOfWork, ObjectStorage
from taskhub.contexts.attachments.domain.attachment import RETENTION
from taskhub.contexts.attachments.domain.direct_upload import UNFINISHED_LIFETIME
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

BATCH = 100


class AttachmentJanitor:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[AttachmentsUnitOfWork],
        storage: ObjectStorage,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock

    def run_once(self) -> int:
        """One batch of each; how many things it removed (a full batch: call again)."""
        return self._purge_deleted() + self._expire_uploads()

    def _purge_deleted(self) -> int:
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            due = uow.attachments.deleted_before(now - RETENTION, BATCH)
        purged = 0
        for candidate in due:
            with self._uow() as uow:
                # Locked while its bytes go, so a restore cannot slip in between.
                attachment = uow.attachments.get(
                    candidate.org_id, candidate.id, include_deleted=True, for_update=True
                )
                if attachment is None or not attachment.purgeable(now):
                    continue  # restored (or purged) meanwhile
                self._storage.delete(attachment.storage_key)
                attachment.purged(now)
                uow.attachments.remove(attachment)
                uow.usage.release(attachment.org_id, attachment.size)
                uow.track(attachment)
                uow.commit()
                purged += 1
        return purged

    def _expire_uploads(self) -> int:
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            due = uow.uploads.started_before(now - UNFINISHED_LIFETIME, BATCH)
        for upload in due:
            self._storage.delete(upload.storage_key)
            with self._uow() as uow:
                claimed = uow.uploads.get(upload.org_id, upload.id, for_update=True)
                if claimed is not None:
                    uow.uploads.remove(claimed)
                    uow.commit()
        return len(due)
