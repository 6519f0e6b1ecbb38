"""Realtime's one table: the single-use tickets browsers open a WebSocket with.

Keyed tenant first (ADR 0022). Only a hash of the ticket is stored, so a read of the
table yields nothing to connect with; the issuing credential is sealed under the
deployment's key for the `realtime-tickets` purpose, because the process that redeems
the ticket must authenticate (and keep re-checking) the same credential (ADR 0033).
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

tickets = sa.Table(
    "realtime_tickets",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("ticket_hash", sa.String(64), nullable=False),
    sa.Column("credential", sa.Text, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.UniqueConstraint("org_id", "ticket_hash"),
    # The prune of expired tickets, across organizations.
    sa.Index("ix_realtime_tickets_expires", "expires_at"),
)
