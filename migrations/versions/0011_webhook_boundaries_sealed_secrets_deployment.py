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

import base64
import secrets
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


# The sealed format of this revision: `v1.<key_id>.<base64url(nonce | ciphertext | tag)>`,
# AES-256-GCM with the purpose and the row's id as associated data. Frozen here, so the
# migration keeps reading and writing what it did then whatever the application's
# secret box becomes.
_SEALED_PREFIX = "v1."
_NONCE_BYTES = 12


def _is_sealed(stored: str) -> bool:
    return stored.startswith(_SEALED_PREFIX)


def _keyring(action: str) -> Any:
    """The keyring `taskhub migrate` passes in: `current(purpose)` and `all(purpose)`
    give keys with a `key_id` and their `material`."""
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            f"webhook secrets must be {action} with the keyring of TASKHUB_SECRET_KEY: "
            "run `taskhub migrate` with the server's secret key configured"
        )
    return keyring


def _associated(row_id: uuid.UUID) -> bytes:
    return _PURPOSE.encode() + b"\0" + row_id.bytes


def _sealer(keyring: Any) -> Callable[[str, uuid.UUID], str]:
    key = keyring.current(_PURPOSE)

    def seal(plain: str, row_id: uuid.UUID) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(key.material).encrypt(nonce, plain.encode(), _associated(row_id))
        token = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return f"{_SEALED_PREFIX}{key.key_id}.{token}"

    return seal


def _opener(keyring: Any) -> Callable[[str, uuid.UUID], str]:
    keys = {key.key_id: key for key in keyring.all(_PURPOSE)}

    def open_(stored: str, row_id: uuid.UUID) -> str:
        key_id, _, token = stored.removeprefix(_SEALED_PREFIX).partition(".")
        key = keys.get(key_id)
        if key is None:
            raise RuntimeError(
                f"a webhook secret is sealed under key {key_id}, which neither "
                "TASKHUB_SECRET_KEY nor TASKHUB_PREVIOUS_SECRET_KEYS makes"
            )
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = AESGCM(key.material).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(row_id)
        )
        return plain.decode()

    return open_


def _reseal(transform: str) -> None:
    """Seal every clear secret ("seal"), or open every sealed one ("open")."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_webhooks.c.id, _webhooks.c.secret, _webhooks.c.previous_secret)
    ).all()
    sealing = transform == "seal"
    todo = [row for row in rows if _is_sealed(row.secret) != sealing]
    if not todo:
        return
    keyring = _keyring("sealed" if sealing else "opened")
    change = _sealer(keyring) if sealing else _opener(keyring)

    def convert(value: str | None, row_id: uuid.UUID) -> str | None:
        return None if value is None else change(value, row_id)

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
