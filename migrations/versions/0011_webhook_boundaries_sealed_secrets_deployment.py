"""webhooks start after a position and keep their secrets sealed; the deployment has an id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:00:00.000000

- `platform_deployment` gets this deployment's id, once: the default broker namespace
  and every message carry it (ADR 0018).
- `integrations_webhooks.events_after`: the outbox position a webhook receives events
  after; existing webhooks keep receiving everything (0).
- Webhook secrets are sealed with the keyring that `taskhub migrate` passes in
  (`config.attributes["keyring"]`); without one, clear secrets stop the migration.
- Events published to the exchange of the old, shared name and not yet consumed are
  published again, under the namespaced names (consumers skip what they already had).
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

from taskhub.platform.keyring import Keyring
from taskhub.platform.secret_box import SecretBox

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSE = "webhook-secrets"
_webhooks = sa.table(
    "integrations_webhooks",
    sa.column("id", sa.Uuid()),
    sa.column("secret", sa.String()),
    sa.column("previous_secret", sa.String()),
)


def _box(action: str) -> SecretBox:
    keyring = context.config.attributes.get("keyring")
    if not isinstance(keyring, Keyring):
        raise RuntimeError(
            f"webhook secrets must be {action} with the keyring of TASKHUB_SECRET_KEY: "
            "run `taskhub migrate` with the server's secret key configured"
        )
    return SecretBox(keyring, _PURPOSE)


def _reseal(transform: str) -> None:
    """Seal every clear secret ("seal"), or open every sealed one ("open")."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_webhooks.c.id, _webhooks.c.secret, _webhooks.c.previous_secret)
    ).all()
    sealing = transform == "seal"
    todo = [row for row in rows if SecretBox.is_sealed(row.secret) != sealing]
    if not todo:
        return
    box = _box("sealed" if sealing else "opened")

    def convert(value: str | None, row_id: uuid.UUID) -> str | None:
        if value is None:
            return None
        if sealing:
            return box.seal(value, row_id.bytes)
        return box.open(value, row_id.bytes)

    for row in todo:
        connection.execute(
            _webhooks.update()
            .where(_webhooks.c.id == row.id)
            .values(
                secret=convert(row.secret, row.id),
                previous_secret=convert(row.previous_secret, row.id),
            )
        )


def upgrade() -> None:
    deployment = op.create_table(
        "platform_deployment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_deployment")),
    )
    op.bulk_insert(deployment, [{"id": uuid.uuid4(), "created_at": datetime.now(UTC)}])
    # A plain ADD COLUMN: a batch rebuild of the table on SQLite would drop it, and the
    # foreign key's ON DELETE CASCADE would take every delivery with it.
    op.add_column(
        "integrations_webhooks",
        sa.Column("events_after", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    # A sealed secret (124 characters for a whsec_ secret of 32 bytes) fits the column.
    _reseal("seal")
    op.execute(
        "UPDATE platform_outbox SET published_at = NULL WHERE published_at IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM platform_consumed_events c "
        "WHERE c.event_id = platform_outbox.event_id)"
    )


def downgrade() -> None:
    _reseal("open")
    op.drop_column("integrations_webhooks", "events_after")
    op.drop_table("platform_deployment")
