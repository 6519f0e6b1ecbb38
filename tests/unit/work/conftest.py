"""Work's services wired to fakes, as the composition root wires the real adapters."""

import uuid
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from taskhub.contexts.identity.application.testing.fakes import FakeClock
from taskhub.contexts.work.application.comments import CommentService
from taskhub.contexts.work.application.dependencies import DependencyService
from taskhub.contexts.work.application.labels import LabelService
from taskhub.contexts.work.application.projects import ProjectService
from taskhub.contexts.work.application.task_commands import CreateTask
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.contexts.work.application.testing.fakes import (
    FakeRoleLookup,
    FakeWorkUnitOfWorkFactory,
)
from taskhub.contexts.work.application.testing.store import WorkStore
from taskhub.contexts.work.domain.events import WorkEvent
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@attrs.define
class Work:
    store: WorkStore
    clock: FakeClock
    roles: FakeRoleLookup
    projects: ProjectService
    tasks: TaskService
    dependencies: DependencyService
    labels: LabelService
    comments: CommentService
    org_id: uuid.UUID
    admin: Actor
    member: Actor

    def join(self, role: Role = Role.MEMBER, org_id: uuid.UUID | None = None) -> Actor:
        """A new user who belongs to the organization with `role`, acting there."""
        org = org_id or self.org_id
        user_id = new_id()
        self.roles.add_member(org, user_id, role)
        return Actor(
            principal=Principal(kind=PrincipalKind.USER, user_id=user_id), org_id=org, role=role
        )

    def project(
        self,
        key: str = "ENG",
        *,
        status: ProjectStatus = ProjectStatus.ACTIVE,
        actor: Actor | None = None,
    ) -> Project:
        return self.projects.create(
            actor or self.admin, key=key, name=f"Project {key}", description="", status=status
        )

    def task(
        self, project: Project, title: str = "A task", *, actor: Actor | None = None, **fields: Any
    ) -> Task:
        return self.tasks.create(
            actor or self.member, CreateTask(project_id=project.id, title=title, **fields)
        )

    def label(self, name: str = "bug", color: str = "#d73a4a") -> Label:
        return self.labels.create(self.member, name=name, color=color)

    def stored_task(self, task_id: uuid.UUID) -> Task:
        return self.store.tasks[task_id]

    def events(self) -> list[WorkEvent]:
        events = [e for e in self.store.events if isinstance(e, WorkEvent)]
        assert len(events) == len(self.store.events), "work records only WorkEvents"
        return events

    def actions(self) -> list[str]:
        return [e.action for e in self.events()]


@pytest.fixture
def work() -> Work:
    store = WorkStore()
    clock = FakeClock(START)
    roles = FakeRoleLookup()
    uow = FakeWorkUnitOfWorkFactory(store)
    org_id = new_id()
    admin_id, member_id = new_id(), new_id()
    roles.add_member(org_id, admin_id, Role.ADMIN)
    roles.add_member(org_id, member_id, Role.MEMBER)
    return Work(
        store=store,
        clock=clock,
        roles=roles,
        projects=ProjectService(uow=uow, clock=clock),
        tasks=TaskService(uow=uow, roles=roles, clock=clock),
        dependencies=DependencyService(uow=uow, clock=clock),
        labels=LabelService(uow=uow, clock=clock),
        comments=CommentService(uow=uow, clock=clock),
        org_id=org_id,
        admin=Actor(
            principal=Principal(kind=PrincipalKind.USER, user_id=admin_id),
            org_id=org_id,
            role=Role.ADMIN,
        ),
        member=Actor(
            principal=Principal(kind=PrincipalKind.USER, user_id=member_id),
            org_id=org_id,
            role=Role.MEMBER,
        ),
    )
