"""Task request bodies turned into the use cases' commands, one at a time or as the
operations of a batch (whose `data` is structured here, so errors name
`operations[i].<field>`)."""

from typing import Any

from taskhub.contexts.work.adapters.http.schemas import (
    BatchRequest,
    CreateTaskRequest,
    UpdateTaskRequest,
    converter,
)
from taskhub.contexts.work.application.task_batches import (
    BatchDelete,
    BatchOperation,
    BatchUpdate,
    check_batch_size,
)
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.values import KEEP
from taskhub.platform.http.converter import structure
from taskhub.shared_kernel.errors import FieldError, ValidationFailed


def create_task(body: CreateTaskRequest) -> CreateTask:
    return CreateTask(
        project_id=body.project_id,
        title=body.title,
        description=body.description,
        status=body.status,
        priority=body.priority,
        due_at=body.due_at,
        parent_id=body.parent_id,
        assignee_ids=body.assignee_ids,
        label_ids=body.label_ids,
        state_id=body.state_id,
        estimate=body.estimate,
        start_at=body.start_at,
        cycle_id=body.cycle_id,
        milestone_id=body.milestone_id,
    )


def change_task(body: UpdateTaskRequest, expected_version: int | None) -> ChangeTask:
    """Fields not sent stay; `null` clears a nullable field (a 422 elsewhere)."""
    sent = body.changes()

    def kept(name: str) -> Any:
        return getattr(body, name) if name in sent else KEEP

    return ChangeTask(
        title=body.title,
        description=body.description,
        status=body.status,
        priority=body.priority,
        due_at=kept("due_at"),
        parent_id=kept("parent_id"),
        assignee_ids=body.assignee_ids,
        label_ids=body.label_ids,
        state_id=body.state_id,
        estimate=kept("estimate"),
        start_at=kept("start_at"),
        cycle_id=kept("cycle_id"),
        milestone_id=kept("milestone_id"),
        expected_version=expected_version,
    )


def batch_operations(body: BatchRequest) -> list[BatchOperation]:
    """Structure each operation's `data`; errors name `operations[i].<field>`."""
    check_batch_size(len(body.operations))
    operations: list[BatchOperation] = []
    errors: list[FieldError] = []
    for index, item in enumerate(body.operations):
        prefix = f"operations[{index}]"
        if item.op in ("update", "delete") and item.id is None:
            errors.append(FieldError(f"{prefix}.id", "is required"))
            continue
        if item.op == "delete":
            assert item.id is not None
            operations.append(BatchDelete(task_id=item.id))
            continue
        if item.data is None:
            errors.append(FieldError(f"{prefix}.data", "is required"))
            continue
        try:
            if item.op == "create":
                operations.append(create_task(structure(converter, item.data, CreateTaskRequest)))
            else:
                assert item.id is not None
                patch = structure(converter, item.data, UpdateTaskRequest)
                operations.append(BatchUpdate(task_id=item.id, change=change_task(patch, None)))
        except ValidationFailed as exc:
            errors.extend(FieldError(f"{prefix}.{e.field}", e.message) for e in exc.errors)
    if errors:
        raise ValidationFailed(errors, detail="Some operations are invalid; nothing was applied.")
    return operations
