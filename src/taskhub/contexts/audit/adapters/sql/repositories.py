"""The audit entries and chain heads on SQL."""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from taskhub.contexts.audit.adapters.sql.tables import audit_chain_heads, audit_entries
from taskhub.contexts.audit.application.ports import AuditFilter
from taskhub.contexts.audit.domain.chain import GENESIS_HASH, ChainHead, LinkKey
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.platform.sql_lists import unnested_insert
from taskhub.platform.sql_pagination import keyset_page
from taskhub.shared_kernel.acting import ActorType
from taskhub.shared_kernel.pagination import Page, PageRequest

CHAIN_BATCH = 1000
"""Entries read per query while walking a chain, so a long chain is never held at once."""


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        chain_key=ChainKey.parse(row.chain_key),
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor_type=ActorType(row.actor_type),
        actor_id=row.actor_id,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        changes={field: (pair[0], pair[1]) for field, pair in row.changes.items()},
        ip=row.ip,
        user_agent=row.user_agent,
        request_id=row.request_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
        key_id=row.key_id,
    )


def _values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "chain_key": str(entry.chain_key),
        "seq": entry.seq,
        "occurred_at": entry.occurred_at,
        "actor_type": entry.actor_type.value,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "changes": {field: [old, new] for field, (old, new) in entry.changes.items()},
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "key_id": entry.key_id,
    }


_ENTRY_COLUMNS = tuple(column.name for column in audit_entries.c)
_INSERT_ENTRIES_UNNESTED = unnested_insert(audit_entries, _ENTRY_COLUMNS)


def _criteria(criteria: AuditFilter) -> list[sa.ColumnElement[bool]]:
    c = audit_entries.c
    clauses: list[sa.ColumnElement[bool]] = []
    if criteria.actor_id is not None:
        clauses.append(c.actor_id == criteria.actor_id)
    if criteria.action is not None:
        clauses.append(c.action == criteria.action)
    if criteria.entity_type is not None:
        clauses.append(c.entity_type == criteria.entity_type)
    if criteria.entity_id is not None:
        clauses.append(c.entity_id == criteria.entity_id)
    if criteria.since is not None:
        clauses.append(c.occurred_at >= criteria.since)
    if criteria.until is not None:
        clauses.append(c.occurred_at < criteria.until)
    return clauses


class SqlAuditEntryRepository:
    def __init__(self, connection: sa.Connection, *, chain_batch: int = CHAIN_BATCH) -> None:
        self._connection = connection
        self._chain_batch = chain_batch

    def _lock_head(self, chain_key: ChainKey) -> ChainHead:
        """Create the chain's head if it is new, then hold its row lock until commit.

        On PostgreSQL the row lock (SELECT ... FOR UPDATE) makes concurrent appenders to
        one chain queue; on SQLite every write transaction already holds the database's
        write lock (BEGIN IMMEDIATE), and FOR UPDATE is not needed.
        """
        key = str(chain_key)
        genesis = {"chain_key": key, "seq": 0, "hash": GENESIS_HASH}
        dialect = self._connection.dialect.name
        if dialect == "postgresql":
            self._connection.execute(
                postgresql.insert(audit_chain_heads).values(genesis).on_conflict_do_nothing()
            )
        elif dialect == "sqlite":
            self._connection.execute(
                sqlite.insert(audit_chain_heads).values(genesis).on_conflict_do_nothing()
            )
        else:
            raise NotImplementedError(f"audit chains are not supported on {dialect}")
        row = self._connection.execute(
            sa.select(audit_chain_heads.c.seq, audit_chain_heads.c.hash)
            .where(audit_chain_heads.c.chain_key == key)
            .with_for_update()
        ).one()
        return ChainHead(chain_key, row.seq, row.hash)

    def append(
        self, chain_key: ChainKey, drafts: Sequence[EntryDraft], key: LinkKey
    ) -> list[AuditEntry]:
        if not drafts:
            return []
        head = self._lock_head(chain_key)
        appended = []
        for draft in drafts:
            entry, head = head.append(draft, key)
            appended.append(entry)
        rows = [_values(e) for e in appended]
        if self._connection.dialect.name == "postgresql" and len(rows) > 1:
            # One array per column: the statement is the same whatever the number of rows.
            self._connection.execute(
                _INSERT_ENTRIES_UNNESTED,
                {name: [row[name] for row in rows] for name in _ENTRY_COLUMNS},
            )
        else:
            self._connection.execute(audit_entries.insert(), rows)
        self._connection.execute(
            audit_chain_heads.update()
            .where(audit_chain_heads.c.chain_key == str(chain_key))
            .values(seq=head.seq, hash=head.hash)
        )
        return appended

    def head(self, chain_key: ChainKey) -> ChainHead | None:
        row = self._connection.execute(
            sa.select(audit_chain_heads.c.seq, audit_chain_heads.c.hash).where(
                audit_chain_heads.c.chain_key == str(chain_key)
            )
        ).first()
        return ChainHead(chain_key, row.seq, row.hash) if row else None

    def page(
        self, chain_key: ChainKey, criteria: AuditFilter, page: PageRequest
    ) -> Page[AuditEntry]:
        query = sa.select(audit_entries).where(
            audit_entries.c.chain_key == str(chain_key), *_criteria(criteria)
        )
        return keyset_page(
            self._connection, query, [audit_entries.c.seq], page, _entry, descending=True
        )

    def chain(self, chain_key: ChainKey) -> Iterator[AuditEntry]:
        after = 0
        while True:
            rows = self._connection.execute(
                sa.select(audit_entries)
                .where(audit_entries.c.chain_key == str(chain_key), audit_entries.c.seq > after)
                .order_by(audit_entries.c.seq)
                .limit(self._chain_batch)
            ).all()
            for row in rows:
                yield _entry(row)
            if len(rows) < self._chain_batch:
                return
            after = rows[-1].seq
