"""Labels of an organization."""

import uuid
from typing import Any

from taskhub.contexts.work.application.ports import (
    WorkUnitOfWork,
)
from taskhub.contexts.work.application.recording import work_event
from taskhub.contexts.work.domain.errors import LabelNameTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class LabelService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, actor: Actor, *, name: str, color: str) -> Label:
        now = self._clock.now()
        label = Label.create(org_id=actor.org_id, name=name, color=color, now=now)
        with self._uow() as uow:
            if uow.labels.name_taken(actor.org_id, label.name, other_than=None):
                raise LabelNameTaken()
            uow.labels.add(label)
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="label",
                    entity_id=label.id,
                    action="label.created",
                    now=now,
                    changes={"name": (None, label.name), "color": (None, label.color)},
                )
            )
            uow.commit()
        return label

    def list(self, actor: Actor, page: PageRequest) -> Page[Label]:
        with self._uow(read_only=True) as uow:
            return uow.labels.list(actor.org_id, page)

    def change(
        self,
        actor: Actor,
        label_id: uuid.UUID,
        changes: dict[str, Any],
        expected_version: int | None,
    ) -> Label:
        with self._uow() as uow:
            label = self._label(uow, actor, label_id, expected_version)
            if "name" in changes and uow.labels.name_taken(
                actor.org_id, changes["name"], other_than=label.id
            ):
                raise LabelNameTaken()
            now = self._clock.now()
            changed = label.change(changes, now)
            if changed:
                uow.labels.update(label)
                uow.record(
                    work_event(
                        org_id=actor.org_id,
                        entity_type="label",
                        entity_id=label.id,
                        action="label.updated",
                        now=now,
                        changes=changed,
                    )
                )
                uow.commit()
        return label

    def delete(self, actor: Actor, label_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            label = self._label(uow, actor, label_id, expected_version)
            now = self._clock.now()
            label.delete(now)
            uow.labels.update(label)
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="label",
                    entity_id=label.id,
                    action="label.deleted",
                    now=now,
                )
            )
            uow.commit()

    @staticmethod
    def _label(
        uow: WorkUnitOfWork, actor: Actor, label_id: uuid.UUID, expected_version: int | None
    ) -> Label:
        return load_for_write(
            lambda deleted: uow.labels.get(
                actor.org_id, label_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            lambda: NotFound("The label was not found."),
        )
