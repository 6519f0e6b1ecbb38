"""Tenancy's tables, on tenancy's own MetaData.

User ids are plain columns, not foreign keys into identity's tables: contexts own
their tables and could move to separate databases without a schema tangle.

Organizations are the tenants themselves; everything else here is org-scoped and keyed
tenant first (ADR 0022).
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, in_org, new_metadata

metadata = new_metadata()

organizations = sa.Table(
    "tenancy_organizations",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("slug", sa.String(63), nullable=False, unique=True),
    sa.Column("plan", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
)

memberships = sa.Table(
    "tenancy_memberships",
    metadata,
    sa.Column(
        "org_id",
        sa.Uuid,
        sa.ForeignKey("tenancy_organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("joined_at", UtcDateTime, nullable=False),
    sa.Index("ix_tenancy_memberships_user", "user_id", "org_id"),
    sa.Index("ix_tenancy_memberships_org_joined", "org_id", "joined_at", "user_id"),
)

teams = sa.Table(
    "tenancy_teams",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column(
        "org_id",
        sa.Uuid,
        sa.ForeignKey("tenancy_organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_canonical", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.Index("ix_tenancy_teams_org_created", "org_id", "created_at", "id"),
    # A name is unique among the organization's live teams, ignoring case, whatever
    # the concurrency: the database decides, not a read before the write.
    sa.Index(
        "ix_tenancy_teams_org_name",
        "org_id",
        "name_canonical",
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    ),
)

team_members = sa.Table(
    "tenancy_team_members",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("team_id", sa.Uuid, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "team_id", "user_id"),
    in_org(
        "team_id", teams, name="fk_tenancy_team_members_team_id_tenancy_teams", ondelete="CASCADE"
    ),
    sa.Index("ix_tenancy_team_members_team_added", "org_id", "team_id", "added_at", "user_id"),
)

# Invitations by email. The token is kept as a digest; it is looked up before its
# organization is known (like an API key's), the one lookup here that spans tenants.
# At most one invitation per email and organization is stored as pending: the
# database holds that rule, whatever the concurrency.
invitations = sa.Table(
    "tenancy_invitations",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column(
        "org_id",
        sa.Uuid,
        sa.ForeignKey("tenancy_organizations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("email_canonical", sa.String(254), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("invited_by", sa.Uuid, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("accepted_by", sa.Uuid),
    sa.Column("closed_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.UniqueConstraint("org_id", "token_hash"),
    # Hashes of 256 random bits do not collide across organizations either.
    sa.Index("ix_tenancy_invitations_token_hash", "token_hash"),
    sa.Index("ix_tenancy_invitations_org_created", "org_id", "created_at", "id"),
    sa.Index(
        "ix_tenancy_invitations_org_pending_email",
        "org_id",
        "email_canonical",
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    ),
)
