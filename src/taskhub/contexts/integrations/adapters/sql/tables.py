"""Integrations' tables, on their own MetaData; both org-scoped, keyed tenant first (ADR 0022)."""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, in_org, new_metadata

metadata = new_metadata()

UNFINISHED = sa.text("status IN ('pending', 'retrying')")

webhooks = sa.Table(
    "integrations_webhooks",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("events", sa.JSON, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    # Sealed (platform.secret_box), never the plain secret: 124 characters for a whsec_.
    sa.Column("secret", sa.String(128), nullable=False),
    sa.Column("previous_secret", sa.String(128)),
    sa.Column("previous_secret_expires_at", UtcDateTime),
    sa.Column("failing_since", UtcDateTime),
    # The outbox position the webhook was created (or last re-enabled) after: it
    # receives only events with a later position.
    sa.Column("events_after", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.Index("ix_integrations_webhooks_org_created", "org_id", "created_at", "id"),
)

deliveries = sa.Table(
    "integrations_deliveries",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("webhook_id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("ordering_key", sa.String(100), nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("next_attempt_at", UtcDateTime),
    sa.Column("leased_until", UtcDateTime),
    sa.Column("last_error", sa.String(500)),
    # The W3C trace context of the change that caused the event (ADR 0037).
    sa.Column("traceparent", sa.String(128)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "id"),
    in_org(
        "webhook_id",
        webhooks,
        name="fk_integrations_deliveries_webhook_id_integrations_webhooks",
        ondelete="CASCADE",
    ),
    sa.UniqueConstraint("org_id", "webhook_id", "event_id"),
    # The dispatcher's scan for due deliveries spans every organization: it is the one
    # reader here that knows no tenant (ADR 0022).
    sa.Index(
        "ix_integrations_deliveries_due",
        "next_attempt_at",
        postgresql_where=UNFINISHED,
        sqlite_where=UNFINISHED,
    ),
    sa.Index(
        "ix_integrations_deliveries_order", "org_id", "webhook_id", "ordering_key", "position"
    ),
    sa.Index("ix_integrations_deliveries_log", "org_id", "webhook_id", "created_at", "id"),
)
