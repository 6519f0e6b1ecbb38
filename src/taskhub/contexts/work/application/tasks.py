"""Tasks: creating, reading, changing, deleting and restoring them, one or a batch at a time.

Everything a task refers to is checked against the organization: its project (live,
not archived), its parent (a live task of the same project, no cycle), its assignees
(members) and labels (the organization's). A task cannot become done while a task it
depends on is open.
"""

import uuid
from collections import Counter
from collections.abc import Sequence

import attrs

from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.application.new_tasks import NewTasks
from taskhub.contexts.work.application.ports import TaskFilter, TaskSummary, WorkUnitOfWork
from taskhub.contexts.work.application.task_batches import (
    BatchDelete,
    BatchOperation,
    BatchResult,
    BatchUpdate,
    at_operation,
    check_batch_size,
)
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask, MoveTask
from taskhub.contexts.work.application.task_lookup import live_task, task_for_write, task_not_found
from taskhub.contexts.work.application.task_planning import (
    check_plan,
    resolve_state,
    retrying_rank_conflicts,
)
from taskhub.contexts.work.application.task_references import References, check_references
from taskhub.contexts.work.domain.errors import BlockedByDependencies
from taskhub.contexts.work.domain.rank import rank_between
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import KEEP, Keep, TaskStatus
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Conflict, TaskhubError, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class TaskService:
    def __init__(
        self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], roles: RoleLookup, clock: Clock
    ) -> None:
        self._uow = uow
        self._roles = roles
        self._clock = clock

    # one at a time
    def create(self, actor: Actor, command: CreateTask) -> Task:
        def attempt() -> Task:
            with self._uow() as uow:
                new_tasks = NewTasks.single(uow, command.project_id)
                task = self._create(uow, actor, command, new_tasks)
                new_tasks.store()
                uow.commit()
            return task

        return retrying_rank_conflicts(attempt)

    def move(self, actor: Actor, task_id: uuid.UUID, command: MoveTask) -> Task:
        """Write only the moved task: a rank between its new neighbours' (ADR 0028)."""
        if (command.before_id is None) == (command.after_id is None):
            raise ValidationFailed.single("before_id", "give exactly one of before_id, after_id")

        def attempt() -> Task:
            with self._uow() as uow:
                task = task_for_write(uow, actor, task_id, None)
                field = "before_id" if command.before_id is not None else "after_id"
                anchor_id = command.before_id or command.after_id
                assert anchor_id is not None
                anchor = uow.tasks.get(actor.org_id, anchor_id)
                if anchor is None or anchor.project_id != task.project_id:
                    raise ValidationFailed.single(field, "must be a task of the same project")
                if anchor.id == task.id:
                    raise ValidationFailed.single(field, "must not be the task itself")
                before = command.before_id is not None
                beside = uow.tasks.rank_beside(
                    actor.org_id, task.project_id, anchor.rank, before=before
                )
                if beside == task.rank:  # already there: its other neighbour bounds it
                    beside = uow.tasks.rank_beside(
                        actor.org_id, task.project_id, task.rank, before=before
                    )
                low, high = (beside, anchor.rank) if before else (anchor.rank, beside)
                state = resolve_state(
                    uow, actor.org_id, task.project_id, state_id=command.state_id, status=None
                )
                status = state.category if state is not None else task.status
                self._check_blockers(uow, task, status)
                task.move(
                    rank=rank_between(low, high),
                    state_id=state.id if state is not None else task.state_id,
                    status=status,
                    now=self._clock.now(),
                )
                uow.tasks.update(task)
                uow.track(task)
                uow.commit()
            return task

        return retrying_rank_conflicts(attempt)

    def get(self, actor: Actor, task_id: uuid.UUID) -> Task:
        with self._uow(read_only=True) as uow:
            return live_task(uow, actor, task_id)

    def find(self, actor: Actor, task_filter: TaskFilter, page: PageRequest) -> Page[TaskSummary]:
        """A page of tasks; its cursor names the sort it belongs to, so it fits no other."""
        sort = task_filter.sort.value
        if page.after is not None:
            if not page.after or page.after[0] != sort:
                raise ValidationFailed.single("cursor", "belongs to another sort; start again")
            page = attrs.evolve(page, after=page.after[1:])
        with self._uow(read_only=True) as uow:
            found = uow.task_list.find(actor.org_id, task_filter, page)
        if found.next_after is None:
            return found
        # An empty position (after the task a searched key put first) is one too.
        return attrs.evolve(found, next_after=(sort, *found.next_after))

    def change(self, actor: Actor, task_id: uuid.UUID, command: ChangeTask) -> Task:
        with self._uow() as uow:
            task = self._change(uow, actor, task_id, command)
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
                task.restore(self._clock.now())
                uow.tasks.update(task)
                uow.track(task)
                uow.commit()
        return task

    # all or nothing
    def batch(self, actor: Actor, operations: Sequence[BatchOperation]) -> list[BatchResult]:
        check_batch_size(len(operations))
        return retrying_rank_conflicts(lambda: self._batch(actor, operations))

    def _batch(self, actor: Actor, operations: Sequence[BatchOperation]) -> list[BatchResult]:
        results: list[BatchResult] = []
        creates = Counter(o.project_id for o in operations if isinstance(o, CreateTask))
        with self._uow() as uow:
            if any(
                isinstance(o, BatchUpdate) and o.change.parent_id is not KEEP for o in operations
            ):
                # Before any task is locked, as `_change` takes it: graph, then rows.
                uow.tasks.lock_graph(actor.org_id)
            new_tasks = NewTasks(uow, creates)
            for index, operation in enumerate(operations):
                try:
                    results.append(self._apply(uow, actor, operation, new_tasks))
                except TaskhubError as exc:
                    raise at_operation(exc, index) from None
            new_tasks.store()
            uow.commit()
        return results

    def _apply(
        self, uow: WorkUnitOfWork, actor: Actor, operation: BatchOperation, new_tasks: NewTasks
    ) -> BatchResult:
        if isinstance(operation, CreateTask):
            task = self._create(uow, actor, operation, new_tasks)
            return BatchResult(op="create", task=task, task_id=task.id)
        new_tasks.store()
        if isinstance(operation, BatchUpdate):
            task = self._change(uow, actor, operation.task_id, operation.change)
            return BatchResult(op="update", task=task, task_id=task.id)
        assert isinstance(operation, BatchDelete)
        self._delete(uow, actor, operation.task_id, None)
        return BatchResult(op="delete", task=None, task_id=operation.task_id)

    # the rules
    def _create(
        self, uow: WorkUnitOfWork, actor: Actor, command: CreateTask, new_tasks: NewTasks
    ) -> Task:
        project = new_tasks.project(actor.org_id, command.project_id)
        if project is None:
            raise ValidationFailed.single("project_id", "must be a project of the organization")
        project.ensure_accepts_tasks()
        references = References(
            parent_id=command.parent_id, assignees=command.assignee_ids, labels=command.label_ids
        )
        check_references(uow, self._roles, actor, project.id, references, task_id=None)
        state = resolve_state(
            uow,
            actor.org_id,
            project.id,
            state_id=command.state_id,
            status=command.status or (None if command.state_id else TaskStatus.TODO),
        )
        assert state is not None
        check_plan(
            uow,
            actor.org_id,
            project.id,
            cycle_id=command.cycle_id,
            milestone_id=command.milestone_id,
        )
        number = new_tasks.number(project.id)
        task = Task.create(
            org_id=actor.org_id,
            project_id=project.id,
            project_key=project.key,
            number=number,
            created_by=actor.user_id,
            title=command.title,
            description=command.description,
            status=state.category,
            priority=command.priority,
            due_at=command.due_at,
            parent_id=command.parent_id,
            assignee_ids=command.assignee_ids,
            label_ids=command.label_ids,
            state_id=state.id,
            rank=new_tasks.rank(actor.org_id, project.id),
            estimate=command.estimate,
            start_at=command.start_at,
            cycle_id=command.cycle_id,
            milestone_id=command.milestone_id,
            now=self._clock.now(),
        )
        new_tasks.add(task)
        return task

    def _change(
        self, uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, command: ChangeTask
    ) -> Task:
        new_parent = command.parent_id if isinstance(command.parent_id, uuid.UUID) else None
        if new_parent is not None:
            # Taken before the task's row lock, and held until commit, so the parent
            # chain checked below cannot gain a link that closes a cycle meanwhile.
            uow.tasks.lock_graph(actor.org_id)
        task = task_for_write(uow, actor, task_id, command.expected_version)
        references = References(
            parent_id=new_parent, assignees=command.assignee_ids, labels=command.label_ids
        )
        check_references(uow, self._roles, actor, task.project_id, references, task_id=task.id)
        unchanged_status = command.state_id is None and command.status is task.status
        state = resolve_state(
            uow,
            actor.org_id,
            task.project_id,
            state_id=command.state_id,
            status=None if unchanged_status else command.status,
        )
        status = state.category if state is not None else None
        if status is not None:
            self._check_blockers(uow, task, status)
        check_plan(
            uow,
            actor.org_id,
            task.project_id,
            cycle_id=_named(command.cycle_id),
            milestone_id=_named(command.milestone_id),
        )
        changed = task.change(
            title=command.title,
            description=command.description,
            status=status,
            state_id=state.id if state is not None else None,
            estimate=command.estimate,
            start_at=command.start_at,
            cycle_id=command.cycle_id,
            milestone_id=command.milestone_id,
            priority=command.priority,
            due_at=command.due_at,
            parent_id=command.parent_id,
            assignee_ids=command.assignee_ids,
            label_ids=command.label_ids,
            now=self._clock.now(),
        )
        if changed:
            uow.tasks.update(task)
            uow.track(task)
        return task

    @staticmethod
    def _check_blockers(uow: WorkUnitOfWork, task: Task, status: TaskStatus) -> None:
        becomes_done = status is TaskStatus.DONE and task.status is not TaskStatus.DONE
        if becomes_done and uow.dependencies.open_blockers(task.id):
            raise BlockedByDependencies()

    def _delete(
        self, uow: WorkUnitOfWork, actor: Actor, task_id: uuid.UUID, expected_version: int | None
    ) -> None:
        task = task_for_write(uow, actor, task_id, expected_version)
        task.delete(self._clock.now())
        uow.tasks.update(task)
        uow.track(task)


def _named(value: uuid.UUID | Keep | None) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None
