"""Attachments' unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.attachments.adapters.sql.repositories import (
    SqlAttachmentRepository,
    SqlStorageUsage,
    SqlUploadRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlAttachmentsUnitOfWork(SqlUnitOfWork):
    attachments: SqlAttachmentRepository
    uploads: SqlUploadRepository
    usage: SqlStorageUsage

    def _start(self, connection: sa.Connection) -> None:
        self.attachments = SqlAttachmentRepository(connection)
        self.uploads = SqlUploadRepository(connection)
        self.usage = SqlStorageUsage(connection)
