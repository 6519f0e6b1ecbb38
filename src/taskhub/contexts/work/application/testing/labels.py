"""The fake of the label repository."""

import uuid
from collections.abc import Collection

from taskhub.contexts.work.application.testing.store import DuplicateKey, StoredRows, WorkStore
from taskhub.contexts.work.domain.errors import LabelNameTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest


class FakeLabelRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._rows = StoredRows(store.labels, kept_on_update=("org_id", "created_at"))

    def add(self, label: Label) -> None:
        if label.id in self._store.labels:
            raise DuplicateKey("a label with this id exists")
        if label.deleted_at is None and self.name_taken(label.org_id, label.name, other_than=None):
            raise LabelNameTaken()  # as the unique index on live names refuses it
        self._rows.insert(label)

    def get(
        self,
        org_id: uuid.UUID,
        label_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Label | None:
        return self._rows.read(
            label_id,
            lambda lb: lb.org_id == org_id and (include_deleted or lb.deleted_at is None),
        )

    def update(self, label: Label) -> None:
        def check(stored: Label) -> None:
            if label.deleted_at is None and self.name_taken(
                stored.org_id, label.name, other_than=label.id
            ):
                raise LabelNameTaken()

        self._rows.update(label, check)

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Label]:
        live = self._rows.live(lambda lb: lb.org_id == org_id and lb.deleted_at is None)
        return keyset_page(live, page, by_time_then_id(creation_key))

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool:
        wanted = canonical(name)
        return any(
            label.org_id == org_id
            and label.deleted_at is None
            and label.id != other_than
            and canonical(label.name) == wanted
            for label in self._store.labels.values()
        )

    def existing(self, org_id: uuid.UUID, label_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return {
            label_id
            for label_id in label_ids
            if (label := self._store.labels.get(label_id)) is not None
            and label.org_id == org_id
            and label.deleted_at is None
        }
