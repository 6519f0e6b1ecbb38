"""tenancy: invitations by email

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 09:00:00.000000

Invitations keep the token's digest only. At most one invitation per organization and
email is stored as pending (a partial unique index); expiry is read from `expires_at`.
Staff need no schema change: `identity_users.is_staff` came with 0014.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "status = 'pending'"


def upgrade() -> None:
    op.create_table(
        "tenancy_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_canonical", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["tenancy_organizations.id"],
            name=op.f("fk_tenancy_invitations_org_id_tenancy_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_tenancy_invitations")),
        sa.UniqueConstraint(
            "org_id", "token_hash", name=op.f("uq_tenancy_invitations_org_id_token_hash")
        ),
    )
    op.create_index("ix_tenancy_invitations_token_hash", "tenancy_invitations", ["token_hash"])
    op.create_index(
        "ix_tenancy_invitations_org_created",
        "tenancy_invitations",
        ["org_id", "created_at", "id"],
    )
    op.create_index(
        "ix_tenancy_invitations_org_pending_email",
        "tenancy_invitations",
        ["org_id", "email_canonical"],
        unique=True,
        postgresql_where=sa.text(_PENDING),
        sqlite_where=sa.text(_PENDING),
    )


def downgrade() -> None:
    op.drop_index("ix_tenancy_invitations_org_pending_email", table_name="tenancy_invitations")
    op.drop_index("ix_tenancy_invitations_org_created", table_name="tenancy_invitations")
    op.drop_index("ix_tenancy_invitations_token_hash", table_name="tenancy_invitations")
    op.drop_table("tenancy_invitations")
