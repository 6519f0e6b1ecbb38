"""Fakes of work's ports and of the role lookup work depends on.

They keep the SQL adapters' semantics, down to the cursors: lists are ordered by the
same keys, a page continues after the same `next_after` strings, deleted rows hide
where the queries hide them, and the text filter matches whole words, ignoring case.
"""

import copy
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.application.ports import (
    CommentRepository,
    LabelRepository,
    ProjectRepository,
    TaskFilter,
    TaskList,
    TaskRepository,
    TaskSort,
    TaskSummary,
    WorkUnitOfWork,
)
from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.errors import LabelNameTaken, ProjectKeyTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.concurrency import ReadVersions
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import (
    KeyOrder,
    KeyTerm,
    aware_timestamp,
    by_time_then_id,
    creation_key,
    keyset_page,
)
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

T = TypeVar("T")

# What the SQL sort puts in place of a missing due date, so those tasks come last.
_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)


class WorkStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        self.projects: dict[uuid.UUID, Project] = {}
        # Each project's last allocated task number (the projects table's counter).
        self.next_numbers: dict[uuid.UUID, int] = {}
        self.tasks: dict[uuid.UUID, Task] = {}
        # Keyed by (task_id, depends_on_id), the table's primary key; the value is
        # when the dependency was added.
        self.dependencies: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}
        self.labels: dict[uuid.UUID, Label] = {}
        self.comments: dict[uuid.UUID, Comment] = {}
        # Events of committed units of work, in commit order.
        self.events: list[DomainEvent] = []


class DuplicateKey(Exception):
    """A row with this key exists: what the database's unique constraints refuse."""


class MissingReference(Exception):
    """The row refers to one that does not exist: what a foreign key refuses."""


def _task_order(sort: TaskSort) -> KeyOrder[Task]:
    descending = sort.value.startswith("-")
    if sort in (TaskSort.DUE, TaskSort.DUE_DESC):
        # Tasks without a due date come last in both directions.
        filler = _FAR_PAST if descending else _FAR_FUTURE
        return KeyOrder(
            terms=(
                KeyTerm(int),
                KeyTerm(aware_timestamp, descending),
                KeyTerm(uuid.UUID, descending),
            ),
            values=lambda t: (
                1 if t.due_at is None else 0,
                filler if t.due_at is None else t.due_at,
                t.id,
            ),
        )
    value: Callable[[Task], Any] = {
        TaskSort.CREATED: lambda t: t.created_at,
        TaskSort.CREATED_DESC: lambda t: t.created_at,
        TaskSort.UPDATED: lambda t: t.updated_at,
        TaskSort.UPDATED_DESC: lambda t: t.updated_at,
        TaskSort.PRIORITY: lambda t: t.priority.rank,
        TaskSort.PRIORITY_DESC: lambda t: t.priority.rank,
    }[sort]
    parse = int if sort in (TaskSort.PRIORITY, TaskSort.PRIORITY_DESC) else aware_timestamp
    return KeyOrder(
        terms=(KeyTerm(parse, descending), KeyTerm(uuid.UUID, descending)),
        values=lambda t: (value(t), t.id),
    )


# Whole words, as the databases' full-text tokenizers split them (underscores split too).
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text)}


def _matches_text(task: Task, text: str) -> bool:
    """Every word of the query appears in the title or the description; a query
    without any word matches nothing."""
    wanted = _words(text)
    return bool(wanted) and wanted <= _words(f"{task.title} {task.description}")


class FakeProjectRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def _key_in_use(self, org_id: uuid.UUID, key: str, other_than: uuid.UUID | None) -> bool:
        # Deleted projects keep their key, as the database's unique constraint does.
        return any(
            p.org_id == org_id and p.key == key and p.id != other_than
            for p in self._store.projects.values()
        )

    def add(self, project: Project) -> None:
        # A clashing id is reported as a taken key too: the SQL adapter reads every
        # integrity error on insert that way.
        if project.id in self._store.projects or self._key_in_use(
            project.org_id, project.key, None
        ):
            raise ProjectKeyTaken()
        self._store.projects[project.id] = copy.deepcopy(project)
        self._store.next_numbers[project.id] = 0
        self._versions.note(project.id, project.version)

    def get(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Project | None:
        project = self._store.projects.get(project_id)
        if project is None or project.org_id != org_id:
            return None
        if project.deleted_at is not None and not include_deleted:
            return None
        self._versions.note(project.id, project.version)
        return copy.deepcopy(project)

    def update(self, project: Project) -> None:
        stored = self._store.projects.get(project.id)
        if stored is None:
            return
        self._versions.check(project.id, stored.version)
        if self._key_in_use(stored.org_id, project.key, project.id):
            raise ProjectKeyTaken()
        updated = copy.deepcopy(project)
        updated.org_id, updated.created_at = stored.org_id, stored.created_at
        self._store.projects[project.id] = updated
        self._versions.note(project.id, project.version)

    def list(
        self, org_id: uuid.UUID, status: ProjectStatus | None, page: PageRequest
    ) -> Page[Project]:
        live = [
            copy.deepcopy(p)
            for p in self._store.projects.values()
            if p.org_id == org_id
            and p.deleted_at is None
            and (status is None or p.status is status)
        ]
        return keyset_page(live, page, by_time_then_id(creation_key))

    def allocate_number(self, project_id: uuid.UUID) -> int:
        # Deleted projects count on too; the counter is only reset by a rollback.
        if project_id not in self._store.next_numbers:
            raise MissingReference("no project has this id")
        self._store.next_numbers[project_id] += 1
        return self._store.next_numbers[project_id]

    def allocate_numbers(self, project_id: uuid.UUID, count: int) -> range:
        if count < 1:
            raise ValueError("allocate at least one number")
        first = self.allocate_number(project_id)
        self._store.next_numbers[project_id] += count - 1
        return range(first, first + count)


class FakeTaskRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def read(self, task: Task) -> Task:
        loaded = copy.deepcopy(task)
        # The project's key as it is now, as the SQL adapter joins it.
        loaded.project_key = self._store.projects[task.project_id].key
        return loaded

    def _live(self, task_id: uuid.UUID) -> bool:
        task = self._store.tasks.get(task_id)
        return task is not None and task.deleted_at is None

    def add(self, task: Task) -> None:
        if task.id in self._store.tasks:
            raise DuplicateKey("a task with this id exists")
        if task.project_id not in self._store.projects:
            raise MissingReference("no project has this id")
        if any(
            t.project_id == task.project_id and t.number == task.number
            for t in self._store.tasks.values()
        ):
            raise DuplicateKey("the project already has a task with this number")
        self._store.tasks[task.id] = copy.deepcopy(task)
        self._versions.note(task.id, task.version)

    def add_all(self, tasks: Sequence[Task]) -> None:
        for task in tasks:
            self.add(task)

    def get(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Task | None:
        task = self._store.tasks.get(task_id)
        if task is None or task.org_id != org_id:
            return None
        if not include_deleted and (task.deleted_at is not None or not self.project_live(task)):
            return None
        self._versions.note(task.id, task.version)
        return self.read(task)

    def lock_graph(self, org_id: uuid.UUID) -> None:
        """Nothing to do: a fake unit of work has no concurrent writers."""

    def project_live(self, task: Task) -> bool:
        project = self._store.projects.get(task.project_id)
        return project is not None and project.deleted_at is None

    def update(self, task: Task) -> None:
        stored = self._store.tasks.get(task.id)
        if stored is None:
            if task.assignee_ids or task.label_ids:
                raise MissingReference("no task has this id")
            return
        self._versions.check(task.id, stored.version)
        updated = copy.deepcopy(task)
        # What the SQL update leaves alone.
        updated.org_id, updated.project_id = stored.org_id, stored.project_id
        updated.number, updated.created_by = stored.number, stored.created_by
        updated.created_at = stored.created_at
        self._store.tasks[task.id] = updated
        self._versions.note(task.id, task.version)

    def dependencies(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        return sorted(self.dependency_edges([task_id]).get(task_id, set()))

    def dependency_edges(
        self, task_ids: Collection[uuid.UUID], *, include_deleted: bool = False
    ) -> dict[uuid.UUID, set[uuid.UUID]]:
        wanted = set(task_ids)
        edges: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for task_id, depends_on_id in self._store.dependencies:
            if task_id in wanted and (include_deleted or self._live(depends_on_id)):
                edges[task_id].add(depends_on_id)
        return dict(edges)

    def add_dependency(self, task_id: uuid.UUID, depends_on_id: uuid.UUID, now: datetime) -> bool:
        if (task_id, depends_on_id) in self._store.dependencies:
            return False
        if task_id not in self._store.tasks or depends_on_id not in self._store.tasks:
            raise MissingReference("no task has this id")
        self._store.dependencies[(task_id, depends_on_id)] = now
        return True

    def remove_dependency(self, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> bool:
        return self._store.dependencies.pop((task_id, depends_on_id), None) is not None

    def open_blockers(self, task_id: uuid.UUID) -> int:
        return sum(
            1
            for waiting, depends_on_id in self._store.dependencies
            if waiting == task_id
            and (blocker := self._store.tasks.get(depends_on_id)) is not None
            and blocker.deleted_at is None
            and not blocker.status.is_closed
        )


class FakeTaskList:
    """The task list's read model over the same store: the filtered tasks, summarised."""

    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._tasks = FakeTaskRepository(store)

    def find(
        self, org_id: uuid.UUID, task_filter: TaskFilter, page: PageRequest
    ) -> Page[TaskSummary]:
        f = task_filter

        def wanted(task: Task) -> bool:
            checks = (
                task.org_id == org_id
                and task.deleted_at is None
                and self._tasks.project_live(task),
                f.project_id is None or task.project_id == f.project_id,
                not f.statuses or task.status in f.statuses,
                not f.priorities or task.priority in f.priorities,
                f.parent_id is None or task.parent_id == f.parent_id,
                f.due_before is None or (task.due_at is not None and task.due_at < f.due_before),
                f.due_after is None or (task.due_at is not None and task.due_at > f.due_after),
                f.assignee_id is None or f.assignee_id in task.assignee_ids,
                f.label_id is None or f.label_id in task.label_ids,
                not f.text or _matches_text(task, f.text),
            )
            return all(checks)

        found = [self._tasks.read(t) for t in self._store.tasks.values() if wanted(t)]
        tasks = keyset_page(found, page, _task_order(f.sort))
        return Page(items=[TaskSummary.of(t) for t in tasks.items], next_after=tasks.next_after)


class FakeLabelRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def add(self, label: Label) -> None:
        if label.id in self._store.labels:
            raise DuplicateKey("a label with this id exists")
        if label.deleted_at is None and self.name_taken(label.org_id, label.name, other_than=None):
            raise LabelNameTaken()  # as the unique index on live names refuses it
        self._store.labels[label.id] = copy.deepcopy(label)
        self._versions.note(label.id, label.version)

    def get(
        self,
        org_id: uuid.UUID,
        label_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Label | None:
        label = self._store.labels.get(label_id)
        if label is None or label.org_id != org_id:
            return None
        if label.deleted_at is not None and not include_deleted:
            return None
        self._versions.note(label.id, label.version)
        return copy.deepcopy(label)

    def update(self, label: Label) -> None:
        stored = self._store.labels.get(label.id)
        if stored is None:
            return
        self._versions.check(label.id, stored.version)
        if label.deleted_at is None and self.name_taken(
            stored.org_id, label.name, other_than=label.id
        ):
            raise LabelNameTaken()
        updated = copy.deepcopy(label)
        updated.org_id, updated.created_at = stored.org_id, stored.created_at
        self._store.labels[label.id] = updated
        self._versions.note(label.id, label.version)

    def list(self, org_id: uuid.UUID, page: PageRequest) -> Page[Label]:
        live = [
            copy.deepcopy(label)
            for label in self._store.labels.values()
            if label.org_id == org_id and label.deleted_at is None
        ]
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


class FakeCommentRepository:
    def __init__(self, store: WorkStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def add(self, comment: Comment) -> None:
        if comment.id in self._store.comments:
            raise DuplicateKey("a comment with this id exists")
        if comment.task_id not in self._store.tasks:
            raise MissingReference("no task has this id")
        self._store.comments[comment.id] = copy.deepcopy(comment)
        self._versions.note(comment.id, comment.version)

    def get(
        self,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Comment | None:
        comment = self._store.comments.get(comment_id)
        if comment is None or comment.task_id != task_id:
            return None
        if comment.deleted_at is not None and not include_deleted:
            return None
        self._versions.note(comment.id, comment.version)
        return copy.deepcopy(comment)

    def update(self, comment: Comment) -> None:
        stored = self._store.comments.get(comment.id)
        if stored is None:
            return
        self._versions.check(comment.id, stored.version)
        updated = copy.deepcopy(comment)
        updated.org_id, updated.task_id = stored.org_id, stored.task_id
        updated.author_id, updated.created_at = stored.author_id, stored.created_at
        self._store.comments[comment.id] = updated
        self._versions.note(comment.id, comment.version)

    def list(self, task_id: uuid.UUID, page: PageRequest) -> Page[Comment]:
        live = [
            copy.deepcopy(c)
            for c in self._store.comments.values()
            if c.task_id == task_id and c.deleted_at is None
        ]
        return keyset_page(live, page, by_time_then_id(creation_key))


class FakeWorkUnitOfWork(StagedUnitOfWork[WorkStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    projects: ProjectRepository
    tasks: TaskRepository
    labels: LabelRepository
    comments: CommentRepository
    task_list: TaskList

    def _open(self, staged: WorkStore) -> None:
        self.projects = FakeProjectRepository(staged)
        self.tasks = FakeTaskRepository(staged)
        self.labels = FakeLabelRepository(staged)
        self.comments = FakeCommentRepository(staged)
        self.task_list = FakeTaskList(staged)


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
    _labels: LabelRepository = FakeLabelRepository(WorkStore())
    _comments: CommentRepository = FakeCommentRepository(WorkStore())
    _factory: UnitOfWorkFactory[WorkUnitOfWork] = FakeWorkUnitOfWorkFactory(WorkStore())
    _roles: RoleLookup = FakeRoleLookup()
