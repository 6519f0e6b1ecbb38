"""Projects: created and managed by admins, read by everyone in the organization."""

import uuid

import attrs

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ChangeProject:
    """A PATCH of a project: the fields given change, None leaves one as it is."""

    name: str | None = None
    key: str | None = None
    description: str | None = None
    status: ProjectStatus | None = None
    expected_version: int | None = None


def project_not_found() -> NotFound:
    return NotFound("The project was not found.")


class ProjectService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, actor: Actor, *, key: str, name: str, description: str, status: ProjectStatus
    ) -> Project:
        project = Project.create(
            org_id=actor.org_id,
            key=key,
            name=name,
            description=description,
            status=status,
            now=self._clock.now(),
        )
        states = State.defaults(project.org_id, project.id, project.created_at)
        with self._uow() as uow:
            uow.projects.add(project)
            uow.track(project)
            uow.states.add_all(states)
            for state in states:
                uow.track(state)
            uow.commit()
        return project

    def page(self, actor: Actor, status: ProjectStatus | None, page: PageRequest) -> Page[Project]:
        with self._uow(read_only=True) as uow:
            return uow.projects.page(actor.org_id, status, page)

    def get(self, actor: Actor, project_id: uuid.UUID) -> Project:
        with self._uow(read_only=True) as uow:
            project = uow.projects.get(actor.org_id, project_id)
            if project is None:
                raise project_not_found()
            return project

    def change(self, actor: Actor, project_id: uuid.UUID, command: ChangeProject) -> Project:
        with self._uow() as uow:
            project = self._for_write(uow, actor, project_id, command.expected_version)
            changed = project.change(
                name=command.name,
                key=command.key,
                description=command.description,
                status=command.status,
                now=self._clock.now(),
            )
            if changed:
                uow.projects.update(project)
                uow.track(project)
                uow.commit()
        return project

    def delete(self, actor: Actor, project_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            project = self._for_write(uow, actor, project_id, expected_version)
            project.delete(self._clock.now())
            uow.projects.update(project)
            uow.track(project)
            uow.commit()

    def restore(self, actor: Actor, project_id: uuid.UUID) -> Project:
        with self._uow() as uow:
            project = uow.projects.get(
                actor.org_id, project_id, include_deleted=True, for_update=True
            )
            if project is None:
                raise project_not_found()
            if project.deleted_at is not None:
                project.restore(self._clock.now())
                uow.projects.update(project)
                uow.track(project)
                uow.commit()
        return project

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork, actor: Actor, project_id: uuid.UUID, expected_version: int | None
    ) -> Project:
        return load_for_write(
            lambda deleted: uow.projects.get(
                actor.org_id, project_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            project_not_found,
        )
