"""Labels of an organization."""

import uuid

import attrs

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.errors import LabelNameTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ChangeLabel:
    """A PATCH of a label: the fields given change, None leaves one as it is."""

    name: str | None = None
    color: str | None = None
    expected_version: int | None = None


class LabelService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, actor: Actor, *, name: str, color: str) -> Label:
        label = Label.create(org_id=actor.org_id, name=name, color=color, now=self._clock.now())
        with self._uow() as uow:
            if uow.labels.name_taken(actor.org_id, label.name, other_than=None):
                raise LabelNameTaken()
            uow.labels.add(label)
            uow.track(label)
            uow.commit()
        return label

    def page(self, actor: Actor, page: PageRequest) -> Page[Label]:
        with self._uow(read_only=True) as uow:
            return uow.labels.page(actor.org_id, page)

    def change(self, actor: Actor, label_id: uuid.UUID, command: ChangeLabel) -> Label:
        with self._uow() as uow:
            label = self._for_write(uow, actor, label_id, command.expected_version)
            if command.name is not None and uow.labels.name_taken(
                actor.org_id, command.name, other_than=label.id
            ):
                raise LabelNameTaken()
            if label.change(name=command.name, color=command.color, now=self._clock.now()):
                uow.labels.update(label)
                uow.track(label)
                uow.commit()
        return label

    def delete(self, actor: Actor, label_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            label = self._for_write(uow, actor, label_id, expected_version)
            label.delete(self._clock.now())
            uow.labels.update(label)
            uow.track(label)
            uow.commit()

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork, actor: Actor, label_id: uuid.UUID, expected_version: int | None
    ) -> Label:
        return load_for_write(
            lambda deleted: uow.labels.get(
                actor.org_id, label_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            lambda: NotFound("The label was not found."),
        )
