"""Audit's tables, on audit's own MetaData.

`audit_entries` is append-only: migration 0003 adds database triggers that refuse
UPDATE, DELETE (and TRUNCATE on PostgreSQL), so not even a stray script can edit the
trail. `audit_chain_heads` holds each chain's last `seq` and hash; its row is the lock
appenders queue on, and the unique (chain_key, seq) is the backstop if one did not.
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

CHAIN_KEY_LENGTH = 64
HASH_LENGTH = 64
KEY_ID_LENGTH = 16

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("chain_key", sa.String(CHAIN_KEY_LENGTH), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("actor_type", sa.String(16), nullable=False),
    sa.Column("actor_id", sa.Uuid),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("entity_type", sa.String(64), nullable=False),
    sa.Column("entity_id", sa.Uuid, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("ip", sa.String(64)),
    sa.Column("user_agent", sa.Text),
    sa.Column("request_id", sa.String(128)),
    sa.Column("prev_hash", sa.String(HASH_LENGTH), nullable=False),
    sa.Column("hash", sa.String(HASH_LENGTH), nullable=False),
    # The public id of the key `hash` was made with (null only before chains were keyed).
    sa.Column("key_id", sa.String(KEY_ID_LENGTH)),
    # Newest-first listing of a chain (a backward scan) and the append backstop.
    sa.UniqueConstraint("chain_key", "seq"),
    # An entity's history, and the entity_type / entity_id filters.
    sa.Index("ix_audit_entries_chain_entity", "chain_key", "entity_type", "entity_id", "seq"),
    # "What did this actor do here?"
    sa.Index("ix_audit_entries_chain_actor", "chain_key", "actor_id", "seq"),
)

audit_chain_heads = sa.Table(
    "audit_chain_heads",
    metadata,
    sa.Column("chain_key", sa.String(CHAIN_KEY_LENGTH), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(HASH_LENGTH), nullable=False),
)
