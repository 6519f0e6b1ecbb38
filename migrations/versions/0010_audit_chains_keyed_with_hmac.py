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

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from taskhub.contexts.audit.adapters.keyring_chain_keys import KeyringChainKeys
from taskhub.contexts.audit.adapters.sql.repositories import SqlAuditEntryRepository
from taskhub.contexts.audit.adapters.sql.tables import audit_chain_heads, audit_entries
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.audit.domain.legacy_chain import relink, verify_legacy_chain

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_TRIGGER = "audit_entries_no_update_or_delete"
_SQLITE_TRIGGER = "audit_entries_no_update"


def _relink_chain(connection: sa.Connection, chains: KeyringChainKeys, chain_key: str) -> None:
    # Read through the repository: the schema is the current one from here on.
    stored = SqlAuditEntryRepository(connection)
    key = ChainKey.parse(chain_key)
    entries = list(stored.chain(key))
    head = stored.head(key)
    if not entries or not verify_legacy_chain(entries, head=head).valid:
        return  # nothing to link, or already broken: verify must go on saying so
    relinked, new_head = relink(entries, chains.current())
    for entry in relinked:
        connection.execute(
            audit_entries.update()
            .where(audit_entries.c.id == entry.id)
            .values(prev_hash=entry.prev_hash, hash=entry.hash, key_id=entry.key_id)
        )
    connection.execute(
        audit_chain_heads.update()
        .where(audit_chain_heads.c.chain_key == chain_key)
        .values(hash=new_head.hash)
    )


def _relink_every_chain(connection: sa.Connection) -> None:
    chain_keys = connection.execute(
        sa.select(audit_chain_heads.c.chain_key).order_by(audit_chain_heads.c.chain_key)
    )
    keys = list(chain_keys.scalars())
    if not keys:
        return
    keyring = op.get_context().config.attributes.get("keyring")  # type: ignore[union-attr]
    if keyring is None:
        raise RuntimeError(
            "migration 0014 links the existing audit chains with the secret key: run it "
            "through `taskhub migrate`, which passes the keyring"
        )
    chains = KeyringChainKeys(keyring)
    for chain_key in keys:
        _relink_chain(connection, chains, chain_key)


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
