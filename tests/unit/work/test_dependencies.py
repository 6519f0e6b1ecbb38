"""Dependencies between tasks, and the rule that a task waits for its blockers to close."""

import contextlib
import copy

import pytest

from taskhub.contexts.work.application.task_commands import ChangeTask
from taskhub.contexts.work.domain.errors import BlockedByDependencies, DependencyCycle
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.shared_kernel.errors import Conflict, NotFound, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role
from tests.unit.work.conftest import Work


def tasks_of(work: Work, count: int) -> tuple[Project, list[Task]]:
    project = work.project("ENG")
    return project, [work.task(project, f"task {n}") for n in range(count)]


def blocker_ids(work: Work, task: Task) -> set[str]:
    return {str(t.id) for t in work.dependencies.blockers(work.member, task.id)}


def dependency_rows(work: Work) -> set[tuple[object, object]]:
    return set(work.store.dependencies)


def test_a_dependency_is_added_and_listed(work: Work) -> None:
    _, (a, b, c) = tasks_of(work, 3)
    returned = work.dependencies.add(work.member, a.id, b.id)
    work.dependencies.add(work.member, a.id, c.id)
    assert returned == work.stored_task(b.id)
    assert dependency_rows(work) == {(a.id, b.id), (a.id, c.id)}
    assert blocker_ids(work, a) == {str(b.id), str(c.id)}
    assert blocker_ids(work, b) == set()


def test_a_task_cannot_depend_on_itself(work: Work) -> None:
    _, (a,) = tasks_of(work, 1)
    with pytest.raises(ValidationFailed) as caught:
        work.dependencies.add(work.member, a.id, a.id)
    assert [e.field for e in caught.value.errors] == ["depends_on_id"]
    assert dependency_rows(work) == set()


def test_a_dependency_stays_within_one_project(work: Work) -> None:
    _, (a, gone) = tasks_of(work, 2)
    other_project_task = work.task(work.project("OPS"))
    work.tasks.delete(work.member, gone.id, expected_version=None)
    foreign = work.task(
        work.project("ENG", actor=work.join(Role.ADMIN, org_id=(other := new_id()))),
        actor=work.join(org_id=other),
    )
    for depends_on_id in (other_project_task.id, gone.id, foreign.id, new_id()):
        with pytest.raises(ValidationFailed) as caught:
            work.dependencies.add(work.member, a.id, depends_on_id)
        assert [e.field for e in caught.value.errors] == ["depends_on_id"]
    assert dependency_rows(work) == set()


def test_a_direct_cycle_is_refused(work: Work) -> None:
    _, (a, b) = tasks_of(work, 2)
    work.dependencies.add(work.member, a.id, b.id)
    before = copy.deepcopy(work.store)
    with pytest.raises(DependencyCycle) as caught:
        work.dependencies.add(work.member, b.id, a.id)
    assert caught.value.code == "dependency_cycle"
    assert isinstance(caught.value, Conflict)
    assert dependency_rows(work) == {(a.id, b.id)}
    assert work.store.events == before.events


def test_a_transitive_cycle_is_refused(work: Work) -> None:
    _, (a, b, c, d, e) = tasks_of(work, 5)
    for waiting, blocker in [(a, b), (b, c), (c, d), (b, e)]:
        work.dependencies.add(work.member, waiting.id, blocker.id)
    before = dependency_rows(work)
    for waiting, blocker in [(d, a), (e, a), (c, a), (d, b)]:
        with pytest.raises(DependencyCycle):
            work.dependencies.add(work.member, waiting.id, blocker.id)
    assert dependency_rows(work) == before
    # Converging paths are no cycle.
    work.dependencies.add(work.member, a.id, d.id)
    work.dependencies.add(work.member, e.id, d.id)
    assert dependency_rows(work) == before | {(a.id, d.id), (e.id, d.id)}


def test_a_duplicate_dependency_is_refused(work: Work) -> None:
    _, (a, b) = tasks_of(work, 2)
    work.dependencies.add(work.member, a.id, b.id)
    events = len(work.store.events)
    with pytest.raises(Conflict) as caught:
        work.dependencies.add(work.member, a.id, b.id)
    assert caught.value.code == "dependency_exists"
    assert dependency_rows(work) == {(a.id, b.id)}
    assert len(work.store.events) == events


def test_a_dependency_is_removed_once(work: Work) -> None:
    _, (a, b) = tasks_of(work, 2)
    work.dependencies.add(work.member, a.id, b.id)
    work.dependencies.remove(work.member, a.id, b.id)
    assert dependency_rows(work) == set()
    with pytest.raises(NotFound):
        work.dependencies.remove(work.member, a.id, b.id)
    # Removed, it no longer stands in the way of the reverse dependency.
    work.dependencies.add(work.member, b.id, a.id)
    assert dependency_rows(work) == {(b.id, a.id)}


