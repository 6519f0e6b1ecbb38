"""Batches of task operations: applied all together, or not at all."""

import copy
import uuid
from typing import Any

import pytest

from taskhub.contexts.work.application.task_batches import MAX_BATCH, BatchDelete, BatchUpdate
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.values import ProjectStatus, TaskStatus
from taskhub.shared_kernel.errors import Conflict, NotFound, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from tests.unit.work.conftest import Work


def create(project_id: uuid.UUID, title: str, **fields: Any) -> CreateTask:
    return CreateTask(project_id=project_id, title=title, **fields)


def test_operations_apply_in_order_and_answer_in_order(work: Work) -> None:
    project = work.project("ENG")
    existing = work.task(project, "Existing")
    doomed = work.task(project, "Doomed")
    results = work.tasks.batch(
        work.member,
        [
            create(project.id, "First"),
            BatchUpdate(task_id=existing.id, change=ChangeTask(title="Changed")),
            BatchDelete(task_id=doomed.id),
            create(project.id, "Second", status=TaskStatus.IN_PROGRESS),
        ],
    )
    assert [r.op for r in results] == ["create", "update", "delete", "create"]
    assert [r.task_id for r in results[1:3]] == [existing.id, doomed.id]
    assert results[2].task is None
    first, second = results[0].task, results[3].task
    assert first is not None
    assert second is not None
    assert (first.number, second.number) == (3, 4)
    assert work.stored_task(first.id) == first
    assert work.stored_task(second.id).status is TaskStatus.IN_PROGRESS
    assert work.stored_task(existing.id).title == "Changed"
    assert work.stored_task(doomed.id).deleted_at is not None
    assert work.actions()[-4:] == ["task.created", "task.updated", "task.deleted", "task.created"]


def test_later_operations_see_earlier_ones(work: Work) -> None:
    project = work.project("ENG")
    (created,) = work.tasks.batch(work.member, [create(project.id, "Parent")])
    assert created.task is not None
    results = work.tasks.batch(
        work.member,
        [
            create(project.id, "Child", parent_id=created.task_id),
            BatchUpdate(task_id=created.task_id, change=ChangeTask(title="Renamed")),
        ],
    )
    child = results[0].task
    assert child is not None
    assert work.stored_task(child.id).parent_id == created.task_id
    assert work.stored_task(created.task_id).title == "Renamed"


def test_a_failing_operation_leaves_nothing_of_the_others(work: Work) -> None:
    project = work.project("ENG")
    existing = work.task(project, "Existing")
    before = copy.deepcopy(work.store)
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.batch(
            work.member,
            [
                create(project.id, "First"),
                BatchUpdate(task_id=existing.id, change=ChangeTask(title="Changed")),
                create(project.id, "   "),
                create(project.id, "Never"),
            ],
        )
    assert [e.field for e in caught.value.errors] == ["operations[2].title"]
    assert work.store.tasks == before.tasks
    assert work.store.next_numbers == before.next_numbers
    assert work.store.events == before.events
    # The numbers the failed batch took are given out again.
    assert work.task(project).number == 2


def test_every_invalid_field_points_at_its_operation(work: Work) -> None:
    project = work.project("ENG")
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.batch(
            work.member,
            [create(project.id, "Fine"), create(project.id, "Bad", assignee_ids=[new_id()])],
        )
    assert [e.field for e in caught.value.errors] == ["operations[1].assignee_ids"]
    assert work.store.tasks == {}


def test_a_conflict_keeps_its_code_and_names_its_operation(work: Work) -> None:
    project = work.project("ENG")
    task, blocker = work.task(project), work.task(project)
    work.dependencies.add(work.member, task.id, blocker.id)
    before = copy.deepcopy(work.store)
    with pytest.raises(Conflict) as caught:
        work.tasks.batch(
            work.member,
            [
                BatchUpdate(task_id=blocker.id, change=ChangeTask(title="Still open")),
                BatchUpdate(task_id=task.id, change=ChangeTask(status=TaskStatus.DONE)),
            ],
        )
    assert caught.value.code == "blocked_by_dependencies"
    assert caught.value.detail.startswith("operations[1]")
    assert work.store.tasks == before.tasks
    assert work.store.events == before.events


def test_an_archived_project_in_a_batch_fails_the_batch(work: Work) -> None:
    live = work.project("ENG")
    archived = work.project("OLD", status=ProjectStatus.ARCHIVED)
    with pytest.raises(Conflict) as caught:
        work.tasks.batch(work.member, [create(live.id, "Fine"), create(archived.id, "Refused")])
    assert caught.value.code == "project_archived"
    assert caught.value.detail.startswith("operations[1]")
    assert work.store.tasks == {}


def test_an_unknown_task_fails_the_batch_as_not_found(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    with pytest.raises(NotFound) as caught:
        work.tasks.batch(
            work.member,
            [
                BatchDelete(task_id=task.id),
                BatchDelete(task_id=task.id),
            ],
        )
    assert caught.value.detail.startswith("operations[1]")
    assert work.stored_task(task.id).deleted_at is None


def test_more_than_the_limit_is_refused_before_anything_runs(work: Work) -> None:
    project = work.project("ENG")
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.batch(
            work.member, [create(project.id, f"task {n}") for n in range(MAX_BATCH + 1)]
        )
    assert [e.field for e in caught.value.errors] == ["operations"]
    assert work.store.tasks == {}


def test_the_limit_itself_is_accepted(work: Work) -> None:
    project = work.project("ENG")
    results = work.tasks.batch(
        work.member, [create(project.id, f"task {n}") for n in range(MAX_BATCH)]
    )
    assert MAX_BATCH == 100
    assert len(results) == 100
    assert sorted(t.number for t in work.store.tasks.values()) == list(range(1, 101))
