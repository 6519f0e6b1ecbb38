"""audit: hash-chained entries (immutable by trigger) and chain heads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "audit entries are immutable"

_POSTGRES_UP = (
    f"""
    CREATE FUNCTION audit_entries_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{_MESSAGE}';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_entries_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_immutable()
    """,
    """
    CREATE TRIGGER audit_entries_no_truncate
    BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_immutable()
    """,
)
_POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
    "DROP TRIGGER IF EXISTS audit_entries_no_update_or_delete ON audit_entries",
    "DROP FUNCTION IF EXISTS audit_entries_immutable()",
)
_SQLITE_UP = (
    f"""
    CREATE TRIGGER audit_entries_no_update
    BEFORE UPDATE ON audit_entries
    BEGIN
        SELECT RAISE(ABORT, '{_MESSAGE}');
    END
    """,
    f"""
    CREATE TRIGGER audit_entries_no_delete
    BEFORE DELETE ON audit_entries
    BEGIN
        SELECT RAISE(ABORT, '{_MESSAGE}');
    END
    """,
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    "DROP TRIGGER IF EXISTS audit_entries_no_update",
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("chain_key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain_key", name=op.f("pk_audit_chain_heads")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("chain_key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("chain_key", "seq", name=op.f("uq_audit_entries_chain_key_seq")),
    )
    op.create_index(
        "ix_audit_entries_chain_actor",
        "audit_entries",
        ["chain_key", "actor_id", "seq"],
        unique=False,
    )
    op.create_index(
        "ix_audit_entries_chain_entity",
        "audit_entries",
        ["chain_key", "entity_type", "entity_id", "seq"],
        unique=False,
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_POSTGRES_UP)
    elif dialect == "sqlite":
        _run(_SQLITE_UP)
    else:
        raise NotImplementedError(f"no immutability triggers for {dialect}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(_POSTGRES_DOWN)
    elif dialect == "sqlite":
        _run(_SQLITE_DOWN)
    op.drop_index("ix_audit_entries_chain_entity", table_name="audit_entries")
    op.drop_index("ix_audit_entries_chain_actor", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_table("audit_chain_heads")
