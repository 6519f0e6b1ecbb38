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
# Built once with bound parameters: a request only fills them in (building a statement
# with its values cost more CPU than sending it).
_HEAD_KEY = audit_chain_heads.c.chain_key == sa.bindparam("head_key")
_LOCK_HEAD = (
    sa.select(audit_chain_heads.c.seq, audit_chain_heads.c.hash).where(_HEAD_KEY).with_for_update()
)
_MOVE_HEAD = (
    audit_chain_heads.update()
    .where(_HEAD_KEY)
    .values(seq=sa.bindparam("head_seq"), hash=sa.bindparam("head_hash"))
)
_APPEND_ONE_AND_MOVE_HEAD = _MOVE_HEAD.add_cte(
    audit_entries.insert()
    .values(
        {
            name: sa.bindparam(f"entry_{name}", type_=audit_entries.c[name].type)
            for name in _ENTRY_COLUMNS
        }
    )
    .cte("appended")
)


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
        """Hold the chain head's row lock until commit, creating the head if it is new.

        On PostgreSQL the row lock (SELECT ... FOR UPDATE) makes concurrent appenders to
        one chain queue; on SQLite every write transaction already holds the database's
        write lock (BEGIN IMMEDIATE), and FOR UPDATE is not needed. The head exists for
        every chain but a new one, so the lock is tried first: one statement, where
        creating it first cost two on every append.
        """
        key = {"head_key": str(chain_key)}
        row = self._connection.execute(_LOCK_HEAD, key).first()
        if row is None:
            genesis = {"chain_key": str(chain_key), "seq": 0, "hash": GENESIS_HASH}
            dialect = self._connection.dialect.name
            if dialect == "postgresql":
                insert: Any = postgresql.insert(audit_chain_heads)
            elif dialect == "sqlite":
                insert = sqlite.insert(audit_chain_heads)
            else:
                raise NotImplementedError(f"audit chains are not supported on {dialect}")
            self._connection.execute(insert.values(genesis).on_conflict_do_nothing())
            row = self._connection.execute(_LOCK_HEAD, key).one()
        return ChainHead(chain_key, row.seq, row.hash)

    def append(
        self, chain_key: ChainKey, drafts: Sequence[EntryDraft], key: LinkKey
    ) -> list[AuditEntry]:
        """Lock the head, link the drafts, write entries and head: the caller makes this
        the transaction's last write, so the chain's lock is held for these statements
        and the commit only."""
        if not drafts:
            return []
        head = self._lock_head(chain_key)
        appended = []
        for draft in drafts:
            entry, head = head.append(draft, key)
            appended.append(entry)
        rows = [_values(e) for e in appended]
        moved = {"head_key": str(chain_key), "head_seq": head.seq, "head_hash": head.hash}
        postgres = self._connection.dialect.name == "postgresql"
        if postgres and len(rows) == 1:
            # The entry and the head's move in one statement: one round trip less while
            # the chain is locked.
            params = {f"entry_{name}": value for name, value in rows[0].items()}
            self._connection.execute(_APPEND_ONE_AND_MOVE_HEAD, {**params, **moved})
            return appended
        if postgres:
            # One array per column: the statement is the same whatever the number of rows.
            self._connection.execute(
                _INSERT_ENTRIES_UNNESTED,
                {name: [row[name] for row in rows] for name in _ENTRY_COLUMNS},
            )
        else:
            self._connection.execute(audit_entries.insert(), rows)
        self._connection.execute(_MOVE_HEAD, moved)
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
