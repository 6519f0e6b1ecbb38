"""Tasks: creating, reading, changing, deleting and restoring them, one or a batch at a time.

Everything a task refers to is checked against the organization: its project (live,
not archived), its parent (a live task of the same project, no cycle), its assignees
(members) and labels (the organization's). A task cannot become done while a task it
depends on is open.
"""

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.application.ports import (
    TaskFilter,
    TaskSummary,
    WorkUnitOfWork,
)
from taskhub.contexts.work.application.recording import work_event
from taskhub.contexts.work.domain.errors import BlockedByDependencies, ParentCycle
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import MAX_ASSIGNEES, MAX_LABELS, Task
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.contexts.work.public.events import (
    TASK_CREATED,
    TASK_DELETED,
    TASK_RESTORED,
    TASK_UPDATED,
)
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TaskhubError,
    ValidationFailed,
)
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

MAX_BATCH = 100
MAX_PARENT_DEPTH = 1000


def _check_bounds(assignees: set[uuid.UUID], labels: set[uuid.UUID]) -> None:
    """The lists' maxima, before any id is looked up (callers other than HTTP included)."""
    for field, ids, most in (
        ("assignee_ids", assignees, MAX_ASSIGNEES),
        ("label_ids", labels, MAX_LABELS),
    ):
        if len(ids) > most:
            raise ValidationFailed.single(field, f"must have at most {most} items")


def task_not_found() -> NotFound:
    return NotFound("The task was not found.")


@attrs.frozen
class BatchOperation:
    op: str
    task_id: uuid.UUID | None = None
    fields: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class BatchResult:
    op: str
    task: Task | None
    task_id: uuid.UUID


class NewTasks:
    """The tasks one unit of work creates, numbered and stored together.

    A batch's creates read each project once, reserve the numbers of all its creates in
    that project with one lock and one counter update (when its first create is
    numbered, so projects are locked in operation order, as one by one), and are
    stored together. Numbers stay gap-free and in operation order: a batch either uses
    every number it reserved or rolls back, and the counter with it.
    Pending tasks are stored before the batch's next update or delete, and before
    commit, so every operation sees what the earlier ones did.
    """

    def __init__(self, uow: WorkUnitOfWork, creates_per_project: Counter[Any]) -> None:
        self._uow = uow
        self._counts = creates_per_project
        self._projects: dict[tuple[uuid.UUID, Any], Project | None] = {}
        self._numbers: dict[uuid.UUID, range] = {}
        self._used: Counter[uuid.UUID] = Counter()
        self._pending: list[Task] = []

    @classmethod
    def single(cls, uow: WorkUnitOfWork, project_id: Any) -> "NewTasks":
        return cls(uow, Counter([project_id]))

    def project(self, org_id: uuid.UUID, project_id: Any) -> Project | None:
        key = (org_id, project_id)
        if key not in self._projects:
            self._projects[key] = self._uow.projects.get(org_id, project_id)
        return self._projects[key]

    def number(self, project_id: uuid.UUID) -> int:
        numbers = self._numbers.get(project_id)
        if numbers is None:
            count = max(1, self._counts[project_id])
            numbers = self._numbers[project_id] = self._uow.projects.allocate_numbers(
                project_id, count
            )
        used = self._used[project_id]
        if used >= len(numbers):  # more creates than counted: reserve one more
            extra = self._uow.projects.allocate_numbers(project_id, 1)
            numbers = self._numbers[project_id] = range(numbers.start, extra.stop)
        self._used[project_id] = used + 1
        return numbers[used]

    def add(self, task: Task) -> None:
        self._pending.append(task)

    def store(self) -> None:
        if self._pending:
            self._uow.tasks.add_all(self._pending)
            self._pending = []


