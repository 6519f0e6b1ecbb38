"""The mail outbox: one row per email intent, written in the transaction that caused it."""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

mail_outbox = sa.Table(
    "platform_mail_outbox",
    metadata,
    # The intent's key (the MailQueued event's id); also the Message-ID's local part.
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),
    # Both bodies, sealed (they may hold a single-use token); emptied once sent.
    sa.Column("body", sa.Text),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # A sender that claimed the row holds it until then; a crash lets it go.
    sa.Column("claimed_until", UtcDateTime),
    sa.Column("sent_at", UtcDateTime),
    sa.Column("failed_at", UtcDateTime),
    sa.Column("last_error", sa.String(500)),
    sa.Index(
        "ix_platform_mail_outbox_due",
        "next_attempt_at",
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    ),
)
