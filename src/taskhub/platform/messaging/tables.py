"""The platform's own tables: the outbox and the record of consumed events."""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

outbox = sa.Table(
    "platform_outbox",
    metadata,
    # Commit order is publication order: an ever-increasing position, not a timestamp.
    sa.Column(
        "position",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("ordering_key", sa.String(64), nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("published_at", UtcDateTime),
    # The user whose request made the change; null for the system and for API keys.
    # Subscribers read it (nobody is notified of their own action); partners never see it.
    sa.Column("actor_id", sa.Uuid),
    # The W3C trace context of the request that wrote the event, when it was traced:
    # the consumers and the webhook requests continue its trace (ADR 0037).
    sa.Column("traceparent", sa.String(128)),
    sa.Index(
        "ix_platform_outbox_unpublished",
        "position",
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    ),
    # An entity's events in order: the webhook dispatcher asks whether an earlier one
    # is still to be consumed before it sends a later one.
    sa.Index("ix_platform_outbox_entity", "org_id", "ordering_key", "position"),
    # An organization's events in commit order: its event feed, paged by position.
    sa.Index("ix_platform_outbox_org", "org_id", "position"),
)

consumed_events = sa.Table(
    "platform_consumed_events",
    metadata,
    sa.Column("subscriber", sa.String(100), primary_key=True),
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("consumed_at", UtcDateTime, nullable=False),
)

# One row: this deployment's id, made by the first migration that knew it. Messages carry
# it, and the default broker namespace is made from it, so two deployments sharing a
# RabbitMQ virtual host neither share queues nor take each other's events.
deployment = sa.Table(
    "platform_deployment",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
