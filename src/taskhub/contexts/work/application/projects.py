"""Projects: created and managed by admins, read by everyone in the organization."""

import uuid
from typing import Any

from taskhub.contexts.work.application.ports import (
    WorkUnitOfWork,
)
from taskhub.contexts.work.application.recording import work_event
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.contexts.work.public.events import PROJECT_CREATED, PROJECT_DELETED, PROJECT_UPDATED
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


def project_not_found() -> NotFound:
    return NotFound("The project was not found.")


class ProjectService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(
        self, actor: Actor, *, key: str, name: str, description: str, status: ProjectStatus
    ) -> Project:
        now = self._clock.now()
        project = Project.create(
            org_id=actor.org_id, key=key, name=name, description=description, status=status, now=now
        )
        with self._uow() as uow:
            uow.projects.add(project)
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="project",
                    entity_id=project.id,
                    action=PROJECT_CREATED,
                    now=now,
                    changes={
                        f: (None, v)
                        for f, v in project.snapshot().items()
                        if f in ("key", "name", "status")
                    },
                    snapshot=project.snapshot(),
                )
            )
            uow.commit()
        return project

    def list(self, actor: Actor, status: ProjectStatus | None, page: PageRequest) -> Page[Project]:
        with self._uow(read_only=True) as uow:
            return uow.projects.list(actor.org_id, status, page)

    def get(self, actor: Actor, project_id: uuid.UUID) -> Project:
        with self._uow(read_only=True) as uow:
            return self._project(uow, actor, project_id)

    def change(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        changes: dict[str, Any],
        expected_version: int | None,
    ) -> Project:
        with self._uow() as uow:
            project = self._for_write(uow, actor, project_id, expected_version)
            now = self._clock.now()
            changed = project.change(changes, now)
            if changed:
                uow.projects.update(project)
                uow.record(
                    work_event(
                        org_id=actor.org_id,
                        entity_type="project",
                        entity_id=project.id,
                        action=PROJECT_UPDATED,
                        now=now,
                        changes=changed,
                        snapshot=project.snapshot(),
                    )
                )
                uow.commit()
        return project

    def delete(self, actor: Actor, project_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            project = self._for_write(uow, actor, project_id, expected_version)
            now = self._clock.now()
            project.delete(now)
            uow.projects.update(project)
            uow.record(
                work_event(
                    org_id=actor.org_id,
                    entity_type="project",
                    entity_id=project.id,
                    action=PROJECT_DELETED,
                    now=now,
                    snapshot=project.snapshot(),
                )
            )
            uow.commit()

    def restore(self, actor: Actor, project_id: uuid.UUID) -> Project:
        with self._uow() as uow:
            project = uow.projects.get(
                actor.org_id, project_id, include_deleted=True, for_update=True
            )
            if project is None:
                raise project_not_found()
            if project.deleted_at is not None:
                now = self._clock.now()
                project.restore(now)
                uow.projects.update(project)
                uow.record(
                    work_event(
                        org_id=actor.org_id,
                        entity_type="project",
                        entity_id=project.id,
                        action="project.restored",
                        now=now,
                    )
                )
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

    @staticmethod
    def _project(uow: WorkUnitOfWork, actor: Actor, project_id: uuid.UUID) -> Project:
        project = uow.projects.get(actor.org_id, project_id)
        if project is None:
            raise project_not_found()
        return project
