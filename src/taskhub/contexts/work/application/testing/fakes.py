"""Work's fake unit of work over the per-resource fakes, and the role lookup work
depends on, as tenancy would answer it.

They are held to the same contract tests as the SQL adapters (tests/contracts/work.py),
so they cannot drift from what production does.
"""

import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING

from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.application.planning_ports import (
    CycleRepository,
    MilestoneRepository,
    StateRepository,
)
from taskhub.contexts.work.application.ports import (
    CommentRepository,
    DependencyRepository,
    LabelRepository,
    ProjectRepository,
    TaskList,
    TaskRepository,
    WorkUnitOfWork,
)
from taskhub.contexts.work.application.testing.comments import FakeCommentRepository
from taskhub.contexts.work.application.testing.dependencies import FakeDependencyRepository
from taskhub.contexts.work.application.testing.labels import FakeLabelRepository
from taskhub.contexts.work.application.testing.planning import (
    FakeCycleRepository,
    FakeMilestoneRepository,
    FakeStateRepository,
)
from taskhub.contexts.work.application.testing.projects import FakeProjectRepository
from taskhub.contexts.work.application.testing.store import WorkStore
from taskhub.contexts.work.application.testing.task_list import FakeTaskList
from taskhub.contexts.work.application.testing.tasks import FakeTaskRepository
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class FakeWorkUnitOfWork(StagedUnitOfWork[WorkStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    projects: ProjectRepository
    tasks: TaskRepository
    dependencies: DependencyRepository
    labels: LabelRepository
    comments: CommentRepository
    task_list: TaskList
    states: StateRepository
    cycles: CycleRepository
    milestones: MilestoneRepository

    def _open(self, staged: WorkStore) -> None:
        self.projects = FakeProjectRepository(staged)
        self.tasks = FakeTaskRepository(staged)
        self.dependencies = FakeDependencyRepository(staged)
        self.labels = FakeLabelRepository(staged)
        self.comments = FakeCommentRepository(staged)
        self.task_list = FakeTaskList(staged)
        self.states = FakeStateRepository(staged)
        self.cycles = FakeCycleRepository(staged)
        self.milestones = FakeMilestoneRepository(staged)


class FakeWorkUnitOfWorkFactory:
    """Opens fake units of work on one store, as the container opens SQL ones."""

    def __init__(self, store: WorkStore) -> None:
        self.store = store

    def __call__(self, *, read_only: bool = False) -> FakeWorkUnitOfWork:
        return FakeWorkUnitOfWork(self.store)


class FakeRoleLookup:
    """Who belongs to which organization, with which role, as tenancy would answer."""

    def __init__(self) -> None:
        self._roles: dict[tuple[uuid.UUID, uuid.UUID], Role] = {}

    def add_member(self, org_id: uuid.UUID, user_id: uuid.UUID, role: Role) -> None:
        self._roles[(org_id, user_id)] = role

    def remove_member(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._roles.pop((org_id, user_id), None)

    def role_of(self, user_id: uuid.UUID, org_id: uuid.UUID) -> Role | None:
        return self._roles.get((org_id, user_id))

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        return frozenset(u for u in user_ids if (org_id, u) in self._roles)


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: WorkUnitOfWork = FakeWorkUnitOfWork(WorkStore())
    _projects: ProjectRepository = FakeProjectRepository(WorkStore())
    _tasks: TaskRepository = FakeTaskRepository(WorkStore())
    _dependencies: DependencyRepository = FakeDependencyRepository(WorkStore())
    _labels: LabelRepository = FakeLabelRepository(WorkStore())
    _comments: CommentRepository = FakeCommentRepository(WorkStore())
    _task_list: TaskList = FakeTaskList(WorkStore())
    _factory: UnitOfWorkFactory[WorkUnitOfWork] = FakeWorkUnitOfWorkFactory(WorkStore())
    _roles: RoleLookup = FakeRoleLookup()
