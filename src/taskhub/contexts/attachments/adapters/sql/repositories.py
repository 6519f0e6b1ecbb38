"""Attachments' repositories on SQLAlchemy Core."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from taskhub.contexts.attachments.adapters.sql.tables import attachments, uploads, usage
from taskhub.contexts.attachments.domain.attachment import Attachment
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest


def _attachment(row: Any) -> Attachment:
    return Attachment(
        id=row.id,
        org_id=row.org_id,
        task_id=row.task_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlAttachmentRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, attachments)

    def add(self, attachment: Attachment) -> None:
        self._connection.execute(
            attachments.insert().values(
                id=attachment.id,
                org_id=attachment.org_id,
                task_id=attachment.task_id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
                created_by=attachment.created_by,
                created_at=attachment.created_at,
                updated_at=attachment.updated_at,
                version=attachment.version,
                deleted_at=attachment.deleted_at,
            )
        )
        self._rows.inserted(attachment.id, attachment.version, attachment.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        attachment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Attachment | None:
        query = sa.select(attachments).where(
            attachments.c.org_id == org_id, attachments.c.id == attachment_id
        )
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _attachment(row) if row is not None else None

    def update(self, attachment: Attachment) -> None:
        self._rows.update(
            attachment.id,
            {
                "updated_at": attachment.updated_at,
                "version": attachment.version,
                "deleted_at": attachment.deleted_at,
            },
        )

    def remove(self, attachment: Attachment) -> None:
        self._connection.execute(
            attachments.delete().where(
                attachments.c.org_id == attachment.org_id, attachments.c.id == attachment.id
            )
        )

    def page(self, org_id: uuid.UUID, task_id: uuid.UUID, page: PageRequest) -> Page[Attachment]:
        query = sa.select(attachments).where(
            attachments.c.org_id == org_id,
            attachments.c.task_id == task_id,
            attachments.c.deleted_at.is_(None),
        )
        return keyset_page(
            self._connection,
            query,
            [attachments.c.created_at, attachments.c.id],
            page,
            _attachment,
        )

    def deleted_before(self, horizon: datetime, limit: int) -> Sequence[Attachment]:
        rows = self._connection.execute(
            sa.select(attachments)
            .where(attachments.c.deleted_at.is_not(None), attachments.c.deleted_at <= horizon)
            .order_by(attachments.c.deleted_at)
            .limit(limit)
        )
        return [_attachment(row) for row in rows]


def _upload(row: Any) -> DirectUpload:
    return DirectUpload(
        id=row.id,
        org_id=row.org_id,
        task_id=row.task_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


class SqlUploadRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, upload: DirectUpload) -> None:
        self._connection.execute(
            uploads.insert().values(
                id=upload.id,
                org_id=upload.org_id,
                task_id=upload.task_id,
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                created_by=upload.created_by,
                created_at=upload.created_at,
                expires_at=upload.expires_at,
            )
        )

    def get(
        self, org_id: uuid.UUID, upload_id: uuid.UUID, *, for_update: bool = False
    ) -> DirectUpload | None:
        query = sa.select(uploads).where(uploads.c.org_id == org_id, uploads.c.id == upload_id)
        if for_update:
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        return _upload(row) if row is not None else None

    def remove(self, upload: DirectUpload) -> None:
        self._connection.execute(
            uploads.delete().where(uploads.c.org_id == upload.org_id, uploads.c.id == upload.id)
        )

    def started_before(self, horizon: datetime, limit: int) -> Sequence[DirectUpload]:
        rows = self._connection.execute(
            sa.select(uploads)
            .where(uploads.c.created_at <= horizon)
            .order_by(uploads.c.created_at)
            .limit(limit)
        )
        return [_upload(row) for row in rows]


class SqlStorageUsage:
    """One row per organization; the quota check is the UPDATE's own condition."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def reserve(self, org_id: uuid.UUID, size: int, quota: int) -> bool:
        self._ensure_row(org_id)
        # On PostgreSQL a second writer waits for the first's row lock, then re-checks
        # the condition against the committed total; SQLite runs one writer at a time.
        counted = self._connection.execute(
            usage.update()
            .where(usage.c.org_id == org_id, usage.c.bytes_used + size <= quota)
            .values(bytes_used=usage.c.bytes_used + size)
        )
        return counted.rowcount == 1

    def release(self, org_id: uuid.UUID, size: int) -> None:
        left = sa.case((usage.c.bytes_used > size, usage.c.bytes_used - size), else_=0)
        self._connection.execute(
            usage.update().where(usage.c.org_id == org_id).values(bytes_used=left)
        )

    def used(self, org_id: uuid.UUID) -> int:
        found = self._connection.execute(
            sa.select(usage.c.bytes_used).where(usage.c.org_id == org_id)
        ).scalar_one_or_none()
        return int(found or 0)

    def _ensure_row(self, org_id: uuid.UUID) -> None:
        values = {"org_id": org_id, "bytes_used": 0}
        if self._connection.dialect.name == "postgresql":
            statement: Any = postgresql.insert(usage).values(values).on_conflict_do_nothing()
        else:
            statement = sqlite.insert(usage).values(values).on_conflict_do_nothing()
        self._connection.execute(statement)
