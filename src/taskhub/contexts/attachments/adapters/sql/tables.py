"""Attachments' tables, on their own MetaData, keyed tenant first (ADR 0022).

Tasks are work's rows, so `task_id` is a plain id, not a foreign key: a MetaData's
foreign keys reach only its own tables, and whether a task is visible is asked of work.
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

LIVE = sa.text("deleted_at IS NULL")
DELETED = sa.text("deleted_at IS NOT NULL")

attachments = sa.Table(
    "attachments_attachments",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    # A task's list: oldest first, live ones only.
    sa.Index(
        "ix_attachments_attachments_task_created",
        "org_id",
        "task_id",
        "created_at",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    # The janitor's scan across organizations for what is due to be purged.
    sa.Index(
        "ix_attachments_attachments_deleted",
        "deleted_at",
        postgresql_where=DELETED,
        sqlite_where=DELETED,
    ),
)

uploads = sa.Table(
    "attachments_uploads",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "id"),
    # The janitor's scan across organizations for uploads never completed.
    sa.Index("ix_attachments_uploads_created", "created_at"),
)

# Bytes each organization keeps in storage: the quota is checked and counted in one
# conditional UPDATE of this row, so racing uploads cannot pass it together.
usage = sa.Table(
    "attachments_usage",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("bytes_used", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("org_id"),
)
