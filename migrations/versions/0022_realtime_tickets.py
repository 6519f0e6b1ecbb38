"""realtime: single-use WebSocket tickets

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 00:00:00.000000

A browser cannot set headers on a WebSocket, so it trades its credential for a ticket
(`POST /orgs/{org_id}/events/tickets`) and opens the socket with `?ticket=`. The row
holds a hash of the ticket, never the ticket, and the issuing credential sealed with
the deployment's key, so a ticket redeemed at another process authenticates as the
credential that asked for it (ADR 0033).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "realtime_tickets",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ticket_hash", sa.String(64), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_realtime_tickets")),
        sa.UniqueConstraint(
            "org_id", "ticket_hash", name=op.f("uq_realtime_tickets_org_id_ticket_hash")
        ),
    )
    op.create_index("ix_realtime_tickets_expires", "realtime_tickets", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_realtime_tickets_expires", table_name="realtime_tickets")
    op.drop_table("realtime_tickets")
