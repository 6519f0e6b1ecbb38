"""Compare-and-set writes of versioned rows: the one way a repository writes back a row
that carries a `version`.

A repository notes the version at which it read each row, and writes the row back only
over that version: `UPDATE ... WHERE org_id = :read_org AND id = :id AND version = :read`
(tables without `org_id`, organizations themselves, leave that term out). If
another transaction changed the row in between, nothing matches and the write raises
`PreconditionFailed` instead of overwriting a change it never saw. That is the
guarantee, on every database.

Use cases that write load the row `for_update` first, so the race rarely reaches that
check: on PostgreSQL the row stays locked until commit and a second writer waits, then
reads the version the first one left (with `If-Match` it gets 412, without it applies
on top and audits the true old values); SQLite serialises writers anyway (ADR 0006), and
its dialect leaves the locking clause out.
"""

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from taskhub.shared_kernel.concurrency import ReadVersions, changed_meanwhile


class VersionedRows:
    """The versions at which one unit of work read the rows of one table, and the
    writes that honour them."""

    def __init__(self, connection: sa.Connection, table: sa.Table) -> None:
        self._connection = connection
        self._table = table
        self._read = ReadVersions()
        # The organization each row was read in: a write stays in it, whatever the
        # aggregate now says.
        self._orgs: dict[uuid.UUID, uuid.UUID] = {}
        self._scoped = "org_id" in table.c

    def locked(self, query: sa.Select[Any], *, for_update: bool) -> sa.Select[Any]:
        """The query, locking the rows of this table it reads until commit if asked."""
        return query.with_for_update(of=self._table) if for_update else query

    def one(self, query: sa.Select[Any], *, include_deleted: bool, for_update: bool) -> Any | None:
        """The row the query finds (a live one unless told otherwise), its version noted."""
        if not include_deleted:
            query = query.where(self._table.c.deleted_at.is_(None))
        row = self._connection.execute(self.locked(query, for_update=for_update)).first()
        return self.read(row) if row is not None else None

    def read(self, row: Any) -> Any:
        """Note the version of a row just read (or just inserted); returns the row."""
        self._read.note(row.id, row.version)
        if self._scoped:
            self._orgs[row.id] = row.org_id
        return row

    def read_all(self, rows: Iterable[Any]) -> list[Any]:
        return [self.read(row) for row in rows]

    def inserted(self, row_id: uuid.UUID, version: int, org_id: uuid.UUID | None = None) -> None:
        self._read.note(row_id, version)
        if self._scoped and org_id is not None:
            self._orgs[row_id] = org_id

    def org_of(self, row_id: uuid.UUID) -> uuid.UUID | None:
        """The organization of an org-scoped row (None if there is no such row), so that
        statements on its dependent rows can name their tenant (ADR 0022).

        Known without a query for every row this unit of work read, wrote or met
        (`met_in`), which is every row the use cases ask about; otherwise looked up once
        by id."""
        if row_id not in self._orgs:
            table = self._table
            org_id = self._connection.execute(
                sa.select(table.c.org_id).where(table.c.id == row_id)
            ).scalar_one_or_none()
            if org_id is None:
                return None
            self._orgs[row_id] = org_id
        return self._orgs[row_id]

    def met_in(self, org_id: uuid.UUID, row_ids: Iterable[uuid.UUID]) -> None:
        """Rows seen in `org_id` through another table (a reference), not read here."""
        for row_id in row_ids:
            self._orgs.setdefault(row_id, org_id)

    def update(self, row_id: uuid.UUID, values: Mapping[str, Any]) -> None:
        """Write `values` (holding the new `version`) over the version read, or raise
        PreconditionFailed."""
        params = {**values, "cas_id": row_id, "cas_version": self._read.of(row_id)}
        if self._scoped:
            params["cas_org_id"] = self._orgs[row_id]
        result = self._connection.execute(_compare_and_set(self._table, self._scoped), params)
        if result.rowcount != 1:
            raise changed_meanwhile()
        self._read.note(row_id, int(values["version"]))


_COMPARE_AND_SET: dict[sa.Table, sa.Update] = {}


def _compare_and_set(table: sa.Table, scoped: bool) -> sa.Update:
    """`UPDATE table SET <the parameters' columns> WHERE [org_id AND] id AND version`,
    built once per table with bound parameters: building it with its values on every
    write cost more CPU than sending it."""
    statement = _COMPARE_AND_SET.get(table)
    if statement is None:
        where = [
            table.c.id == sa.bindparam("cas_id"),
            table.c.version == sa.bindparam("cas_version"),
        ]
        if scoped:
            where.append(table.c.org_id == sa.bindparam("cas_org_id"))
        statement = _COMPARE_AND_SET[table] = table.update().where(*where)
    return statement
