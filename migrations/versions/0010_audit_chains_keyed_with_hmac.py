"""audit: entries are linked with HMAC-SHA256 under a key derived from the secret key

Adds `audit_entries.key_id` and links every existing chain again with the current
"audit-chain" key, after checking it by the plain SHA-256 rules it was written with. A
chain that fails that check is left unkeyed, so `verify` keeps reporting it. The
keyring comes from the runner (`config.attributes["keyring"]`, which `taskhub migrate`
and `taskhub serve` set); without one, a database that holds entries is refused.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:00:00.000000
"""

import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_TRIGGER = "audit_entries_no_update_or_delete"
_SQLITE_TRIGGER = "audit_entries_no_update"
_PURPOSE = "audit-chain"
_GENESIS_HASH = "0" * 64

# The audit tables and the link format as they were at this revision: the migration
# keeps doing what it did then, whatever the application's audit code becomes.
_entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Uuid()),
    sa.column("chain_key", sa.String()),
    sa.column("seq", sa.BigInteger()),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_type", sa.String()),
    sa.column("actor_id", sa.Uuid()),
    sa.column("action", sa.String()),
    sa.column("entity_type", sa.String()),
    sa.column("entity_id", sa.Uuid()),
    sa.column("changes", sa.JSON()),
    sa.column("ip", sa.String()),
    sa.column("user_agent", sa.Text()),
    sa.column("request_id", sa.String()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
    sa.column("key_id", sa.String()),
)
_heads = sa.table(
    "audit_chain_heads",
    sa.column("chain_key", sa.String()),
    sa.column("seq", sa.BigInteger()),
    sa.column("hash", sa.String()),
)


def _canonical_json(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _utc_text(value: datetime) -> str:
    # SQLite hands the stored UTC time back without its zone.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _chain_key_text(stored: str) -> str:
    kind, _, owner = stored.partition(":")
    return f"{kind}:{uuid.UUID(owner)}"


def _hashed_fields(row: Any, seq: int, key_id: str | None) -> dict[str, Any]:
    """What a link covers; `key_id` is None for the plain SHA-256 links before keys."""
    fields = {
        "id": str(row.id),
        "chain_key": _chain_key_text(row.chain_key),
        "seq": seq,
        "occurred_at": _utc_text(row.occurred_at),
        "actor_type": row.actor_type,
        "actor_id": None if row.actor_id is None else str(row.actor_id),
        "action": row.action,
        "entity_type": row.entity_type,
        "entity_id": str(row.entity_id),
        "changes": {field: [pair[0], pair[1]] for field, pair in row.changes.items()},
        "ip": row.ip,
        "user_agent": row.user_agent,
        "request_id": row.request_id,
    }
    if key_id is not None:
        fields["key_id"] = key_id
    return fields


def _legacy_chain_holds(rows: Sequence[Any], head: Any) -> bool:
    """The check as it was before keys: every entry unkeyed, plain SHA-256 links, the
    chain ending exactly at its head."""
    expected_seq, prev_hash = 1, _GENESIS_HASH
    for row in rows:
        if row.key_id is not None or row.seq != expected_seq or row.prev_hash != prev_hash:
            return False
        message = _canonical_json(_hashed_fields(row, row.seq, None)) + prev_hash.encode("ascii")
        if row.hash != hashlib.sha256(message).hexdigest():
            return False
        expected_seq, prev_hash = row.seq + 1, row.hash
    return bool(head.seq == expected_seq - 1 and head.hash == prev_hash)


def _relink_chain(connection: sa.Connection, key: Any, head: Any) -> None:
    rows = connection.execute(
        sa.select(_entries).where(_entries.c.chain_key == head.chain_key).order_by(_entries.c.seq)
    ).all()
    if not rows or not _legacy_chain_holds(rows, head):
        return  # nothing to link, or already broken: verify must go on saying so
    prev_hash = _GENESIS_HASH
    for seq, row in enumerate(rows, start=1):
        message = _canonical_json(_hashed_fields(row, seq, key.key_id)) + prev_hash.encode("ascii")
        digest = hmac.new(key.material, message, hashlib.sha256).hexdigest()
        connection.execute(
            _entries.update()
            .where(_entries.c.id == row.id)
            .values(prev_hash=prev_hash, hash=digest, key_id=key.key_id)
        )
        prev_hash = digest
    connection.execute(
        _heads.update().where(_heads.c.chain_key == head.chain_key).values(hash=prev_hash)
    )


def _relink_every_chain(connection: sa.Connection) -> None:
    heads = connection.execute(sa.select(_heads).order_by(_heads.c.chain_key)).all()
    if not heads:
        return
    keyring = op.get_context().config.attributes.get("keyring")  # type: ignore[union-attr]
    if keyring is None:
        raise RuntimeError(
            "migration 0010 links the existing audit chains with the secret key: run it "
            "through `taskhub migrate`, which passes the keyring"
        )
    # The keyring's current key for the purpose: `key_id` and `material`.
    key = keyring.current(_PURPOSE)
    for head in heads:
        _relink_chain(connection, key, head)


def upgrade() -> None:
    op.add_column("audit_entries", sa.Column("key_id", sa.String(length=16), nullable=True))
    connection = op.get_bind()
    dialect = connection.dialect.name
    # The immutability trigger is lifted for this one rewrite, inside the migration's
    # transaction, and put back before it commits.
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE audit_entries DISABLE TRIGGER {_PG_TRIGGER}")
        _relink_every_chain(connection)
        op.execute(f"ALTER TABLE audit_entries ENABLE TRIGGER {_PG_TRIGGER}")
    elif dialect == "sqlite":
        trigger_sql = connection.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
            {"name": _SQLITE_TRIGGER},
        ).scalar_one()
        op.execute(f"DROP TRIGGER {_SQLITE_TRIGGER}")
        _relink_every_chain(connection)
        op.execute(trigger_sql)
    else:
        raise NotImplementedError(f"audit chains are not supported on {dialect}")


def downgrade() -> None:
    # The links stay keyed: a downgraded server reports these chains as invalid.
    op.execute("ALTER TABLE audit_entries DROP COLUMN key_id")
