"""The SQL repository of labels.

A label's name is unique among the organization's live labels, ignoring case: the
partial unique index on `(org_id, name_canonical)` holds that under concurrency.
"""

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.tables import labels
from taskhub.contexts.work.domain.errors import LabelNameTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.sql_unique import unique_or
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.pagination import Page, PageRequest


def _label(row: Any) -> Label:
    return Label(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        color=row.color,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlLabelRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, labels)

    def _values(self, label: Label) -> dict[str, Any]:
        return {
            "name": label.name,
            "name_canonical": canonical(label.name),
            "color": label.color,
            "updated_at": label.updated_at,
            "version": label.version,
            "deleted_at": label.deleted_at,
        }

    def add(self, label: Label) -> None:
        with unique_or(self._connection, LabelNameTaken):
            self._connection.execute(
                labels.insert().values(
                    id=label.id,
                    org_id=label.org_id,
                    created_at=label.created_at,
                    **self._values(label),
                )
            )
        self._rows.inserted(label.id, label.version, label.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        label_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Label | None:
        query = sa.select(labels).where(labels.c.id == label_id, labels.c.org_id == org_id)
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _label(row) if row else None

    def update(self, label: Label) -> None:
        with unique_or(self._connection, LabelNameTaken):
            self._rows.update(label.id, self._values(label))

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Label]:
        query = sa.select(labels).where(labels.c.org_id == org_id, labels.c.deleted_at.is_(None))
        return keyset_page(
            self._connection, query, [labels.c.created_at, labels.c.id], page, _label
        )

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool:
        query = sa.select(labels.c.id).where(
            labels.c.org_id == org_id,
            labels.c.name_canonical == canonical(name),
            labels.c.deleted_at.is_(None),
        )
        if other_than is not None:
            query = query.where(labels.c.id != other_than)
        return self._connection.execute(query.limit(1)).first() is not None

    def existing(self, org_id: uuid.UUID, label_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        if not label_ids:
            return set()
        return set(
            self._connection.execute(
                sa.select(labels.c.id).where(
                    labels.c.org_id == org_id,
                    labels.c.id.in_(list(label_ids)),
                    labels.c.deleted_at.is_(None),
                )
            ).scalars()
        )
