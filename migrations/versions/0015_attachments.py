"""attachments: files on tasks, direct uploads in progress, storage used per organization

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 09:00:00.000000

New tables only, keyed tenant first (ADR 0022); the bytes themselves live in storage.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")
_DELETED = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "attachments_attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_attachments_attachments")),
    )
    op.create_index(
        "ix_attachments_attachments_task_created",
        "attachments_attachments",
        ["org_id", "task_id", "created_at", "id"],
        unique=False,
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    op.create_index(
        "ix_attachments_attachments_deleted",
        "attachments_attachments",
        ["deleted_at"],
        unique=False,
        postgresql_where=_DELETED,
        sqlite_where=_DELETED,
    )
    op.create_table(
        "attachments_uploads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_attachments_uploads")),
    )
    op.create_index(
        "ix_attachments_uploads_created", "attachments_uploads", ["created_at"], unique=False
    )
    op.create_table(
        "attachments_usage",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("bytes_used", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_attachments_usage")),
    )


def downgrade() -> None:
    op.drop_table("attachments_usage")
    op.drop_index("ix_attachments_uploads_created", table_name="attachments_uploads")
    op.drop_table("attachments_uploads")
    op.drop_index(
        "ix_attachments_attachments_deleted",
        table_name="attachments_attachments",
        postgresql_where=_DELETED,
        sqlite_where=_DELETED,
    )
    op.drop_index(
        "ix_attachments_attachments_task_created",
        table_name="attachments_attachments",
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    op.drop_table("attachments_attachments")