def test_dependencies_of_unknown_or_foreign_tasks_are_not_found(work: Work) -> None:
    _, (a, b) = tasks_of(work, 2)
    stranger = work.join(org_id=new_id())
    with pytest.raises(NotFound):
        work.dependencies.add(stranger, a.id, b.id)
    with pytest.raises(NotFound):
        work.dependencies.blockers(stranger, a.id)
    with pytest.raises(NotFound):
        work.dependencies.add(work.member, new_id(), b.id)
    assert dependency_rows(work) == set()


def test_a_task_cannot_be_done_while_a_blocker_is_open(work: Work) -> None:
    _, (task, blocker, other) = tasks_of(work, 3)
    work.dependencies.add(work.member, task.id, blocker.id)
    work.dependencies.add(work.member, task.id, other.id)
    work.tasks.change(work.member, other.id, ChangeTask(status=TaskStatus.DONE))
    for status in (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW):
        work.tasks.change(work.member, blocker.id, ChangeTask(status=status))
        before = copy.deepcopy(work.store)
        with pytest.raises(BlockedByDependencies) as caught:
            work.tasks.change(
                work.member, task.id, ChangeTask(status=TaskStatus.DONE, title="Done?")
            )
        assert caught.value.code == "blocked_by_dependencies"
        assert work.store.tasks == before.tasks
        assert work.store.events == before.events
    # Other states stay open to it.
    work.tasks.change(work.member, task.id, ChangeTask(status=TaskStatus.IN_REVIEW))
    assert work.stored_task(task.id).status is TaskStatus.IN_REVIEW


@pytest.mark.parametrize("closing", ["done", "cancelled", "deleted", "removed"])
def test_a_task_can_be_done_once_its_blocker_is_out_of_the_way(work: Work, closing: str) -> None:
    _, (task, blocker) = tasks_of(work, 2)
    work.dependencies.add(work.member, task.id, blocker.id)
    if closing == "deleted":
        work.tasks.delete(work.member, blocker.id, expected_version=None)
    elif closing == "removed":
        work.dependencies.remove(work.member, task.id, blocker.id)
    else:
        work.tasks.change(work.member, blocker.id, ChangeTask(status=TaskStatus(closing)))
    work.tasks.change(work.member, task.id, ChangeTask(status=TaskStatus.DONE))
    assert work.stored_task(task.id).status is TaskStatus.DONE


def test_a_reopened_blocker_blocks_again(work: Work) -> None:
    _, (task, blocker) = tasks_of(work, 2)
    work.dependencies.add(work.member, task.id, blocker.id)
    work.tasks.delete(work.member, blocker.id, expected_version=None)
    work.tasks.restore(work.admin, blocker.id)
    with pytest.raises(BlockedByDependencies):
        work.tasks.change(work.member, task.id, ChangeTask(status=TaskStatus.DONE))
    assert work.stored_task(task.id).status is TaskStatus.TODO


def test_a_done_task_may_be_saved_again_while_blocked(work: Work) -> None:
    _, (task, blocker) = tasks_of(work, 2)
    work.tasks.change(work.member, task.id, ChangeTask(status=TaskStatus.DONE))
    work.dependencies.add(work.member, task.id, blocker.id)
    work.tasks.change(work.member, task.id, ChangeTask(status=TaskStatus.DONE, title="Kept"))
    assert work.stored_task(task.id).title == "Kept"


def live_cycle(work: Work) -> bool:
    """Does any live task wait, through live tasks, on itself?"""
    live = {t.id for t in work.store.tasks.values() if t.deleted_at is None}
    edges: dict[object, set[object]] = {}
    for waiting, blocker in work.store.dependencies:
        if waiting in live and blocker in live:
            edges.setdefault(waiting, set()).add(blocker)

    def reaches(start: object, target: object, seen: set[object]) -> bool:
        for nxt in edges.get(start, set()):
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    return any(reaches(task_id, task_id, set()) for task_id in live)


def test_restoring_a_task_never_closes_a_dependency_cycle(work: Work) -> None:
    _, (a, b, c) = tasks_of(work, 3)
    work.dependencies.add(work.member, a.id, b.id)
    work.dependencies.add(work.member, b.id, c.id)
    work.tasks.delete(work.member, b.id, expected_version=None)
    # One of the two steps must refuse: either the dependency that would close the
    # cycle once b is back, or bringing b back.
    with contextlib.suppress(DependencyCycle):
        work.dependencies.add(work.member, c.id, a.id)
    with contextlib.suppress(Conflict):
        work.tasks.restore(work.admin, b.id)
    assert not live_cycle(work)
