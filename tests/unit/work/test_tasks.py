"""Creating, reading, changing, deleting and restoring tasks, through fakes of the ports."""

import copy
from datetime import timedelta

import pytest

from taskhub.contexts.work.application.ports import TaskFilter, TaskSort
from taskhub.contexts.work.application.projects import ChangeProject
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.errors import ParentCycle
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.shared_kernel.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.unit.work.conftest import START, Work


def fields_of(error: ValidationFailed) -> list[str]:
    return [e.field for e in error.errors]


def test_a_created_task_is_stored_with_defaults_and_read(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project, "Write the spec")
    stored = work.stored_task(task.id)
    assert (stored.org_id, stored.project_id, stored.title, stored.description) == (
        work.org_id,
        project.id,
        "Write the spec",
        "",
    )
    assert (stored.status, stored.priority, stored.due_at, stored.parent_id) == (
        TaskStatus.TODO,
        Priority.MEDIUM,
        None,
        None,
    )
    assert (stored.assignee_ids, stored.label_ids) == (frozenset(), frozenset())
    assert (stored.created_by, stored.created_at, stored.updated_at, stored.version) == (
        work.member.user_id,
        START,
        START,
        1,
    )
    assert work.tasks.get(work.member, task.id) == stored


def test_a_created_task_takes_every_field(work: Work) -> None:
    project = work.project("ENG")
    parent = work.task(project, "Parent")
    assignee = work.join(Role.VIEWER)
    label = work.label()
    due = START + timedelta(days=3)
    task = work.task(
        project,
        "Child",
        description="The details",
        status=TaskStatus.IN_PROGRESS,
        priority=Priority.URGENT,
        due_at=due,
        parent_id=parent.id,
        assignee_ids=[assignee.user_id, work.member.user_id],
        label_ids=[label.id],
    )
    stored = work.stored_task(task.id)
    assert (stored.description, stored.status, stored.priority, stored.due_at) == (
        "The details",
        TaskStatus.IN_PROGRESS,
        Priority.URGENT,
        due,
    )
    assert stored.parent_id == parent.id
    assert stored.assignee_ids == frozenset({assignee.user_id, work.member.user_id})
    assert stored.label_ids == frozenset({label.id})


def test_numbers_count_per_project_and_make_the_key(work: Work) -> None:
    eng, ops = work.project("ENG"), work.project("OPS")
    first, second = work.task(eng), work.task(eng)
    ops_first = work.task(ops)
    third = work.task(eng)
    assert [t.number for t in (first, second, third)] == [1, 2, 3]
    assert ops_first.number == 1
    assert (third.key, ops_first.key) == ("ENG-3", "OPS-1")
    assert work.tasks.get(work.member, third.id).key == "ENG-3"
    assert work.stored_task(third.id).snapshot()["key"] == "ENG-3"


def test_numbers_are_never_reused_after_a_delete(work: Work) -> None:
    project = work.project("ENG")
    work.task(project)
    second = work.task(project)
    work.tasks.delete(work.member, second.id, expected_version=None)
    assert work.task(project).number == 3
    work.tasks.restore(work.admin, second.id)
    assert work.task(project).number == 4
    assert sorted(t.number for t in work.store.tasks.values()) == [1, 2, 3, 4]


def test_a_refused_task_uses_up_no_number(work: Work) -> None:
    project = work.project("ENG")
    with pytest.raises(ValidationFailed):
        work.task(project, "   ")
    with pytest.raises(ValidationFailed):
        work.task(project, assignee_ids=[new_id()])
    assert work.task(project).number == 1


