"""Column types and metadata conventions shared by every context's tables."""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> sa.MetaData:
    """A context's own MetaData, with constraint names stable across databases."""
    return sa.MetaData(naming_convention=NAMING_CONVENTION)


def in_org(
    column: str, parent: sa.Table, *, name: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """A reference from an org-scoped row to a row of the same organization: the foreign
    key is `(org_id, column)` onto the parent's `(org_id, id)`, so a row can never point
    into another tenant, and a database that distributes by tenant keeps both on one
    node (ADR 0022). Named explicitly: two references to one table would otherwise get
    the same conventional name."""
    return sa.ForeignKeyConstraint(
        ["org_id", column],
        [parent.c.org_id, parent.c.id],
        name=name,
        ondelete=ondelete,
    )


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on PostgreSQL (timestamptz) and SQLite alike.

    SQLite has no timezone type and hands back naive values; this stores UTC and
    reattaches the zone on the way out, so comparisons never mix naive and aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class IdList(sa.types.TypeDecorator[list[uuid.UUID]]):
    """A sorted list of ids in one column: `uuid[]` on PostgreSQL, comma-joined hex on SQLite.

    For read models that carry a row's small sets with the row, so a page of rows needs
    no probe per row into the tables that own the sets. Values come back sorted, and
    NULL comes back as an empty list.
    """

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(sa.Uuid()))
        return dialect.type_descriptor(sa.Text())

    def process_bind_param(self, value: Iterable[uuid.UUID] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        ids = sorted(value)
        if dialect.name == "postgresql":
            return ids
        return ",".join(i.hex for i in ids)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[uuid.UUID]:
        if not value:
            return []
        if isinstance(value, str):
            return sorted(uuid.UUID(part) for part in value.split(","))
        return list(value)
