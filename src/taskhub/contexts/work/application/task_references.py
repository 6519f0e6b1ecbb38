"""What a task refers to, checked against its organization: the parent (a live task of
the same project, no cycle), the assignees (members) and the labels (the
organization's live ones)."""

import uuid
from collections.abc import Collection

import attrs

from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.errors import ParentCycle
from taskhub.contexts.work.domain.task import MAX_ASSIGNEES, MAX_LABELS, Task
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.principal import Actor

MAX_PARENT_DEPTH = 1000


def check_bounds(assignees: Collection[uuid.UUID], labels: Collection[uuid.UUID]) -> None:
    """The lists' maxima, before any id is looked up (callers other than HTTP included)."""
    for field, ids, most in (
        ("assignee_ids", assignees, MAX_ASSIGNEES),
        ("label_ids", labels, MAX_LABELS),
    ):
        if len(ids) > most:
            raise ValidationFailed.single(field, f"must have at most {most} items")


@attrs.frozen(kw_only=True)
class References:
    """What a new task or a change names: None and empty sets name nothing to check."""

    parent_id: uuid.UUID | None
    assignees: frozenset[uuid.UUID] | None
    labels: frozenset[uuid.UUID] | None


def check_references(
    uow: WorkUnitOfWork,
    roles: RoleLookup,
    actor: Actor,
    project_id: uuid.UUID,
    references: References,
    *,
    task_id: uuid.UUID | None,
) -> None:
    """`task_id` is None for a task still being created (it cannot be in a cycle)."""
    parent_id = references.parent_id
    assignees = references.assignees or frozenset()
    labels = references.labels or frozenset()
    if parent_id is not None:
        parent = uow.tasks.get(actor.org_id, parent_id)
        if parent is None or parent.project_id != project_id:
            raise ValidationFailed.single("parent_id", "must be a task of the same project")
        if task_id is not None:
            _check_no_parent_cycle(uow, actor, task_id, parent)
    check_bounds(assignees, labels)
    members = roles.members_among(actor.org_id, assignees) if assignees else frozenset()
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
