"""accounts: mail outbox, email tokens, verified emails, staff

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 09:00:00.000000

The mail outbox holds the emails a change queued until the sender has sent them.
Email tokens (password reset, email verification) are stored as hashes only. Users
gain when their email was verified, whether they are staff, and when they last signed
in; existing users are unverified and not staff.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DUE = "sent_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "platform_mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_mail_outbox")),
    )
    op.create_index(
        "ix_platform_mail_outbox_due",
        "platform_mail_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text(_DUE),
        sqlite_where=sa.text(_DUE),
    )
    op.create_table(
        "identity_email_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_email_tokens_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_email_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_identity_email_tokens_token_hash")),
    )
    op.create_index(
        "ix_identity_email_tokens_user_purpose",
        "identity_email_tokens",
        ["user_id", "purpose", "created_at"],
    )
    with op.batch_alter_table("identity_users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("is_staff", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identity_users") as batch:
        batch.drop_column("last_login_at")
        batch.drop_column("is_staff")
        batch.drop_column("email_verified_at")
    op.drop_index("ix_identity_email_tokens_user_purpose", table_name="identity_email_tokens")
    op.drop_table("identity_email_tokens")
    op.drop_index(
        "ix_platform_mail_outbox_due",
        table_name="platform_mail_outbox",
        postgresql_where=sa.text(_DUE),
        sqlite_where=sa.text(_DUE),
    )
    op.drop_table("platform_mail_outbox")
