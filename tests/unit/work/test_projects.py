"""Creating, reading, changing, deleting and restoring projects, through fakes of the ports."""

import copy

import pytest

from taskhub.contexts.work.application.projects import ChangeProject
from taskhub.contexts.work.domain.errors import ProjectKeyTaken
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.shared_kernel.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.unit.work.conftest import START, Work


def test_a_created_project_is_stored_and_read(work: Work) -> None:
    project = work.projects.create(
        work.admin,
        key="ENG",
        name="Engineering",
        description="Builds it",
        status=ProjectStatus.ACTIVE,
    )
    stored = work.store.projects[project.id]
    assert (stored.org_id, stored.key, stored.name, stored.description, stored.status) == (
        work.org_id,
        "ENG",
        "Engineering",
        "Builds it",
        ProjectStatus.ACTIVE,
    )
    assert (stored.created_at, stored.updated_at, stored.version) == (START, START, 1)
    assert work.projects.get(work.member, project.id) == stored


@pytest.mark.parametrize(
    "key",
    ["E", "ENGINEERING", "eng", "Eng", "1ENG", "EN-G", "EN G", "ÉNG", "ENG ", "", "ENG\n"],
)
def test_a_malformed_key_is_refused_on_the_key_field(work: Work, key: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        work.project(key)
    assert [e.field for e in caught.value.errors] == ["key"]
    assert work.store.projects == {}
    assert work.store.events == []


@pytest.mark.parametrize("key", ["EN", "E1", "ABCDEFGHIJ", "A123456789", "ZZ"])
def test_a_well_formed_key_is_accepted(work: Work, key: str) -> None:
    project = work.project(key)
    assert work.store.projects[project.id].key == key


def test_a_blank_name_is_refused_on_the_name_field(work: Work) -> None:
    with pytest.raises(ValidationFailed) as caught:
        work.projects.create(
            work.admin, key="ENG", name="  ", description="", status=ProjectStatus.ACTIVE
        )
    assert [e.field for e in caught.value.errors] == ["name"]
    assert work.store.projects == {}


def test_a_taken_key_is_refused_within_the_organization_only(work: Work) -> None:
    first = work.project("ENG")
    with pytest.raises(ProjectKeyTaken) as caught:
        work.project("ENG")
    assert isinstance(caught.value, Conflict)
    assert caught.value.code == "project_key_taken"
    assert list(work.store.projects) == [first.id]
    elsewhere = work.project("ENG", actor=work.join(Role.ADMIN, org_id=new_id()))
    assert set(work.store.projects) == {first.id, elsewhere.id}


def test_the_key_of_a_deleted_project_stays_taken(work: Work) -> None:
    project = work.project("ENG")
    work.projects.delete(work.admin, project.id, expected_version=None)
    with pytest.raises(ProjectKeyTaken):
        work.project("ENG")
    assert list(work.store.projects) == [project.id]


def test_changes_are_stored_with_a_new_version(work: Work) -> None:
    project = work.project("ENG")
    work.clock.advance(minutes=5)
    changed = work.projects.change(
        work.admin,
        project.id,
        ChangeProject(name="Core", key="CORE", status=ProjectStatus.ON_HOLD, expected_version=1),
    )
    stored = work.store.projects[project.id]
    assert changed == stored
    assert (stored.key, stored.name, stored.status, stored.version) == (
        "CORE",
        "Core",
        ProjectStatus.ON_HOLD,
        2,
    )
    assert stored.updated_at != stored.created_at


def test_a_change_to_nothing_new_keeps_the_version(work: Work) -> None:
    project = work.project("ENG")
    work.projects.change(work.admin, project.id, ChangeProject(key="ENG"))
    assert work.store.projects[project.id].version == 1
    assert work.actions() == ["project.created", *["state.created"] * 5]


def test_a_change_to_a_malformed_key_is_refused_on_the_key_field(work: Work) -> None:
    project = work.project("ENG")
    before = copy.deepcopy(work.store)
    with pytest.raises(ValidationFailed) as caught:
        work.projects.change(work.admin, project.id, ChangeProject(key="e-ng"))
    assert [e.field for e in caught.value.errors] == ["key"]
    assert work.store.projects == before.projects
    assert work.store.events == before.events


def test_a_change_to_a_taken_key_is_refused_and_changes_nothing(work: Work) -> None:
    work.project("OPS")
    project = work.project("ENG")
    before = copy.deepcopy(work.store)
    with pytest.raises(ProjectKeyTaken):
        work.projects.change(work.admin, project.id, ChangeProject(key="OPS", name="Ops too"))
    assert work.store.projects == before.projects
    assert work.store.events == before.events


def test_a_stale_version_is_refused_and_changes_nothing(work: Work) -> None:
    project = work.project("ENG")
    work.projects.change(work.admin, project.id, ChangeProject(name="Renamed", expected_version=1))
    before = copy.deepcopy(work.store)
    with pytest.raises(PreconditionFailed):
        work.projects.change(
            work.admin, project.id, ChangeProject(name="Again", expected_version=1)
        )
    with pytest.raises(PreconditionFailed):
        work.projects.delete(work.admin, project.id, expected_version=3)
    assert work.store.projects == before.projects
    assert work.store.events == before.events


def test_an_archived_project_takes_no_new_tasks(work: Work) -> None:
    project = work.project("ENG", status=ProjectStatus.ARCHIVED)
    with pytest.raises(Conflict) as caught:
        work.task(project)
    assert caught.value.code == "project_archived"
    assert work.store.tasks == {}
    assert work.store.next_numbers[project.id] == 0


def test_a_project_archived_later_takes_no_new_tasks_but_on_hold_does(work: Work) -> None:
    project = work.project("ENG")
    work.task(project)
    work.projects.change(work.admin, project.id, ChangeProject(status=ProjectStatus.ON_HOLD))
    work.task(project)
    work.projects.change(work.admin, project.id, ChangeProject(status=ProjectStatus.ARCHIVED))
    with pytest.raises(Conflict) as caught:
        work.task(project)
    assert caught.value.code == "project_archived"
    assert sorted(t.number for t in work.store.tasks.values()) == [1, 2]


def test_a_deleted_project_is_gone_until_restored(work: Work) -> None:
    project = work.project("ENG")
    work.clock.advance(minutes=1)
    work.projects.delete(work.admin, project.id, expected_version=1)
    stored = work.store.projects[project.id]
    assert stored.deleted_at is not None
    assert stored.version == 2
    with pytest.raises(NotFound):
        work.projects.get(work.member, project.id)
    with pytest.raises(NotFound):
        work.projects.change(work.admin, project.id, ChangeProject(name="X"))
    with pytest.raises(NotFound):
        work.projects.delete(work.admin, project.id, expected_version=None)
    assert work.projects.page(work.member, None, PageRequest()).items == []
    with pytest.raises(ValidationFailed) as caught:
        work.task(project)
    assert [e.field for e in caught.value.errors] == ["project_id"]

    restored = work.projects.restore(work.admin, project.id)
    assert restored.deleted_at is None
    assert work.store.projects[project.id] == restored
    assert restored.version == 3
    assert work.projects.get(work.member, project.id) == restored
    assert work.task(project).number == 1


def test_restoring_a_live_project_changes_nothing(work: Work) -> None:
    project = work.project("ENG")
    assert work.projects.restore(work.admin, project.id) == work.store.projects[project.id]
    assert work.store.projects[project.id].version == 1
    assert work.actions() == ["project.created", *["state.created"] * 5]


def test_projects_of_other_organizations_are_not_found(work: Work) -> None:
    project = work.project("ENG")
    stranger = work.join(Role.ADMIN, org_id=new_id())
    with pytest.raises(NotFound):
        work.projects.get(stranger, project.id)
    with pytest.raises(NotFound):
        work.projects.restore(stranger, project.id)
    assert work.projects.page(stranger, None, PageRequest()).items == []


def test_projects_are_listed_oldest_first_and_by_status(work: Work) -> None:
    for key, status in [
        ("ENG", ProjectStatus.ACTIVE),
        ("OPS", ProjectStatus.ARCHIVED),
        ("WEB", ProjectStatus.ACTIVE),
        ("APP", ProjectStatus.ON_HOLD),
    ]:
        work.project(key, status=status)
        work.clock.advance(minutes=1)
    first = work.projects.page(work.member, None, PageRequest(limit=3))
    rest = work.projects.page(work.member, None, PageRequest(limit=3, after=first.next_after))
    active = work.projects.page(work.member, ProjectStatus.ACTIVE, PageRequest())
    assert [p.key for p in first.items] == ["ENG", "OPS", "WEB"]
    assert [p.key for p in rest.items] == ["APP"]
    assert rest.next_after is None
    assert [p.key for p in active.items] == ["ENG", "WEB"]
