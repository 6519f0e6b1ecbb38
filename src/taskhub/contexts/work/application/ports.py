"""What work's use cases need from storage and from other contexts."""

import dataclasses
import enum
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.work.application.planning_ports import (
    CycleRepository,
    MilestoneRepository,
    StateRepository,
)
from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork


class TaskSort(enum.StrEnum):
    CREATED = "created_at"
    CREATED_DESC = "-created_at"
    DUE = "due_at"
    DUE_DESC = "-due_at"
    PRIORITY = "priority"
    PRIORITY_DESC = "-priority"
    UPDATED = "updated_at"
    UPDATED_DESC = "-updated_at"
    RANK = "rank"


class NoneSet(enum.Enum):
    """A filter that matches the tasks without a value (`cycle_id=none`)."""

    NONE = "none"


@attrs.frozen
class TaskFilter:
    project_id: uuid.UUID | None = None
    statuses: frozenset[TaskStatus] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    assignee_id: uuid.UUID | None = None
    label_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    text: str | None = None
    state_ids: frozenset[uuid.UUID] = frozenset()
    cycle_id: uuid.UUID | NoneSet | None = None
    milestone_id: uuid.UUID | NoneSet | None = None
    key: tuple[str, int] | None = None
    """A task key the search text names (`ENG-42`): that task comes first."""
    sort: TaskSort = TaskSort.CREATED_DESC


@dataclasses.dataclass(slots=True)
class TaskSummary:
    """A task as a list shows it: the read model of the task list.

    Lists are the hottest read and need none of the aggregate's behaviour, so they are
    read straight from rows into this plain record, fields in the order of the task
    resource and status and priority as their wire values. A dataclass because the
    JSON encoder writes those natively, with no per-field conversion in Python.
    """

    id: uuid.UUID
    project_id: uuid.UUID
    number: int
    key: str
    title: str
    description: str
    status: str
    priority: str
    due_at: datetime | None
    parent_id: uuid.UUID | None
    assignee_ids: list[uuid.UUID]
    label_ids: list[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    state_id: uuid.UUID
    rank: str
    estimate: int | None
    start_at: datetime | None
    cycle_id: uuid.UUID | None
    milestone_id: uuid.UUID | None

    @classmethod
    def of(cls, task: Task) -> "TaskSummary":
        return cls(
            id=task.id,
            project_id=task.project_id,
            number=task.number,
            key=task.key,
            title=task.title,
            description=task.description,
            status=task.status.value,
            priority=task.priority.value,
            due_at=task.due_at,
            parent_id=task.parent_id,
            assignee_ids=sorted(task.assignee_ids),
            label_ids=sorted(task.label_ids),
            created_by=task.created_by,
            created_at=task.created_at,
            updated_at=task.updated_at,
            version=task.version,
            state_id=task.state_id,
            rank=task.rank,
            estimate=task.estimate,
            start_at=task.start_at,
            cycle_id=task.cycle_id,
            milestone_id=task.milestone_id,
        )


class TaskList(Protocol):
    def find(
        self, org_id: uuid.UUID, task_filter: TaskFilter, page: PageRequest
    ) -> Page[TaskSummary]:
        """Live tasks of live projects matching the filter, in its sort order, ties broken
        by id, with their assignees and labels."""
        ...


class ProjectRepository(Protocol):
    def add(self, project: Project) -> None:
        """Raise ProjectKeyTaken if the organization already has the key."""
        ...

    def get(
        self,
        org_id: uuid.UUID,
        project_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Project | None:
        """`for_update` locks the project until this unit of work ends."""
        ...

    def update(self, project: Project) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved);
        raise ProjectKeyTaken if the new key is in use."""
        ...

    def page(
        self, org_id: uuid.UUID, status: ProjectStatus | None, page: PageRequest
    ) -> Page[Project]:
        """Live projects (of `status`, if given), oldest first."""
        ...

    def allocate_number(self, project_id: uuid.UUID) -> int:
        """The project's next task number, reserved until this unit of work ends.

        Concurrent creators wait for each other, so numbers are gap-free: a number is
        only lost to a transaction that rolls back, and then the counter rolls back too.
        """
        ...

    def allocate_numbers(self, project_id: uuid.UUID, count: int) -> range:
        """The project's next `count` task numbers, consecutive, reserved as one
        `allocate_number` would reserve each: the project is locked once, not per number."""
        ...


class TaskRepository(Protocol):
    def add(self, task: Task) -> None: ...

    def add_all(self, tasks: Sequence[Task]) -> None:
        """Store new tasks, as `add` would one by one, in as few statements as it can."""
        ...

    def get(
        self,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Task | None:
        """A live task of a live project; `include_deleted` also finds deleted ones;
        `for_update` locks it until this unit of work ends."""
        ...

    def update(self, task: Task) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved)."""
        ...

    def last_rank(self, org_id: uuid.UUID, project_id: uuid.UUID) -> str | None:
        """The greatest rank in the project, deleted tasks included (ranks stay unique
        across them, so a restored task keeps its place)."""
        ...

    def rank_beside(
        self, org_id: uuid.UUID, project_id: uuid.UUID, rank: str, *, before: bool
    ) -> str | None:
        """The nearest rank in the project below (`before`) or above `rank`."""
        ...

    def lock_graph(self, org_id: uuid.UUID) -> None:
        """Hold the organization's task graph (parents and dependencies) until this unit
        of work ends: whoever checks it for cycles takes this first, so two changes that
        are each fine alone cannot close a cycle together."""
        ...


class DependencyRepository(Protocol):
    """Which task waits for which: the links between tasks of one project."""

    def blockers_of(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        """Live tasks this one depends on."""
        ...

    def edges(
        self, task_ids: Collection[uuid.UUID], *, include_deleted: bool = False
    ) -> dict[uuid.UUID, set[uuid.UUID]]:
        """For each given task, the tasks it depends on (live ones unless told otherwise)."""
        ...

    def add(self, task_id: uuid.UUID, depends_on_id: uuid.UUID, now: datetime) -> bool:
        """False if it already existed."""
        ...

    def remove(self, task_id: uuid.UUID, depends_on_id: uuid.UUID) -> bool: ...

    def open_blockers(self, task_id: uuid.UUID) -> int:
        """How many live tasks it depends on are neither done nor cancelled."""
        ...


class LabelRepository(Protocol):
    def get(
        self,
        org_id: uuid.UUID,
        label_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Label | None: ...

    def add(self, label: Label) -> None:
        """Raise LabelNameTaken if a live label of the organization has the name."""
        ...

    def update(self, label: Label) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved);
        raise LabelNameTaken if a live label of the organization has the new name."""
        ...

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Label]:
        """Live labels, oldest first."""
        ...

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool: ...

    def existing(self, org_id: uuid.UUID, label_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these ids are live labels of the organization."""
        ...


class CommentRepository(Protocol):
    def add(self, comment: Comment) -> None: ...

    def get(
        self,
        task_id: uuid.UUID,
        comment_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Comment | None: ...

    def update(self, comment: Comment) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved)."""
        ...

    def page(self, task_id: uuid.UUID, page: PageRequest) -> Page[Comment]:
        """The task's live comments, oldest first."""
        ...


class WorkUnitOfWork(UnitOfWork, Protocol):
    projects: ProjectRepository
    tasks: TaskRepository
    dependencies: DependencyRepository
    labels: LabelRepository
    comments: CommentRepository
    task_list: TaskList
    states: StateRepository
    cycles: CycleRepository
    milestones: MilestoneRepository
