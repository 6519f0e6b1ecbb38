"""A batch of task operations, applied all or nothing, and its failures named by the
operation that caused them."""

import uuid
from collections.abc import Callable

import attrs

from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TaskhubError,
    ValidationFailed,
)

MAX_BATCH = 100


@attrs.frozen(kw_only=True)
class BatchUpdate:
    task_id: uuid.UUID
    change: ChangeTask


@attrs.frozen(kw_only=True)
class BatchDelete:
    task_id: uuid.UUID


BatchOperation = CreateTask | BatchUpdate | BatchDelete


@attrs.frozen
class BatchResult:
    op: str
    task: Task | None
    task_id: uuid.UUID


def check_batch_size(count: int) -> None:
    if count > MAX_BATCH:
        raise ValidationFailed.single("operations", f"must hold at most {MAX_BATCH} operations")


_BY_KIND: list[tuple[type[TaskhubError], Callable[[str, str], TaskhubError]]] = [
    (NotFound, lambda d, c: NotFound(d, code=c)),
    (Conflict, lambda d, c: Conflict(d, code=c)),
    (PermissionDenied, lambda d, c: PermissionDenied(d, code=c)),
    (PreconditionFailed, lambda d, c: PreconditionFailed(d, code=c)),
]


def at_operation(exc: TaskhubError, index: int) -> TaskhubError:
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