class TaskService:
    def __init__(
        self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], roles: RoleLookup, clock: Clock
    ) -> None:
        self._uow = uow
        self._roles = roles
        self._clock = clock

    # one at a time
    def create(self, actor: Actor, fields: dict[str, Any]) -> Task:
        with self._uow() as uow:
            new_tasks = NewTasks.single(uow, fields["project_id"])
            task = self._create(uow, actor, fields, new_tasks)
            new_tasks.store()
            uow.commit()
        return task

    def get(self, actor: Actor, task_id: uuid.UUID) -> Task:
        with self._uow(read_only=True) as uow:
            return self._task(uow, actor, task_id)

    def find(self, actor: Actor, task_filter: TaskFilter, page: PageRequest) -> Page[TaskSummary]:
        """A page of tasks; its cursor names the sort it belongs to, so it fits no other."""
        sort = task_filter.sort.value
        if page.after is not None:
            if not page.after or page.after[0] != sort:
                raise ValidationFailed.single("cursor", "belongs to another sort; start again")
            page = PageRequest(limit=page.limit, after=page.after[1:])
        with self._uow(read_only=True) as uow:
            found = uow.task_list.find(actor.org_id, task_filter, page)
        after = (sort, *found.next_after) if found.next_after else None
        return Page(items=found.items, next_after=after)

    def change(
        self,
        actor: Actor,
        task_id: uuid.UUID,
        changes: dict[str, Any],
        expected_version: int | None,
    ) -> Task:
        with self._uow() as uow:
            task = self._change(uow, actor, task_id, changes, expected_version)
            uow.commit()
        return task

    def delete(self, actor: Actor, task_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            self._delete(uow, actor, task_id, expected_version)
            uow.commit()

    def restore(self, actor: Actor, task_id: uuid.UUID) -> Task:
        with self._uow() as uow:
            task = uow.tasks.get(actor.org_id, task_id, include_deleted=True, for_update=True)
            if task is None:
                raise task_not_found()
            if task.deleted_at is not None:
                if uow.projects.get(actor.org_id, task.project_id) is None:
                    raise Conflict("Restore the task's project first.", code="project_deleted")
                now = self._clock.now()
                task.restore(now)
                uow.tasks.update(task)
                uow.record(self._event(task, TASK_RESTORED, now))
                uow.commit()
        return task

    # all or nothing
    def batch(self, actor: Actor, operations: Sequence[BatchOperation]) -> list[BatchResult]:
        if len(operations) > MAX_BATCH:
            raise ValidationFailed.single("operations", f"must hold at most {MAX_BATCH} operations")
        results: list[BatchResult] = []
        creates = Counter(o.fields.get("project_id") for o in operations if o.op == "create")
        with self._uow() as uow:
            if any(o.op == "update" and "parent_id" in o.fields for o in operations):
                # Before any task is locked, as `_change` takes it: graph, then rows.
                uow.tasks.lock_graph(actor.org_id)
            new_tasks = NewTasks(uow, creates)
            for index, operation in enumerate(operations):
                try:
                    results.append(self._apply(uow, actor, operation, new_tasks))
                except TaskhubError as exc:
                    raise _at_operation(exc, index) from None
            new_tasks.store()
            uow.commit()
        return results

    def _apply(
        self, uow: WorkUnitOfWork, actor: Actor, operation: BatchOperation, new_tasks: NewTasks
    ) -> BatchResult:
        if operation.op == "create":
            task = self._create(uow, actor, operation.fields, new_tasks)
            return BatchResult(op="create", task=task, task_id=task.id)
        new_tasks.store()
        assert operation.task_id is not None
        if operation.op == "update":
            task = self._change(uow, actor, operation.task_id, operation.fields, None)
            return BatchResult(op="update", task=task, task_id=task.id)
        self._delete(uow, actor, operation.task_id, None)
        return BatchResult(op="delete", task=None, task_id=operation.task_id)

    # the rules
    def _create(
        self, uow: WorkUnitOfWork, actor: Actor, fields: dict[str, Any], new_tasks: NewTasks
    ) -> Task:
        project = new_tasks.project(actor.org_id, fields["project_id"])
        if project is None:
            raise ValidationFailed.single("project_id", "must be a project of the organization")
        project.ensure_accepts_tasks()
        self._check_references(uow, actor, project.id, fields, task_id=None)
        now = self._clock.now()
        task = Task.create(
            org_id=actor.org_id,
            project_id=project.id,
            project_key=project.key,
            number=new_tasks.number(project.id),
            created_by=actor.user_id,
            now=now,
            fields={k: v for k, v in fields.items() if k != "project_id"},
        )
        new_tasks.add(task)
        uow.record(self._event(task, TASK_CREATED, now, changes={"title": (None, task.title)}))
        return task

    def _change(
        self,
        uow: WorkUnitOfWork,
        actor: Actor,
        task_id: uuid.UUID,
        changes: dict[str, Any],
        expected_version: int | None,
    ) -> Task:
        if changes.get("parent_id") is not None:
            # Taken before the task's row lock, and held until commit, so the parent
            # chain checked below cannot gain a link that closes a cycle meanwhile.
            uow.tasks.lock_graph(actor.org_id)
        task = self._for_write(uow, actor, task_id, expected_version)
        self._check_references(uow, actor, task.project_id, changes, task_id=task.id)
        becomes_done = (
            changes.get("status") is TaskStatus.DONE and task.status is not TaskStatus.DONE
        )
        if becomes_done and uow.tasks.open_blockers(task.id):
            raise BlockedByDependencies()
        now = self._clock.now()
        changed = task.change(changes, now)
        if changed:
            uow.tasks.update(task)
            uow.record(self._event(task, TASK_UPDATED, now, changes=changed))
        return task

    def _delete(
        self, uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, expected_version: int | None
    ) -> None:
        task = self._for_write(uow, actor, task_id, expected_version)
        now = self._clock.now()
        task.delete(now)
        uow.tasks.update(task)
        uow.record(self._event(task, TASK_DELETED, now))

    def _check_references(
        self,
        uow: WorkUnitOfWork,
        actor: Actor,
        project_id: uuid.UUID,
        fields: dict[str, Any],
        *,
        task_id: uuid.UUID | None,
    ) -> None:
        parent_id = fields.get("parent_id")
        if parent_id is not None:
            parent = uow.tasks.get(actor.org_id, parent_id)
            if parent is None or parent.project_id != project_id:
                raise ValidationFailed.single("parent_id", "must be a task of the same project")
            if task_id is not None:
                self._check_no_parent_cycle(uow, actor, task_id, parent)
        assignees = set(fields.get("assignee_ids", ()))
        labels = set(fields.get("label_ids", ()))
        _check_bounds(assignees, labels)
        members = self._roles.members_among(actor.org_id, assignees) if assignees else frozenset()
        strangers = sorted(str(user_id) for user_id in assignees - members)
        if strangers:
            raise ValidationFailed.single(
                "assignee_ids", f"must be members of the organization: {', '.join(strangers)}"
            )
        unknown = labels - uow.labels.existing(actor.org_id, labels) if labels else set()
        if unknown:
            raise ValidationFailed.single(
                "label_ids",
                f"must be labels of the organization: {', '.join(sorted(map(str, unknown)))}",
            )

    @staticmethod
    def _check_no_parent_cycle(
        uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, parent: Task
    ) -> None:
        ancestor: Task | None = parent
        for _ in range(MAX_PARENT_DEPTH):
            if ancestor is None:
                return
            if ancestor.id == task_id:
                raise ParentCycle()
            if ancestor.parent_id is None:
                return
            ancestor = uow.tasks.get(actor.org_id, ancestor.parent_id, include_deleted=True)
        raise ParentCycle()

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, expected_version: int | None
    ) -> Task:
        return load_for_write(
            lambda deleted: uow.tasks.get(
                actor.org_id, task_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            task_not_found,
        )

    @staticmethod
    def _task(uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID) -> Task:
        task = uow.tasks.get(actor.org_id, task_id)
        if task is None:
            raise task_not_found()
        return task

    @staticmethod
    def _event(
        task: Task, action: str, now: Any, changes: dict[str, tuple[Any, Any]] | None = None
    ) -> Any:
        return work_event(
            org_id=task.org_id,
            entity_type="task",
            entity_id=task.id,
            action=action,
            now=now,
            changes=changes,
            snapshot=task.snapshot(),
        )


_BY_KIND: list[tuple[type[TaskhubError], Callable[[str, str], TaskhubError]]] = [
    (NotFound, lambda d, c: NotFound(d, code=c)),
    (Conflict, lambda d, c: Conflict(d, code=c)),
    (PermissionDenied, lambda d, c: PermissionDenied(d, code=c)),
    (PreconditionFailed, lambda d, c: PreconditionFailed(d, code=c)),
]


def _at_operation(exc: TaskhubError, index: int) -> TaskhubError:
    """The same failure, pointing at the operation that caused it."""
    prefix = f"operations[{index}]"
    if isinstance(exc, ValidationFailed):
        return ValidationFailed(
            [FieldError(f"{prefix}.{e.field}", e.message) for e in exc.errors],
            detail=f"Operation {index} has invalid fields; nothing was applied.",
        )
    for kind, build in _BY_KIND:
        if isinstance(exc, kind):
            return build(f"{prefix}: {exc.detail} Nothing was applied.", exc.code)
    return exc
