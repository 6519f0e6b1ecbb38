"""Task endpoints: one task at a time, lists, and batches."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.queries import TASK_LIST_QUERY, task_filter
from taskhub.contexts.work.adapters.http.schemas import (
    BatchRequest,
    BatchResponse,
    BatchResultBody,
    CreateTaskRequest,
    MoveTaskRequest,
    TaskBody,
    UpdateTaskRequest,
    converter,
)
from taskhub.contexts.work.adapters.http.task_requests import (
    batch_operations,
    change_task,
    create_task,
)
from taskhub.contexts.work.application.task_commands import MoveTask
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.contexts.work.domain.task import Task
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role


def task_body(task: Task) -> TaskBody:
    return TaskBody(
        id=task.id,
        project_id=task.project_id,
        number=task.number,
        key=task.key,
        title=task.title,
        description=task.description,
        status=task.status,
        priority=task.priority,
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


class TaskEndpoints:
    def __init__(self, *, tasks: TaskService) -> None:
        self._tasks = tasks

    def create(self, call: Call[CreateTaskRequest]) -> Reply:
        task = self._tasks.create(call.in_org, create_task(call.body))
        return Reply(status=201, body=task_body(task))

    def list(self, call: Call[None]) -> Reply:
        # Summaries have the task resource's fields and go to the encoder as they are.
        return Reply(body=self._tasks.find(call.in_org, task_filter(call.query), call.page))

    def get(self, call: Call[None]) -> Reply:
        return Reply(body=task_body(self._tasks.get(call.in_org, call.params["task_id"])))

    def update(self, call: Call[UpdateTaskRequest]) -> Reply:
        command = change_task(call.body, call.if_match)
        return Reply(
            body=task_body(self._tasks.change(call.in_org, call.params["task_id"], command))
        )

    def delete(self, call: Call[None]) -> Reply:
        self._tasks.delete(call.in_org, call.params["task_id"], call.if_match)
        return Reply(status=204)

    def move(self, call: Call[MoveTaskRequest]) -> Reply:
        body = call.body
        command = MoveTask(before_id=body.before_id, after_id=body.after_id, state_id=body.state_id)
        return Reply(body=task_body(self._tasks.move(call.in_org, call.params["task_id"], command)))

    def restore(self, call: Call[None]) -> Reply:
        return Reply(body=task_body(self._tasks.restore(call.in_org, call.params["task_id"])))

    def batch(self, call: Call[BatchRequest]) -> Reply:
        results = self._tasks.batch(call.in_org, batch_operations(call.body))
        return Reply(
            body=BatchResponse(
                results=[
                    BatchResultBody(
                        op=r.op, id=r.task_id, task=task_body(r.task) if r.task else None
                    )
                    for r in results
                ]
            )
        )

    def endpoints(self) -> Sequence[Endpoint]:
        tasks = Routes.in_org(tag="tasks", converter=converter)
        return [
            tasks.post(
                "/tasks",
                handler=self.create,
                body=CreateTaskRequest,
                name="create_task",
                summary="Create a task",
                role=Role.MEMBER,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            tasks.get(
                "/tasks",
                handler=self.list,
                name="list_tasks",
                summary="Tasks, filtered and sorted",
                role=Role.VIEWER,
                response=TaskBody,
                paginated=True,
                query=TASK_LIST_QUERY,
                description=(
                    "Filters: project_id, status (repeatable), priority (repeatable), "
                    "assignee_id, label_id, parent_id, due_before, due_after, state_id "
                    "(repeatable), cycle_id and milestone_id (`none`: without), q (full "
                    "text over title and description; a task key puts that task first), "
                    "sort (created_at, -created_at (default), due_at, -due_at, priority, "
                    "-priority, updated_at, -updated_at, rank; ties by id; tasks without "
                    "due_at last)."
                ),
            ),
            tasks.post(
                "/tasks/batch",
                handler=self.batch,
                body=BatchRequest,
                name="batch_tasks",
                summary="Apply up to 100 operations, all or nothing",
                role=Role.MEMBER,
                response=BatchResponse,
                errors=(404, 409),
            ),
            tasks.get(
                "/tasks/{task_id:task}",
                handler=self.get,
                name="get_task",
                summary="A task",
                role=Role.VIEWER,
                response=TaskBody,
            ),
            tasks.patch(
                "/tasks/{task_id:task}",
                handler=self.update,
                body=UpdateTaskRequest,
                name="update_task",
                summary="Change a task",
                role=Role.MEMBER,
                response=TaskBody,
                errors=(409,),
            ),
            tasks.delete(
                "/tasks/{task_id:task}",
                handler=self.delete,
                name="delete_task",
                summary="Delete a task (soft)",
                role=Role.MEMBER,
                status=204,
            ),
            tasks.post(
                "/tasks/{task_id:task}/move",
                handler=self.move,
                body=MoveTaskRequest,
                name="move_task",
                summary="Move a task on the board",
                role=Role.MEMBER,
                response=TaskBody,
                errors=(409,),
                description=(
                    "Before `before_id` or after `after_id` (a task of the same project), "
                    "optionally into `state_id`; only the moved task is written."
                ),
            ),
            tasks.post(
                "/tasks/{task_id:task}/restore",
                handler=self.restore,
                name="restore_task",
                summary="Restore a task",
                role=Role.ADMIN,
                response=TaskBody,
                errors=(409,),
            ),
        ]
