"""Identity's tables, on identity's own MetaData.

Users, sessions and refresh tokens belong to a person, not to an organization; API
keys act in one organization and are keyed tenant first (ADR 0022).
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

users = sa.Table(
    "identity_users",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("email_canonical", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("email_verified_at", UtcDateTime),
    sa.Column("is_staff", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("last_login_at", UtcDateTime),
)

# Single-use tokens sent by email (password reset, email verification), as hashes only.
email_tokens = sa.Table(
    "identity_email_tokens",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column(
        "user_id", sa.Uuid, sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
    sa.Index("ix_identity_email_tokens_user_purpose", "user_id", "purpose", "created_at"),
)

sessions = sa.Table(
    "identity_sessions",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column(
        "user_id", sa.Uuid, sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_used_at", UtcDateTime, nullable=False),
    sa.Column("ip", sa.String(64)),
    sa.Column("user_agent", sa.String(512)),
    sa.Column("revoked_at", UtcDateTime),
    sa.Column("revoke_reason", sa.String(32)),
    sa.Index("ix_identity_sessions_user_live", "user_id", "revoked_at"),
)

refresh_tokens = sa.Table(
    "identity_refresh_tokens",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column(
        "session_id",
        sa.Uuid,
        sa.ForeignKey("identity_sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("rotated_at", UtcDateTime),
)

api_keys = sa.Table(
    "identity_api_keys",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.UniqueConstraint("org_id", "key_hash"),
    # A presented key is found by its hash before its organization is known: the one
    # lookup here that spans tenants. Hashes of 256 random bits do not collide.
    sa.Index("ix_identity_api_keys_key_hash", "key_hash"),
    sa.Index("ix_identity_api_keys_org_live", "org_id", "revoked_at", "created_at", "id"),
)