def test_a_task_key_follows_its_projects_key(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    work.projects.change(work.admin, project.id, ChangeProject(key="CORE"))
    assert work.tasks.get(work.member, task.id).key == "CORE-1"
    assert work.task(project).key == "CORE-2"


def test_a_blank_title_is_refused_on_the_title_field(work: Work) -> None:
    project = work.project("ENG")
    with pytest.raises(ValidationFailed) as caught:
        work.task(project, " ")
    assert fields_of(caught.value) == ["title"]
    assert work.store.tasks == {}


@pytest.mark.parametrize("deleted", [False, True])
def test_the_project_must_be_a_live_one_of_the_organization(work: Work, deleted: bool) -> None:
    if deleted:
        project = work.project("ENG")
        work.projects.delete(work.admin, project.id, expected_version=None)
        project_id = project.id
    else:
        project_id = work.project("ENG", actor=work.join(Role.ADMIN, org_id=new_id())).id
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.create(work.member, CreateTask(project_id=project_id, title="X"))
    assert fields_of(caught.value) == ["project_id"]
    assert work.store.tasks == {}


def test_the_parent_must_be_a_live_task_of_the_same_project(work: Work) -> None:
    eng, ops = work.project("ENG"), work.project("OPS")
    other_project_task = work.task(ops)
    gone = work.task(eng)
    work.tasks.delete(work.member, gone.id, expected_version=None)
    elsewhere = work.task(
        work.project("ENG", actor=work.join(Role.ADMIN, org_id=(other := new_id()))),
        actor=work.join(org_id=other),
    )
    for parent_id in (other_project_task.id, gone.id, elsewhere.id, new_id()):
        with pytest.raises(ValidationFailed) as caught:
            work.task(eng, parent_id=parent_id)
        assert fields_of(caught.value) == ["parent_id"]
    task = work.task(eng)
    before = copy.deepcopy(work.store)
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.change(work.member, task.id, ChangeTask(parent_id=other_project_task.id))
    assert fields_of(caught.value) == ["parent_id"]
    assert work.store.tasks == before.tasks


def test_a_parent_of_the_same_project_is_kept_and_can_be_removed(work: Work) -> None:
    project = work.project("ENG")
    parent, child = work.task(project), work.task(project)
    work.tasks.change(work.member, child.id, ChangeTask(parent_id=parent.id))
    assert work.stored_task(child.id).parent_id == parent.id
    found = work.tasks.find(work.member, TaskFilter(parent_id=parent.id), PageRequest())
    assert [t.id for t in found.items] == [child.id]
    work.tasks.change(work.member, child.id, ChangeTask(parent_id=None))
    assert work.stored_task(child.id).parent_id is None


def test_a_task_cannot_be_its_own_parent(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    with pytest.raises(ParentCycle):
        work.tasks.change(work.member, task.id, ChangeTask(parent_id=task.id))
    assert work.stored_task(task.id).parent_id is None


def test_a_parent_cycle_is_refused(work: Work) -> None:
    project = work.project("ENG")
    parent = work.task(project)
    child = work.task(project, parent_id=parent.id)
    before = copy.deepcopy(work.store)
    with pytest.raises(ParentCycle) as caught:
        work.tasks.change(work.member, parent.id, ChangeTask(parent_id=child.id))
    assert caught.value.code == "parent_cycle"
    assert work.store.tasks == before.tasks
    assert work.store.events == before.events


def test_a_parent_cycle_through_a_long_chain_is_refused(work: Work) -> None:
    project = work.project("ENG")
    chain = [work.task(project, "root")]
    for n in range(6):
        chain.append(work.task(project, f"level {n + 1}", parent_id=chain[-1].id))
    before = copy.deepcopy(work.store)
    with pytest.raises(ParentCycle):
        work.tasks.change(work.member, chain[0].id, ChangeTask(parent_id=chain[-1].id))
    with pytest.raises(ParentCycle):
        work.tasks.change(work.member, chain[2].id, ChangeTask(parent_id=chain[5].id))
    assert work.store.tasks == before.tasks
    # Moving a subtree under a task outside it is fine.
    side = work.task(project, "side")
    work.tasks.change(work.member, chain[3].id, ChangeTask(parent_id=side.id))
    assert work.stored_task(chain[3].id).parent_id == side.id
    work.tasks.change(work.member, side.id, ChangeTask(parent_id=chain[1].id))
    assert work.stored_task(side.id).parent_id == chain[1].id


def test_assignees_must_be_members_of_the_organization(work: Work) -> None:
    project = work.project("ENG")
    outsider = new_id()
    member_elsewhere = work.join(org_id=new_id())
    for stranger in (outsider, member_elsewhere.user_id):
        with pytest.raises(ValidationFailed) as caught:
            work.task(project, assignee_ids=[work.member.user_id, stranger])
        assert fields_of(caught.value) == ["assignee_ids"]
        assert str(stranger) in caught.value.errors[0].message
    assert work.store.tasks == {}
    viewer = work.join(Role.VIEWER)
    task = work.task(project, assignee_ids=[viewer.user_id])
    before = copy.deepcopy(work.store)
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.change(work.member, task.id, ChangeTask(assignee_ids=[viewer.user_id, outsider]))
    assert fields_of(caught.value) == ["assignee_ids"]
    assert work.store.tasks == before.tasks


@pytest.mark.parametrize("field", ["assignee_ids", "label_ids"])
def test_more_than_20_ids_are_refused_before_any_is_looked_up(work: Work, field: str) -> None:
    project = work.project("ENG")
    people = [work.join(Role.MEMBER).user_id for _ in range(21)]
    ids = people if field == "assignee_ids" else [work.label(f"l{i}").id for i in range(21)]
    with pytest.raises(ValidationFailed) as caught:
        work.task(project, **{field: ids})
    assert [(e.field, e.message) for e in caught.value.errors] == [
        (field, "must have at most 20 items")
    ]
    assert work.store.tasks == {}
    assert work.task(project, **{field: ids[:20]}).title


def test_labels_must_be_live_labels_of_the_organization(work: Work) -> None:
    project = work.project("ENG")
    bug = work.label("bug")
    gone = work.label("gone")
    work.labels.delete(work.member, gone.id, expected_version=None)
    other = work.join(org_id=new_id())
    foreign = work.labels.create(other, name="bug", color="#000000")
    for label_id in (gone.id, foreign.id, new_id()):
        with pytest.raises(ValidationFailed) as caught:
            work.task(project, label_ids=[bug.id, label_id])
        assert fields_of(caught.value) == ["label_ids"]
        assert str(label_id) in caught.value.errors[0].message
    assert work.store.tasks == {}
    task = work.task(project, label_ids=[bug.id])
    before = copy.deepcopy(work.store)
    with pytest.raises(ValidationFailed) as caught:
        work.tasks.change(work.member, task.id, ChangeTask(label_ids=[gone.id]))
    assert fields_of(caught.value) == ["label_ids"]
    assert work.store.tasks == before.tasks


def test_changes_are_stored_with_a_new_version(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    work.clock.advance(minutes=3)
    changed = work.tasks.change(
        work.member,
        task.id,
        ChangeTask(
            title="Renamed",
            priority=Priority.LOW,
            assignee_ids=[work.member.user_id],
            expected_version=1,
        ),
    )
    stored = work.stored_task(task.id)
    assert changed == stored
    assert (stored.title, stored.priority, stored.version) == ("Renamed", Priority.LOW, 2)
    assert stored.assignee_ids == frozenset({work.member.user_id})
    assert stored.updated_at == START + timedelta(minutes=3)
    assert stored.created_at == START


def test_a_change_to_nothing_new_keeps_the_version(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project, "Same")
    work.tasks.change(work.member, task.id, ChangeTask(title="Same", expected_version=1))
    assert work.stored_task(task.id).version == 1
    assert work.actions() == ["project.created", *["state.created"] * 5, "task.created"]


def test_a_stale_version_is_refused_and_changes_nothing(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    work.tasks.change(work.member, task.id, ChangeTask(title="Second", expected_version=1))
    before = copy.deepcopy(work.store)
    with pytest.raises(PreconditionFailed):
        work.tasks.change(work.member, task.id, ChangeTask(title="Third", expected_version=1))
    with pytest.raises(PreconditionFailed):
        work.tasks.delete(work.member, task.id, expected_version=1)
    assert work.store.tasks == before.tasks
    assert work.store.events == before.events
    work.tasks.delete(work.member, task.id, expected_version=2)
    assert work.stored_task(task.id).deleted_at is not None


def test_a_deleted_task_is_gone_until_restored(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project, "Doomed")
    work.clock.advance(minutes=1)
    work.tasks.delete(work.member, task.id, expected_version=None)
    stored = work.stored_task(task.id)
    assert (stored.deleted_at, stored.version) == (START + timedelta(minutes=1), 2)
    with pytest.raises(NotFound):
        work.tasks.get(work.member, task.id)
    with pytest.raises(NotFound):
        work.tasks.change(work.member, task.id, ChangeTask(title="X"))
    with pytest.raises(NotFound):
        work.tasks.delete(work.member, task.id, expected_version=None)
    assert work.tasks.find(work.member, TaskFilter(), PageRequest()).items == []

    work.clock.advance(minutes=1)
    restored = work.tasks.restore(work.admin, task.id)
    assert restored == work.stored_task(task.id)
    assert (restored.deleted_at, restored.version, restored.number) == (None, 3, 1)
    assert work.tasks.get(work.member, task.id) == restored
    found = work.tasks.find(work.member, TaskFilter(text="doomed"), PageRequest())
    assert [t.id for t in found.items] == [task.id]


def test_restoring_a_live_task_changes_nothing(work: Work) -> None:
    task = work.task(work.project("ENG"))
    assert work.tasks.restore(work.admin, task.id) == work.stored_task(task.id)
    assert work.stored_task(task.id).version == 1
    assert work.actions() == ["project.created", *["state.created"] * 5, "task.created"]


def test_a_task_of_a_deleted_project_is_restored_only_after_its_project(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    work.tasks.delete(work.member, task.id, expected_version=None)
    work.projects.delete(work.admin, project.id, expected_version=None)
    before = copy.deepcopy(work.store)
    with pytest.raises(Conflict) as caught:
        work.tasks.restore(work.admin, task.id)
    assert caught.value.code == "project_deleted"
    assert work.store.tasks == before.tasks
    assert work.store.events == before.events
    work.projects.restore(work.admin, project.id)
    assert work.tasks.restore(work.admin, task.id).deleted_at is None


def test_unknown_tasks_and_tasks_of_other_organizations_are_not_found(work: Work) -> None:
    task = work.task(work.project("ENG"))
    stranger = work.join(Role.ADMIN, org_id=new_id())
    for actor, task_id in [(stranger, task.id), (work.member, new_id())]:
        with pytest.raises(NotFound):
            work.tasks.get(actor, task_id)
        with pytest.raises(NotFound):
            work.tasks.change(actor, task_id, ChangeTask(title="X"))
        with pytest.raises(NotFound):
            work.tasks.delete(actor, task_id, expected_version=None)
        with pytest.raises(NotFound):
            work.tasks.restore(actor, task_id)
    assert work.tasks.find(stranger, TaskFilter(), PageRequest()).items == []
    assert work.stored_task(task.id).version == 1


def test_tasks_are_found_by_filter_newest_first_in_pages(work: Work) -> None:
    eng, ops = work.project("ENG"), work.project("OPS")
    priorities = [Priority.LOW, Priority.URGENT, Priority.MEDIUM, Priority.HIGH]
    for n, project in enumerate([eng, ops, eng, eng]):
        work.task(project, f"task {n}", priority=priorities[n])
        work.clock.advance(minutes=1)
    first = work.tasks.find(work.member, TaskFilter(project_id=eng.id), PageRequest(limit=2))
    rest = work.tasks.find(
        work.member, TaskFilter(project_id=eng.id), PageRequest(limit=2, after=first.next_after)
    )
    assert [t.title for t in first.items] == ["task 3", "task 2"]
    assert [t.title for t in rest.items] == ["task 0"]
    by_priority = work.tasks.find(
        work.member, TaskFilter(sort=TaskSort.PRIORITY_DESC), PageRequest()
    )
    assert [t.title for t in by_priority.items] == ["task 1", "task 3", "task 2", "task 0"]


def test_an_on_hold_project_still_takes_tasks(work: Work) -> None:
    project = work.project("ENG", status=ProjectStatus.ON_HOLD)
    assert work.task(project).number == 1


def test_tasks_of_a_deleted_project_disappear_and_return_with_it(work: Work) -> None:
    project = work.projects.create(
        work.admin, key="GONE", name="Gone", description="", status=ProjectStatus.ACTIVE
    )
    task = work.tasks.create(work.member, CreateTask(project_id=project.id, title="Orphan"))
    work.projects.delete(work.admin, project.id, None)
    with pytest.raises(NotFound):
        work.tasks.get(work.member, task.id)
    assert work.tasks.find(work.member, TaskFilter(), PageRequest()).items == []
    work.projects.restore(work.admin, project.id)
    assert work.tasks.get(work.member, task.id).title == "Orphan"
