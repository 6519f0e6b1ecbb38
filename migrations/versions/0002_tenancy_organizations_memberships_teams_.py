"""tenancy: organizations, memberships, teams; identity: API keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:23:58.504989
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_identity_api_keys_key_hash")),
    )
    op.create_index(
        "ix_identity_api_keys_org_live",
        "identity_api_keys",
        ["org_id", "revoked_at", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "tenancy_organizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenancy_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenancy_organizations_slug")),
    )
    op.create_table(
        "tenancy_memberships",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["tenancy_organizations.id"],
            name=op.f("fk_tenancy_memberships_org_id_tenancy_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "user_id", name=op.f("pk_tenancy_memberships")),
    )
    op.create_index(
        "ix_tenancy_memberships_org_joined",
        "tenancy_memberships",
        ["org_id", "joined_at", "user_id"],
        unique=False,
    )
    op.create_index(
        "ix_tenancy_memberships_user", "tenancy_memberships", ["user_id", "org_id"], unique=False
    )
    op.create_table(
        "tenancy_teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_canonical", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["tenancy_organizations.id"],
            name=op.f("fk_tenancy_teams_org_id_tenancy_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenancy_teams")),
    )
    op.create_index(
        "ix_tenancy_teams_org_created",
        "tenancy_teams",
        ["org_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_tenancy_teams_org_name", "tenancy_teams", ["org_id", "name_canonical"], unique=False
    )
    op.create_table(
        "tenancy_team_members",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["tenancy_teams.id"],
            name=op.f("fk_tenancy_team_members_team_id_tenancy_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_tenancy_team_members")),
    )
    op.create_index(
        "ix_tenancy_team_members_team_added",
        "tenancy_team_members",
        ["team_id", "added_at", "user_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tenancy_team_members_team_added", table_name="tenancy_team_members")
    op.drop_table("tenancy_team_members")
    op.drop_index("ix_tenancy_teams_org_name", table_name="tenancy_teams")
    op.drop_index("ix_tenancy_teams_org_created", table_name="tenancy_teams")
    op.drop_table("tenancy_teams")
    op.drop_index("ix_tenancy_memberships_user", table_name="tenancy_memberships")
    op.drop_index("ix_tenancy_memberships_org_joined", table_name="tenancy_memberships")
    op.drop_table("tenancy_memberships")
    op.drop_table("tenancy_organizations")
    op.drop_index("ix_identity_api_keys_org_live", table_name="identity_api_keys")
    op.drop_table("identity_api_keys")
