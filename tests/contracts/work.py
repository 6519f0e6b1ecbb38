"""The contract every implementation of work's repositories keeps.

Run against the in-memory fakes (tests/unit) and the SQL adapters on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.

Text search cases use whole words only: the databases' full-text engines match words,
not substrings.
"""

import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs
import pytest

from taskhub.contexts.work.application.ports import (
    TaskFilter,
    TaskSort,
    TaskSummary,
    WorkUnitOfWork,
)
from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.errors import ProjectKeyTaken
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

T = TypeVar("T")

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
AUTHOR = uuid.UUID(int=0xA)

UowFactory = UnitOfWorkFactory[WorkUnitOfWork]


def uid(n: int) -> uuid.UUID:
    """An id whose first and last bytes are `n`, so order by id is easy to read."""
    return uuid.UUID(int=(n << 120) | n)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


# Timestamps and ids chosen so that insertion order, timestamp order and id order all
# differ, and three items share one timestamp: the sorted order is by (time, id).
#                 label  minutes  id
ORDERING_CASES = [
    ("x", 1, uid(0x10)),
    ("y", 0, uid(0x90)),
    ("z", 0, uid(0x30)),
    ("w", 2, uid(0x05)),
    ("v", 0, uid(0xF0)),
]
SORTED_LABELS = ["z", "y", "v", "x", "w"]


def new_project(
    org_id: uuid.UUID,
    key: str = "ENG",
    *,
    status: ProjectStatus = ProjectStatus.ACTIVE,
    created_at: datetime = NOW,
    project_id: uuid.UUID | None = None,
    name: str | None = None,
) -> Project:
    return Project(
        id=project_id or new_id(),
        org_id=org_id,
        key=key,
        name=name or f"Project {key}",
        description=f"About {key}",
        status=status,
        created_at=created_at,
        updated_at=created_at,
    )


def new_task(
    project: Project,
    number: int,
    *,
    title: str = "A task",
    description: str = "",
    status: TaskStatus = TaskStatus.TODO,
    priority: Priority = Priority.MEDIUM,
    due_at: datetime | None = None,
    parent_id: uuid.UUID | None = None,
    assignee_ids: Collection[uuid.UUID] = (),
    label_ids: Collection[uuid.UUID] = (),
    created_at: datetime = NOW,
    updated_at: datetime | None = None,
    task_id: uuid.UUID | None = None,
) -> Task:
    return Task(
        id=task_id or new_id(),
        org_id=project.org_id,
        project_id=project.id,
        project_key=project.key,
        number=number,
        title=title,
        description=description,
        status=status,
        priority=priority,
        due_at=due_at,
        parent_id=parent_id,
        assignee_ids=frozenset(assignee_ids),
        label_ids=frozenset(label_ids),
        created_by=AUTHOR,
        created_at=created_at,
        updated_at=updated_at or created_at,
        state_id=state_id_of(project, status),
        rank=rank_of(number),
    )


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def rank_of(number: int) -> str:
    """A rank in number order, as migration 0017 writes them."""
    return "d" + "".join(_BASE62[(number // 62**p) % 62] for p in (3, 2, 1, 0))


def state_id_of(project: Project, status: TaskStatus) -> uuid.UUID:
    """The id `default_states` gives the project's state of this category."""
    return uuid.uuid5(project.id, status.value)


def default_states(project: Project) -> list[State]:
    return [
        State(
            id=state_id_of(project, category),
            org_id=project.org_id,
            project_id=project.id,
            name=category.value,
            category=category,
            color="#000000",
            position=position,
            created_at=project.created_at,
            updated_at=project.created_at,
        )
        for position, category in enumerate(TaskStatus)
    ]


def new_label(
    org_id: uuid.UUID,
    name: str,
    *,
    color: str = "#1f6feb",
    created_at: datetime = NOW,
    label_id: uuid.UUID | None = None,
) -> Label:
    return Label(
        id=label_id or new_id(),
        org_id=org_id,
        name=name,
        color=color,
        created_at=created_at,
        updated_at=created_at,
    )


def new_comment(
    task: Task,
    body: str,
    *,
    created_at: datetime = NOW,
    comment_id: uuid.UUID | None = None,
) -> Comment:
    return Comment(
        id=comment_id or new_id(),
        org_id=task.org_id,
        task_id=task.id,
        author_id=AUTHOR,
        body=body,
        created_at=created_at,
        updated_at=created_at,
    )


def all_pages(fetch: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Every page of a list, following `next_after` until it runs out."""
    pages: list[list[T]] = []
    after: tuple[str, ...] | None = None
    while len(pages) < 50:
        page = fetch(PageRequest(limit=limit, after=after))
        pages.append(page.items)
        if page.next_after is None:
            return pages
        after = page.next_after
    raise AssertionError("pagination does not end")


# Six tasks whose creation, update, due and priority orders all differ, with ties on
# each of them so the id decides.
#   label  created  updated  due    priority         id
SORT_CASES: list[tuple[str, int, int, int | None, Priority, uuid.UUID]] = [
    ("a", 0, 5, 30, Priority.LOW, uid(0x50)),
    ("b", 1, 1, None, Priority.URGENT, uid(0x20)),
    ("c", 0, 2, 10, Priority.MEDIUM, uid(0x10)),
    ("d", 2, 5, 10, Priority.HIGH, uid(0x40)),
    ("e", 1, 0, None, Priority.MEDIUM, uid(0x60)),
    ("f", 0, 3, 20, Priority.URGENT, uid(0x30)),
]
SORTED_BY = {
    TaskSort.CREATED: ["c", "f", "a", "b", "e", "d"],
    TaskSort.CREATED_DESC: ["d", "e", "b", "a", "f", "c"],
    TaskSort.UPDATED: ["e", "b", "c", "f", "d", "a"],
    TaskSort.UPDATED_DESC: ["a", "d", "f", "c", "b", "e"],
    TaskSort.PRIORITY: ["a", "c", "e", "d", "b", "f"],
    TaskSort.PRIORITY_DESC: ["f", "b", "d", "e", "c", "a"],
    # Without a due date last, in both directions.
    TaskSort.DUE: ["c", "d", "f", "a", "b", "e"],
    TaskSort.DUE_DESC: ["a", "f", "d", "c", "e", "b"],
    # Ranks follow the numbers here (as new tasks go last).
    TaskSort.RANK: ["a", "b", "c", "d", "e", "f"],
}

# Seven tasks sharing every timestamp and priority; three have no due date.
SAME_TIME_IDS = [uid(n) for n in (0x44, 0x11, 0x77, 0x22, 0x66, 0x33, 0x55)]
SAME_TIME_UNDATED = {uid(0x11), uid(0x66), uid(0x77)}


def _same_time_order(sort: TaskSort) -> list[uuid.UUID]:
    if sort is TaskSort.RANK:
        return list(SAME_TIME_IDS)  # numbered, hence ranked, in this order
    descending = sort.value.startswith("-")
    if sort in (TaskSort.DUE, TaskSort.DUE_DESC):
        dated = sorted(set(SAME_TIME_IDS) - SAME_TIME_UNDATED, reverse=descending)
        return dated + sorted(SAME_TIME_UNDATED, reverse=descending)
    return sorted(SAME_TIME_IDS, reverse=descending)


class WorkRepositoryContract:
    # What the implementation raises for a row its constraints refuse.
    refused_row: tuple[type[Exception], ...]

    # projects

    def _add(self, uow_factory: UowFactory, *items: Any) -> None:
        """Store projects, tasks, labels and comments (in that order) in one unit of work."""
        with uow_factory() as uow:
            for item in items:
                if isinstance(item, Project):
                    uow.projects.add(item)
                    uow.states.add_all(default_states(item))
                elif isinstance(item, Task):
                    uow.tasks.add(item)
                elif isinstance(item, Label):
                    uow.labels.add(item)
                else:
                    uow.comments.add(item)
            uow.commit()

    def _delete_project(self, uow_factory: UowFactory, project: Project) -> None:
        with uow_factory() as uow:
            loaded = uow.projects.get(project.org_id, project.id)
            assert loaded is not None
            loaded.delete(at(30))
            uow.projects.update(loaded)
            uow.commit()

    def _delete_task(self, uow_factory: UowFactory, task: Task) -> None:
        with uow_factory() as uow:
            loaded = uow.tasks.get(task.org_id, task.id)
            assert loaded is not None
            loaded.delete(at(30))
            uow.tasks.update(loaded)
            uow.commit()

    def _set_status(self, uow_factory: UowFactory, task: Task, status: TaskStatus) -> None:
        with uow_factory() as uow:
            loaded = uow.tasks.get(task.org_id, task.id)
            assert loaded is not None
            loaded.change(status=status, now=at(20))
            uow.tasks.update(loaded)
            uow.commit()

    def test_a_stored_project_reads_back_within_its_organization_only(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        project = new_project(org, "ENG", status=ProjectStatus.ON_HOLD)
        self._add(uow_factory, project)
        with uow_factory(read_only=True) as uow:
            loaded = uow.projects.get(org, project.id)
            assert uow.projects.get(other, project.id) is None
            assert uow.projects.get(org, new_id()) is None
        assert loaded == project
        assert loaded is not None
        assert (loaded.key, loaded.name, loaded.description, loaded.status) == (
            "ENG",
            "Project ENG",
            "About ENG",
            ProjectStatus.ON_HOLD,
        )
        assert (loaded.created_at, loaded.updated_at, loaded.version) == (NOW, NOW, 1)
        assert loaded.deleted_at is None

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        task = new_task(project, 1)
        label = new_label(org, "bug")
        with uow_factory() as uow:
            uow.projects.add(project)
            uow.states.add_all(default_states(project))
            uow.tasks.add(task)
            uow.labels.add(label)
            uow.comments.add(new_comment(task, "hello"))
        with uow_factory(read_only=True) as uow:
            assert uow.projects.get(org, project.id) is None
            assert uow.tasks.get(org, task.id) is None
            assert uow.labels.get(org, label.id) is None
            assert uow.comments.page(task.id, PageRequest()).items == []

    def test_a_project_key_is_unique_within_an_organization_only(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        first = new_project(org, "ENG")
        self._add(uow_factory, first)
        clash = new_project(org, "ENG")
        with uow_factory() as uow, pytest.raises(ProjectKeyTaken):
            uow.projects.add(clash)
        elsewhere = new_project(other, "ENG")
        self._add(uow_factory, elsewhere)
        with uow_factory(read_only=True) as uow:
            assert uow.projects.get(org, first.id) == first
            assert uow.projects.get(org, clash.id) is None
            assert uow.projects.get(other, elsewhere.id) == elsewhere

    def test_a_deleted_project_is_hidden_but_keeps_its_key(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org, "ENG")
        self._add(uow_factory, project)
        self._delete_project(uow_factory, project)
        with uow_factory(read_only=True) as uow:
            assert uow.projects.get(org, project.id) is None
            deleted = uow.projects.get(org, project.id, include_deleted=True)
            assert uow.projects.get(new_id(), project.id, include_deleted=True) is None
            assert uow.projects.page(org, None, PageRequest()).items == []
        assert deleted is not None
        assert (deleted.deleted_at, deleted.version) == (at(30), 2)
        with uow_factory() as uow, pytest.raises(ProjectKeyTaken):
            uow.projects.add(new_project(org, "ENG"))

    def test_project_updates_are_persisted(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org, "ENG")
        self._add(uow_factory, project)
        with uow_factory() as uow:
            loaded = uow.projects.get(org, project.id)
            assert loaded is not None
            loaded.change(key="CORE", name="Core", status=ProjectStatus.ARCHIVED, now=at(5))
            uow.projects.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.projects.get(org, project.id)
        assert again is not None
        assert (again.key, again.name, again.status, again.version) == (
            "CORE",
            "Core",
            ProjectStatus.ARCHIVED,
            2,
        )
        assert (again.created_at, again.updated_at) == (NOW, at(5))

    def test_a_project_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        self._add(uow_factory, project)
        with uow_factory() as uow:
            loaded = uow.projects.get(org, project.id)
            assert loaded is not None
            loaded.change(name="Forgotten", now=at(5))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.projects.get(org, project.id) == project

    def test_an_update_to_a_taken_key_is_refused_and_changes_nothing(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        gone = new_project(org, "OLD")
        project = new_project(org, "ENG")
        self._add(uow_factory, new_project(org, "OPS"), gone, project)
        self._delete_project(uow_factory, gone)
        for taken in ("OPS", "OLD"):
            with uow_factory() as uow:
                loaded = uow.projects.get(org, project.id)
                assert loaded is not None
                loaded.change(key=taken, now=at(5))
                with pytest.raises(ProjectKeyTaken):
                    uow.projects.update(loaded)
        with uow_factory() as uow:
            loaded = uow.projects.get(org, project.id)
            assert loaded is not None
            assert loaded.key == "ENG"
            loaded.change(name="Renamed", key="ENG", now=at(6))
            uow.projects.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.projects.get(org, project.id)
        assert again is not None
        assert (again.key, again.name) == ("ENG", "Renamed")

    def _projects_of_one_org(self, uow_factory: UowFactory) -> uuid.UUID:
        org = new_id()
        projects: list[Project] = []
        for index, (label, minutes, project_id) in enumerate(ORDERING_CASES):
            status = ProjectStatus.ARCHIVED if label == "y" else ProjectStatus.ACTIVE
            projects.append(
                new_project(
                    org,
                    f"K{index}",
                    name=label,
                    status=status,
                    created_at=at(minutes),
                    project_id=project_id,
                )
            )
        gone = new_project(org, "GONE", created_at=at(-1))
        self._add(uow_factory, *projects, gone, new_project(new_id(), "ELSE", created_at=at(-1)))
        self._delete_project(uow_factory, gone)
        return org

    def test_projects_are_listed_by_creation_then_id(self, uow_factory: UowFactory) -> None:
        org = self._projects_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            everything = uow.projects.page(org, None, PageRequest(limit=10))
            archived = uow.projects.page(org, ProjectStatus.ARCHIVED, PageRequest())
            active = uow.projects.page(org, ProjectStatus.ACTIVE, PageRequest())
            on_hold = uow.projects.page(org, ProjectStatus.ON_HOLD, PageRequest())
        assert [p.name for p in everything.items] == SORTED_LABELS
        assert everything.next_after is None
        assert [p.name for p in archived.items] == ["y"]
        assert [p.name for p in active.items] == ["z", "v", "x", "w"]
        assert on_hold.items == []

    def test_projects_come_in_pages(self, uow_factory: UowFactory) -> None:
        org = self._projects_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.projects.page(org, None, PageRequest(limit=2))
            pages = all_pages(lambda p: uow.projects.page(org, None, p), limit=2)
            active = all_pages(lambda p: uow.projects.page(org, ProjectStatus.ACTIVE, p), limit=3)
            exact = uow.projects.page(org, None, PageRequest(limit=5))
        last = first.items[-1]
        assert first.next_after == (last.created_at.isoformat(), str(last.id))
        assert [[p.name for p in page] for page in pages] == [["z", "y"], ["v", "x"], ["w"]]
        assert [[p.name for p in page] for page in active] == [["z", "v", "x"], ["w"]]
        assert exact.next_after is None

    def test_a_cursor_without_a_zone_is_read_as_utc(self, uow_factory: UowFactory) -> None:
        org = self._projects_of_one_org(uow_factory)
        naive = (at(0).replace(tzinfo=None).isoformat(), str(uid(0x90)))
        with uow_factory(read_only=True) as uow:
            page = uow.projects.page(org, None, PageRequest(limit=10, after=naive))
        assert [p.name for p in page.items] == ["v", "x", "w"]

    @pytest.mark.parametrize(
        "cursor",
        [
            ("2026-11-22T10:00:00+00:00",),
            ("2026-11-22T10:00:00+00:00", str(uid(1)), "extra"),
            ("yesterday", str(uid(1))),
            ("2026-11-22T10:00:00+00:00", "not-an-id"),
        ],
    )
    def test_a_cursor_from_another_list_is_refused(
        self, uow_factory: UowFactory, cursor: tuple[str, ...]
    ) -> None:
        org = self._projects_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            for fetch in (
                lambda p: uow.projects.page(org, None, p),
                lambda p: uow.labels.page(org, p),
                lambda p: uow.comments.page(new_id(), p),
            ):
                with pytest.raises(ValidationFailed) as raised:
                    fetch(PageRequest(after=cursor))
                assert [e.field for e in raised.value.errors] == ["cursor"]

    def test_task_numbers_are_allocated_per_project_and_counted_on(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        self._add(uow_factory, eng, ops)
        with uow_factory() as uow:
            numbers = [uow.projects.allocate_number(eng.id) for _ in range(3)]
            numbers.append(uow.projects.allocate_number(ops.id))
            uow.commit()
        assert numbers == [1, 2, 3, 1]
        with uow_factory() as uow:
            assert uow.projects.allocate_number(eng.id) == 4
            # Not committed: the counter goes back.
        with uow_factory() as uow:
            assert uow.projects.allocate_number(eng.id) == 4
            assert uow.projects.allocate_number(ops.id) == 2
            uow.commit()
        self._delete_project(uow_factory, eng)
        with uow_factory() as uow:
            assert uow.projects.allocate_number(eng.id) == 5

    def test_numbers_are_allocated_several_at_a_time_as_one_at_a_time(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        self._add(uow_factory, eng, ops)
        with uow_factory() as uow:
            assert uow.projects.allocate_numbers(eng.id, 3) == range(1, 4)
            assert uow.projects.allocate_number(eng.id) == 4
            assert uow.projects.allocate_numbers(ops.id, 1) == range(1, 2)
            assert uow.projects.allocate_numbers(eng.id, 2) == range(5, 7)
            uow.commit()
        with uow_factory() as uow:
            assert uow.projects.allocate_numbers(eng.id, 10) == range(7, 17)
            # Not committed: the counter goes back.
        with uow_factory() as uow:
            assert uow.projects.allocate_number(eng.id) == 7
            with pytest.raises(ValueError, match="at least one"):
                uow.projects.allocate_numbers(eng.id, 0)

    def test_a_project_update_leaves_its_counter_alone(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        self._add(uow_factory, project)
        with uow_factory() as uow:
            uow.projects.allocate_number(project.id)
            uow.projects.allocate_number(project.id)
            loaded = uow.projects.get(org, project.id)
            assert loaded is not None
            loaded.change(name="Renamed", now=at(1))
            uow.projects.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            assert uow.projects.allocate_number(project.id) == 3

    # tasks

    def test_a_stored_task_reads_back_within_its_organization_only(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        project = new_project(org, "ENG")
        parent = new_task(project, 1, title="Parent")
        task = new_task(
            project,
            2,
            title="Child",
            description="Does the work",
            status=TaskStatus.IN_REVIEW,
            priority=Priority.URGENT,
            due_at=at(90),
            parent_id=parent.id,
            assignee_ids={uid(1), uid(2)},
            label_ids={uid(3)},
            created_at=at(1),
            updated_at=at(2),
        )
        self._add(uow_factory, project, parent, task)
        with uow_factory(read_only=True) as uow:
            loaded = uow.tasks.get(org, task.id)
            assert uow.tasks.get(new_id(), task.id) is None
            assert uow.tasks.get(org, new_id()) is None
        assert loaded == task
        assert loaded is not None
        assert (loaded.key, loaded.number, loaded.parent_id) == ("ENG-2", 2, parent.id)
        assert loaded.assignee_ids == frozenset({uid(1), uid(2)})
        assert loaded.label_ids == frozenset({uid(3)})
        assert (loaded.due_at, loaded.created_at, loaded.updated_at) == (at(90), at(1), at(2))
        assert (loaded.created_by, loaded.version, loaded.deleted_at) == (AUTHOR, 1, None)

    def test_a_task_carries_its_projects_current_key(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org, "ENG")
        task = new_task(project, 7)
        self._add(uow_factory, project, task)
        with uow_factory() as uow:
            loaded = uow.projects.get(org, project.id)
            assert loaded is not None
            loaded.change(key="CORE", now=at(1))
            uow.projects.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.tasks.get(org, task.id)
            (found,) = uow.task_list.find(org, TaskFilter(), PageRequest()).items
        assert again is not None
        assert (again.project_key, again.key) == ("CORE", "CORE-7")
        assert found.key == "CORE-7"

    def test_a_task_number_is_used_once_per_project(self, uow_factory: UowFactory) -> None:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        first = new_task(eng, 1)
        self._add(uow_factory, eng, ops, first, new_task(ops, 1))
        with uow_factory() as uow, pytest.raises(self.refused_row):
            uow.tasks.add(new_task(eng, 1))
        with uow_factory(read_only=True) as uow:
            found = uow.task_list.find(org, TaskFilter(project_id=eng.id), PageRequest())
        assert [t.id for t in found.items] == [first.id]

    def test_tasks_added_together_read_back_as_added_one_by_one(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        self._add(uow_factory, eng, ops)
        parent = new_task(eng, 1, title="Parent")
        together = [
            parent,
            new_task(
                ops,
                1,
                title="Second",
                description="with everything",
                status=TaskStatus.IN_PROGRESS,
                priority=Priority.URGENT,
                due_at=at(60),
                assignee_ids={uid(1), uid(2)},
                label_ids={uid(3)},
                created_at=at(1),
                updated_at=at(2),
            ),
            new_task(eng, 2, title="Child", parent_id=parent.id, label_ids={uid(3), uid(4)}),
            new_task(eng, 3, title="x" * 200, assignee_ids={uid(2)}),
        ]
        with uow_factory() as uow:
            uow.tasks.add_all(together)
            uow.tasks.add_all([])
            uow.commit()
        with uow_factory(read_only=True) as uow:
            loaded = [uow.tasks.get(org, t.id) for t in together]
            listed = uow.task_list.find(org, TaskFilter(), PageRequest(limit=100)).items
        assert loaded == together
        # The list shows them, sets included, as it shows tasks added one by one.
        by_id = {t.id: t for t in listed}
        assert [by_id[t.id] for t in together] == [TaskSummary.of(t) for t in together]
        with uow_factory() as uow:
            uow.tasks.add_all([new_task(eng, 9)])
            # Not committed: nothing is kept.
        with uow_factory() as uow, pytest.raises(self.refused_row):
            # A number already used refuses the whole insert.
            uow.tasks.add_all([new_task(eng, 4), new_task(eng, 2)])
        with uow_factory(read_only=True) as uow:
            found = uow.task_list.find(org, TaskFilter(project_id=eng.id), PageRequest())
        assert sorted(t.number for t in found.items) == [1, 2, 3]

    def test_task_updates_are_persisted_and_replace_the_sets(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        parent = new_task(project, 1)
        task = new_task(project, 2, assignee_ids={uid(1), uid(2)}, label_ids={uid(3), uid(4)})
        self._add(uow_factory, project, parent, task)
        with uow_factory() as uow:
            loaded = uow.tasks.get(org, task.id)
            assert loaded is not None
            loaded.change(
                title="Renamed",
                description="Longer",
                status=TaskStatus.IN_PROGRESS,
                priority=Priority.HIGH,
                due_at=at(60),
                parent_id=parent.id,
                assignee_ids={uid(2), uid(5)},
                label_ids=set(),
                now=at(9),
            )
            uow.tasks.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.tasks.get(org, task.id)
        assert again is not None
        assert (again.title, again.description, again.status, again.priority) == (
            "Renamed",
            "Longer",
            TaskStatus.IN_PROGRESS,
            Priority.HIGH,
        )
        assert (again.due_at, again.parent_id) == (at(60), parent.id)
        assert again.assignee_ids == frozenset({uid(2), uid(5)})
        assert again.label_ids == frozenset()
        assert (again.number, again.created_at, again.updated_at, again.version) == (
            2,
            NOW,
            at(9),
            2,
        )

    def test_a_task_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        task = new_task(project, 1, assignee_ids={uid(1)})
        self._add(uow_factory, project, task)
        with uow_factory() as uow:
            loaded = uow.tasks.get(org, task.id)
            assert loaded is not None
            loaded.change(title="Forgotten", assignee_ids=set(), now=at(1))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.tasks.get(org, task.id) == task

    def test_a_deleted_task_is_hidden_unless_asked_for_and_comes_back_restored(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        project = new_project(org)
        task = new_task(project, 1, title="Gone")
        self._add(uow_factory, project, task)
        self._delete_task(uow_factory, task)
        with uow_factory(read_only=True) as uow:
            assert uow.tasks.get(org, task.id) is None
            deleted = uow.tasks.get(org, task.id, include_deleted=True)
            assert uow.tasks.get(new_id(), task.id, include_deleted=True) is None
            assert uow.task_list.find(org, TaskFilter(), PageRequest()).items == []
            assert uow.task_list.find(org, TaskFilter(text="gone"), PageRequest()).items == []
        assert deleted is not None
        assert (deleted.deleted_at, deleted.version) == (at(30), 2)
        with uow_factory() as uow:
            deleted = uow.tasks.get(org, task.id, include_deleted=True, for_update=True)
            assert deleted is not None
            deleted.restore(at(31))
            uow.tasks.update(deleted)
            uow.track(deleted)  # as a use case does: the restore's event leaves with it
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.tasks.get(org, task.id) == deleted
            assert [
                t.id for t in uow.task_list.find(org, TaskFilter(text="GONE"), PageRequest()).items
            ] == [task.id]

    # finding tasks

    def _tasks_to_filter(self, uow_factory: UowFactory) -> tuple[uuid.UUID, dict[str, Task]]:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        ada, bob = uid(0xAD), uid(0xB0)
        bug, ui = uid(0xB6), uid(0x01)
        parent = new_task(eng, 1, title="Parent", created_at=at(0))
        tasks = {
            "parent": parent,
            "t1": new_task(
                eng,
                2,
                status=TaskStatus.IN_PROGRESS,
                priority=Priority.HIGH,
                due_at=at(10),
                parent_id=parent.id,
                assignee_ids={ada},
                label_ids={bug},
                created_at=at(1),
            ),
            "t2": new_task(
                eng,
                3,
                status=TaskStatus.DONE,
                priority=Priority.LOW,
                due_at=at(20),
                parent_id=parent.id,
                assignee_ids={ada, bob},
                label_ids={bug, ui},
                created_at=at(2),
            ),
            "t3": new_task(
                ops,
                1,
                status=TaskStatus.IN_PROGRESS,
                priority=Priority.URGENT,
                due_at=at(30),
                assignee_ids={bob},
                label_ids={ui},
                created_at=at(3),
            ),
            "t4": new_task(
                ops,
                2,
                status=TaskStatus.CANCELLED,
                priority=Priority.HIGH,
                assignee_ids={ada},
                label_ids={bug},
                created_at=at(4),
            ),
        }
        gone = new_task(eng, 4, assignee_ids={ada}, label_ids={bug}, created_at=at(5))
        elsewhere_project = new_project(new_id(), "ENG")
        elsewhere = new_task(elsewhere_project, 1, assignee_ids={ada}, label_ids={bug})
        self._add(uow_factory, eng, ops, elsewhere_project, *tasks.values(), gone, elsewhere)
        self._delete_task(uow_factory, gone)
        return org, tasks

    @pytest.mark.parametrize(
        ("task_filter", "expected"),
        [
            (TaskFilter(), ["parent", "t1", "t2", "t3", "t4"]),
            (TaskFilter(statuses=frozenset({TaskStatus.IN_PROGRESS})), ["t1", "t3"]),
            (
                TaskFilter(statuses=frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})),
                ["t2", "t4"],
            ),
            (TaskFilter(statuses=frozenset({TaskStatus.IN_REVIEW})), []),
            (TaskFilter(priorities=frozenset({Priority.HIGH})), ["t1", "t4"]),
            (
                TaskFilter(priorities=frozenset({Priority.LOW, Priority.URGENT})),
                ["t2", "t3"],
            ),
            (TaskFilter(assignee_id=uid(0xAD)), ["t1", "t2", "t4"]),
            (TaskFilter(assignee_id=uid(0xB0)), ["t2", "t3"]),
            (TaskFilter(assignee_id=uid(0xCC)), []),
            (TaskFilter(label_id=uid(0xB6)), ["t1", "t2", "t4"]),
            (TaskFilter(label_id=uid(0x01)), ["t2", "t3"]),
            # Strictly before / after; tasks without a due date match neither.
            (TaskFilter(due_before=at(20)), ["t1"]),
            (TaskFilter(due_after=at(10)), ["t2", "t3"]),
            (TaskFilter(due_after=at(5), due_before=at(30)), ["t1", "t2"]),
            (
                TaskFilter(
                    statuses=frozenset({TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED}),
                    priorities=frozenset({Priority.HIGH}),
                    assignee_id=uid(0xAD),
                    label_id=uid(0xB6),
                ),
                ["t1", "t4"],
            ),
            (
                TaskFilter(
                    statuses=frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE}),
                    label_id=uid(0x01),
                    due_before=at(25),
                ),
                ["t2"],
            ),
        ],
    )
    def test_tasks_are_found_by_every_filter_and_their_combinations(
        self, uow_factory: UowFactory, task_filter: TaskFilter, expected: list[str]
    ) -> None:
        org, tasks = self._tasks_to_filter(uow_factory)
        names = {task.id: name for name, task in tasks.items()}
        ascending = attrs.evolve(task_filter, sort=TaskSort.CREATED)
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(org, ascending, PageRequest(limit=100))
        assert [names[t.id] for t in page.items] == expected
        assert page.next_after is None

    def test_tasks_are_found_by_project_and_by_parent(self, uow_factory: UowFactory) -> None:
        org, tasks = self._tasks_to_filter(uow_factory)
        names = {task.id: name for name, task in tasks.items()}
        ops_id = tasks["t3"].project_id
        by = TaskSort.CREATED
        with uow_factory(read_only=True) as uow:
            ops = uow.task_list.find(org, TaskFilter(project_id=ops_id, sort=by), PageRequest())
            children = uow.task_list.find(
                org, TaskFilter(parent_id=tasks["parent"].id, sort=by), PageRequest()
            )
            ops_children = uow.task_list.find(
                org,
                TaskFilter(project_id=ops_id, parent_id=tasks["parent"].id, sort=by),
                PageRequest(),
            )
            unknown = uow.task_list.find(org, TaskFilter(project_id=new_id()), PageRequest())
        assert [names[t.id] for t in ops.items] == ["t3", "t4"]
        assert [names[t.id] for t in children.items] == ["t1", "t2"]
        assert ops_children.items == []
        assert unknown.items == []

    def test_found_tasks_carry_their_sets_and_keys(self, uow_factory: UowFactory) -> None:
        org, tasks = self._tasks_to_filter(uow_factory)
        with uow_factory(read_only=True) as uow:
            found = uow.task_list.find(org, TaskFilter(sort=TaskSort.CREATED), PageRequest(limit=2))
            rest = uow.task_list.find(
                org, TaskFilter(sort=TaskSort.CREATED), PageRequest(after=found.next_after)
            )
        assert found.items + rest.items == [TaskSummary.of(t) for t in tasks.values()]
        assert [t.key for t in found.items + rest.items] == [
            "ENG-1",
            "ENG-2",
            "ENG-3",
            "OPS-1",
            "OPS-2",
        ]

    def test_the_default_order_is_newest_first(self, uow_factory: UowFactory) -> None:
        org, tasks = self._tasks_to_filter(uow_factory)
        names = {task.id: name for name, task in tasks.items()}
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(org, TaskFilter(), PageRequest())
        assert [names[t.id] for t in page.items] == ["t4", "t3", "t2", "t1", "parent"]

    def _tasks_to_search(self, uow_factory: UowFactory) -> tuple[uuid.UUID, dict[str, Task]]:
        org = new_id()
        project = new_project(org)
        texts = {
            "login_bug": ("Fix login bug", "Users cannot sign in"),
            "redesign": ("Login page redesign", "New layout for the LOGIN form"),
            "notes": ("Write release notes", "Mention the login fix"),
            "planning": ("Planning", "plan the quarter"),
            "empty": ("Unrelated", ""),
        }
        tasks = {
            name: new_task(project, n + 1, title=title, description=description, created_at=at(n))
            for n, (name, (title, description)) in enumerate(texts.items())
        }
        gone = new_task(project, 9, title="login bug", created_at=at(9))
        other_project = new_project(new_id())
        other = new_task(other_project, 1, title="login bug")
        self._add(uow_factory, project, other_project, *tasks.values(), gone, other)
        self._delete_task(uow_factory, gone)
        return org, tasks

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("login", ["login_bug", "redesign", "notes"]),
            ("LOGIN", ["login_bug", "redesign", "notes"]),
            ("Login Bug", ["login_bug"]),
            # One word in the title, the other in the description.
            ("fix users", ["login_bug"]),
            ("login fix", ["login_bug", "notes"]),
            ("form redesign", ["redesign"]),
            # Punctuation around words is not part of them.
            ("login, bug!", ["login_bug"]),
            ("sign-in", ["login_bug"]),
            # Whole words only.
            ("plan", ["planning"]),
            ("planning", ["planning"]),
            ("log", []),
            ("lay", []),
            ("login missing", []),
            # Nothing to look for matches nothing.
            ("!!!", []),
            ("  ", []),
            # No text, no filter.
            ("", ["login_bug", "redesign", "notes", "planning", "empty"]),
        ],
    )
    def test_text_finds_tasks_holding_every_word_ignoring_case(
        self, uow_factory: UowFactory, text: str, expected: list[str]
    ) -> None:
        org, tasks = self._tasks_to_search(uow_factory)
        names = {task.id: name for name, task in tasks.items()}
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(
                org, TaskFilter(text=text, sort=TaskSort.CREATED), PageRequest()
            )
        assert [names[t.id] for t in page.items] == expected

    def test_text_is_combined_with_the_other_filters(self, uow_factory: UowFactory) -> None:
        org, tasks = self._tasks_to_search(uow_factory)
        with uow_factory() as uow:
            loaded = uow.tasks.get(org, tasks["notes"].id)
            assert loaded is not None
            loaded.change(status=TaskStatus.DONE, title="Write login notes", now=at(20))
            uow.tasks.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            done = uow.task_list.find(
                org,
                TaskFilter(text="login", statuses=frozenset({TaskStatus.DONE})),
                PageRequest(),
            )
            renamed = uow.task_list.find(org, TaskFilter(text="write release"), PageRequest())
            in_title_now = uow.task_list.find(org, TaskFilter(text="login notes"), PageRequest())
        assert [t.id for t in done.items] == [tasks["notes"].id]
        assert renamed.items == []
        assert [t.id for t in in_title_now.items] == [tasks["notes"].id]

    def test_or_is_searched_as_a_word_like_any_other(self, uow_factory: UowFactory) -> None:
        org = new_id()
        project = new_project(org)
        ship = new_task(project, 1, title="Ship it", description="today")
        either = new_task(project, 2, title="Ship or sink", description="")
        self._add(uow_factory, project, ship, either)
        with uow_factory(read_only=True) as uow:
            found = uow.task_list.find(org, TaskFilter(text="ship or sink"), PageRequest())
            not_there = uow.task_list.find(org, TaskFilter(text="ship or swim"), PageRequest())
        assert [t.id for t in found.items] == [either.id]
        assert not_there.items == []

    # ordering and pages

    def _tasks_to_sort(self, uow_factory: UowFactory) -> tuple[uuid.UUID, dict[uuid.UUID, str]]:
        org = new_id()
        project = new_project(org)
        tasks = [
            new_task(
                project,
                n + 1,
                title=label,
                created_at=at(created),
                updated_at=at(updated),
                due_at=None if due is None else at(due),
                priority=priority,
                task_id=task_id,
            )
            for n, (label, created, updated, due, priority, task_id) in enumerate(SORT_CASES)
        ]
        self._add(uow_factory, project, *tasks)
        return org, {t.id: t.title for t in tasks}

    @pytest.mark.parametrize("sort", list(TaskSort))
    def test_tasks_are_sorted_with_ties_broken_by_id(
        self, uow_factory: UowFactory, sort: TaskSort
    ) -> None:
        org, names = self._tasks_to_sort(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(org, TaskFilter(sort=sort), PageRequest(limit=6))
        assert [names[t.id] for t in page.items] == SORTED_BY[sort]
        assert page.next_after is None

    @pytest.mark.parametrize("sort", list(TaskSort))
    @pytest.mark.parametrize("limit", [1, 2, 4, 5])
    def test_sorted_tasks_come_in_pages(
        self, uow_factory: UowFactory, sort: TaskSort, limit: int
    ) -> None:
        org, names = self._tasks_to_sort(uow_factory)
        with uow_factory(read_only=True) as uow:
            pages = all_pages(lambda p: uow.task_list.find(org, TaskFilter(sort=sort), p), limit)
        expected = SORTED_BY[sort]
        assert [[names[t.id] for t in page] for page in pages] == [
            expected[i : i + limit] for i in range(0, len(expected), limit)
        ]

    @pytest.mark.parametrize("sort", list(TaskSort))
    def test_pages_of_filtered_tasks_continue_within_the_filter(
        self, uow_factory: UowFactory, sort: TaskSort
    ) -> None:
        org, names = self._tasks_to_sort(uow_factory)
        task_filter = TaskFilter(
            priorities=frozenset({Priority.MEDIUM, Priority.URGENT, Priority.LOW}), sort=sort
        )
        with uow_factory(read_only=True) as uow:
            pages = all_pages(lambda p: uow.task_list.find(org, task_filter, p), 2)
        wanted = {"a", "b", "c", "e", "f"}
        expected = [name for name in SORTED_BY[sort] if name in wanted]
        assert [[names[t.id] for t in page] for page in pages] == [
            expected[0:2],
            expected[2:4],
            expected[4:],
        ]

    @pytest.mark.parametrize(
        ("sort", "cursor"),
        [
            (TaskSort.CREATED, (at(0).isoformat(), str(uid(0x30)))),
            (TaskSort.CREATED_DESC, (at(1).isoformat(), str(uid(0x60)))),
            (TaskSort.UPDATED, (at(1).isoformat(), str(uid(0x20)))),
            (TaskSort.UPDATED_DESC, (at(5).isoformat(), str(uid(0x40)))),
            (TaskSort.PRIORITY, ("1", str(uid(0x10)))),
            (TaskSort.PRIORITY_DESC, ("3", str(uid(0x20)))),
            (TaskSort.DUE, ("0", at(10).isoformat(), str(uid(0x40)))),
            (TaskSort.DUE_DESC, ("0", at(20).isoformat(), str(uid(0x30)))),
        ],
    )
    def test_a_page_says_where_the_next_one_starts(
        self, uow_factory: UowFactory, sort: TaskSort, cursor: tuple[str, ...]
    ) -> None:
        org, _ = self._tasks_to_sort(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(org, TaskFilter(sort=sort), PageRequest(limit=2))
        assert page.next_after == cursor

    @pytest.mark.parametrize(
        ("sort", "cursor"),
        [
            (TaskSort.DUE, ("1", "9999-12-31T00:00:00+00:00", str(uid(0x20)))),
            (TaskSort.DUE_DESC, ("1", "0001-01-02T00:00:00+00:00", str(uid(0x60)))),
        ],
    )
    def test_a_page_ending_on_a_task_without_due_date_continues_among_them(
        self, uow_factory: UowFactory, sort: TaskSort, cursor: tuple[str, ...]
    ) -> None:
        org, names = self._tasks_to_sort(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.task_list.find(org, TaskFilter(sort=sort), PageRequest(limit=5))
            rest = uow.task_list.find(
                org, TaskFilter(sort=sort), PageRequest(after=first.next_after)
            )
        assert first.next_after == cursor
        assert [names[t.id] for t in rest.items] == SORTED_BY[sort][5:]
        assert rest.next_after is None

    @pytest.mark.parametrize("sort", list(TaskSort))
    @pytest.mark.parametrize("limit", [2, 3])
    def test_pages_continue_among_tasks_sharing_a_timestamp(
        self, uow_factory: UowFactory, sort: TaskSort, limit: int
    ) -> None:
        org = new_id()
        project = new_project(org)
        tasks = [
            new_task(
                project,
                n + 1,
                priority=Priority.HIGH,
                due_at=None if task_id in SAME_TIME_UNDATED else at(60),
                task_id=task_id,
            )
            for n, task_id in enumerate(SAME_TIME_IDS)
        ]
        self._add(uow_factory, project, *tasks)
        with uow_factory(read_only=True) as uow:
            pages = all_pages(lambda p: uow.task_list.find(org, TaskFilter(sort=sort), p), limit)
        assert [len(page) for page in pages[:-1]] == [limit] * (len(pages) - 1)
        assert [t.id for page in pages for t in page] == _same_time_order(sort)

    @pytest.mark.parametrize(
        ("sort", "cursor"),
        [
            (TaskSort.CREATED, ("2026-11-22T10:00:00+00:00",)),
            (TaskSort.CREATED, ("0", "2026-11-22T10:00:00+00:00", str(uid(1)))),
            (TaskSort.CREATED_DESC, ("soon", str(uid(1)))),
            (TaskSort.UPDATED, ("2026-11-22T10:00:00+00:00", "nope")),
            (TaskSort.PRIORITY, ("high", str(uid(1)))),
            (TaskSort.PRIORITY_DESC, ("2026-11-22T10:00:00+00:00", str(uid(1)))),
            (TaskSort.DUE, ("2026-11-22T10:00:00+00:00", str(uid(1)))),
            (TaskSort.DUE_DESC, ("x", "2026-11-22T10:00:00+00:00", str(uid(1)))),
            (TaskSort.DUE, ("0", "later", str(uid(1)))),
        ],
    )
    def test_a_cursor_from_another_task_order_is_refused(
        self, uow_factory: UowFactory, sort: TaskSort, cursor: tuple[str, ...]
    ) -> None:
        org, _ = self._tasks_to_sort(uow_factory)
        with uow_factory(read_only=True) as uow, pytest.raises(ValidationFailed) as raised:
            uow.task_list.find(org, TaskFilter(sort=sort), PageRequest(after=cursor))
        assert [e.field for e in raised.value.errors] == ["cursor"]

    # dependencies

    def _chain(self, uow_factory: UowFactory, count: int) -> tuple[Project, list[Task]]:
        org = new_id()
        project = new_project(org)
        tasks = [new_task(project, n + 1, task_id=uid(0x10 * (n + 1))) for n in range(count)]
        self._add(uow_factory, project, *tasks)
        return project, tasks

    def test_a_dependency_is_added_once(self, uow_factory: UowFactory) -> None:
        _, (a, b, c) = self._chain(uow_factory, 3)
        with uow_factory() as uow:
            assert uow.dependencies.add(a.id, c.id, NOW) is True
            assert uow.dependencies.add(a.id, b.id, NOW) is True
            assert uow.dependencies.add(a.id, b.id, at(1)) is False
            uow.commit()
        with uow_factory() as uow:
            assert uow.dependencies.add(a.id, c.id, at(2)) is False
            assert uow.dependencies.blockers_of(a.id) == [b.id, c.id]
            assert uow.dependencies.blockers_of(b.id) == []

    def test_dependencies_are_not_kept_without_commit(self, uow_factory: UowFactory) -> None:
        _, (a, b) = self._chain(uow_factory, 2)
        with uow_factory() as uow:
            uow.dependencies.add(a.id, b.id, NOW)
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.blockers_of(a.id) == []

    def test_dependency_edges_name_the_live_blockers_of_each_task(
        self, uow_factory: UowFactory
    ) -> None:
        _, (a, b, c, d, e) = self._chain(uow_factory, 5)
        with uow_factory() as uow:
            for waiting, blocker in [(a, b), (a, c), (b, c), (c, d), (e, a)]:
                uow.dependencies.add(waiting.id, blocker.id, NOW)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.edges([a.id, b.id, d.id]) == {
                a.id: {b.id, c.id},
                b.id: {c.id},
            }
            assert uow.dependencies.edges([c.id, e.id]) == {c.id: {d.id}, e.id: {a.id}}
            assert uow.dependencies.edges([]) == {}
            assert uow.dependencies.edges([new_id()]) == {}
        self._delete_task(uow_factory, c)
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.edges([a.id, b.id, c.id]) == {a.id: {b.id}, c.id: {d.id}}
            assert uow.dependencies.blockers_of(a.id) == [b.id]
            assert uow.dependencies.blockers_of(b.id) == []

    def test_a_restored_blocker_counts_again(self, uow_factory: UowFactory) -> None:
        _, (a, b) = self._chain(uow_factory, 2)
        with uow_factory() as uow:
            uow.dependencies.add(a.id, b.id, NOW)
            uow.commit()
        self._delete_task(uow_factory, b)
        with uow_factory() as uow:
            assert uow.dependencies.blockers_of(a.id) == []
            assert uow.dependencies.open_blockers(a.id) == 0
            gone = uow.tasks.get(b.org_id, b.id, include_deleted=True)
            assert gone is not None
            gone.restore(at(40))
            uow.tasks.update(gone)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.blockers_of(a.id) == [b.id]
            assert uow.dependencies.open_blockers(a.id) == 1

    def test_removing_a_dependency_says_whether_there_was_one(
        self, uow_factory: UowFactory
    ) -> None:
        _, (a, b, c) = self._chain(uow_factory, 3)
        with uow_factory() as uow:
            uow.dependencies.add(a.id, b.id, NOW)
            uow.dependencies.add(a.id, c.id, NOW)
            uow.commit()
        with uow_factory() as uow:
            assert uow.dependencies.remove(a.id, b.id) is True
            assert uow.dependencies.remove(a.id, b.id) is False
            assert uow.dependencies.remove(b.id, a.id) is False
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.blockers_of(a.id) == [c.id]

    def test_open_blockers_are_live_blockers_neither_done_nor_cancelled(
        self, uow_factory: UowFactory
    ) -> None:
        _, (a, *blockers) = self._chain(uow_factory, 7)
        todo, in_progress, in_review, done, cancelled, deleted = blockers
        with uow_factory() as uow:
            for blocker in blockers:
                uow.dependencies.add(a.id, blocker.id, NOW)
            # Another task's blockers do not count for this one.
            uow.dependencies.add(todo.id, in_progress.id, NOW)
            uow.commit()
        self._set_status(uow_factory, in_progress, TaskStatus.IN_PROGRESS)
        self._set_status(uow_factory, in_review, TaskStatus.IN_REVIEW)
        self._set_status(uow_factory, done, TaskStatus.DONE)
        self._set_status(uow_factory, cancelled, TaskStatus.CANCELLED)
        self._delete_task(uow_factory, deleted)
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.open_blockers(a.id) == 3
            assert uow.dependencies.open_blockers(todo.id) == 1
            assert uow.dependencies.open_blockers(done.id) == 0
        self._set_status(uow_factory, todo, TaskStatus.DONE)
        with uow_factory(read_only=True) as uow:
            assert uow.dependencies.open_blockers(a.id) == 2

    # labels

    def _delete_label(self, uow_factory: UowFactory, label: Label) -> None:
        with uow_factory() as uow:
            loaded = uow.labels.get(label.org_id, label.id)
            assert loaded is not None
            loaded.delete(at(30))
            uow.labels.update(loaded)
            uow.commit()

    def test_a_stored_label_reads_back_within_its_organization_only(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        label = new_label(org, "Bug", color="#d73a4a")
        self._add(uow_factory, label)
        with uow_factory(read_only=True) as uow:
            assert uow.labels.get(org, label.id) == label
            assert uow.labels.get(new_id(), label.id) is None
            assert uow.labels.get(org, new_id()) is None

    def test_label_updates_are_persisted_and_deleted_labels_hidden(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        label = new_label(org, "Bug")
        self._add(uow_factory, label)
        with uow_factory() as uow:
            loaded = uow.labels.get(org, label.id)
            assert loaded is not None
            loaded.change(name="Defect", color="#00FF00", now=at(3))
            uow.labels.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.labels.get(org, label.id)
        assert again is not None
        assert (again.name, again.color, again.version) == ("Defect", "#00ff00", 2)
        assert (again.created_at, again.updated_at) == (NOW, at(3))
        self._delete_label(uow_factory, label)
        with uow_factory(read_only=True) as uow:
            assert uow.labels.get(org, label.id) is None
            assert uow.labels.page(org, PageRequest()).items == []

    def test_label_names_are_taken_ignoring_case_among_live_labels_of_the_org(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        bug, legacy = new_label(org, "Needs Review"), new_label(org, "Legacy")
        self._add(uow_factory, bug, legacy, new_label(other, "Elsewhere"))
        self._delete_label(uow_factory, legacy)
        with uow_factory(read_only=True) as uow:
            assert uow.labels.name_taken(org, "Needs Review", other_than=None)
            assert uow.labels.name_taken(org, "  needs REVIEW ", other_than=None)
            assert not uow.labels.name_taken(org, "Needs", other_than=None)
            assert not uow.labels.name_taken(org, "needs review", other_than=bug.id)
            assert uow.labels.name_taken(org, "needs review", other_than=legacy.id)
            assert not uow.labels.name_taken(other, "needs review", other_than=None)
            assert not uow.labels.name_taken(org, "legacy", other_than=None)
            assert not uow.labels.name_taken(org, "elsewhere", other_than=None)

    def test_a_renamed_label_frees_its_old_name(self, uow_factory: UowFactory) -> None:
        org = new_id()
        label = new_label(org, "Bug")
        self._add(uow_factory, label)
        with uow_factory() as uow:
            loaded = uow.labels.get(org, label.id)
            assert loaded is not None
            loaded.change(name="Defect", now=at(1))
            uow.labels.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert not uow.labels.name_taken(org, "bug", other_than=None)
            assert uow.labels.name_taken(org, "DEFECT", other_than=None)

    def test_existing_labels_are_the_live_ones_of_the_organization(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        bug, ui, gone = new_label(org, "bug"), new_label(org, "ui"), new_label(org, "gone")
        elsewhere = new_label(other, "bug")
        self._add(uow_factory, bug, ui, gone, elsewhere)
        self._delete_label(uow_factory, gone)
        unknown = new_id()
        with uow_factory(read_only=True) as uow:
            assert uow.labels.existing(org, [bug.id, ui.id, gone.id, elsewhere.id, unknown]) == {
                bug.id,
                ui.id,
            }
            assert uow.labels.existing(org, []) == set()
            assert uow.labels.existing(other, [bug.id, elsewhere.id]) == {elsewhere.id}

    def _labels_of_one_org(self, uow_factory: UowFactory) -> uuid.UUID:
        org = new_id()
        labels = [
            new_label(org, label, created_at=at(minutes), label_id=label_id)
            for label, minutes, label_id in ORDERING_CASES
        ]
        gone = new_label(org, "gone", created_at=at(-1))
        self._add(uow_factory, *labels, gone, new_label(new_id(), "else", created_at=at(-1)))
        self._delete_label(uow_factory, gone)
        return org

    def test_labels_are_listed_by_creation_then_id(self, uow_factory: UowFactory) -> None:
        org = self._labels_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.labels.page(org, PageRequest(limit=10))
        assert [label.name for label in page.items] == SORTED_LABELS
        assert page.next_after is None

    def test_labels_come_in_pages(self, uow_factory: UowFactory) -> None:
        org = self._labels_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.labels.page(org, PageRequest(limit=3))
            pages = all_pages(lambda p: uow.labels.page(org, p), limit=2)
            exact = uow.labels.page(org, PageRequest(limit=5))
        last = first.items[-1]
        assert first.next_after == (last.created_at.isoformat(), str(last.id))
        assert [[label.name for label in page] for page in pages] == [
            ["z", "y"],
            ["v", "x"],
            ["w"],
        ]
        assert exact.next_after is None

    # comments

    def _task_with_comments(self, uow_factory: UowFactory) -> tuple[Task, Task]:
        org = new_id()
        project = new_project(org)
        task, other = new_task(project, 1), new_task(project, 2)
        comments = [
            new_comment(task, label, created_at=at(minutes), comment_id=comment_id)
            for label, minutes, comment_id in ORDERING_CASES
        ]
        self._add(
            uow_factory,
            project,
            task,
            other,
            *comments,
            new_comment(other, "elsewhere", created_at=at(-1)),
        )
        return task, other

    def test_a_stored_comment_reads_back_under_its_task_only(self, uow_factory: UowFactory) -> None:
        task, other = self._task_with_comments(uow_factory)
        comment = new_comment(task, "Looks good", created_at=at(7))
        self._add(uow_factory, comment)
        with uow_factory(read_only=True) as uow:
            assert uow.comments.get(task.id, comment.id) == comment
            assert uow.comments.get(other.id, comment.id) is None
            assert uow.comments.get(task.id, new_id()) is None

    def test_comment_updates_are_persisted_and_deleted_comments_hidden(
        self, uow_factory: UowFactory
    ) -> None:
        task, _ = self._task_with_comments(uow_factory)
        comment_id = ORDERING_CASES[0][2]
        with uow_factory() as uow:
            loaded = uow.comments.get(task.id, comment_id)
            assert loaded is not None
            loaded.edit(AUTHOR, "Edited", at(8))
            uow.comments.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            again = uow.comments.get(task.id, comment_id)
        assert again is not None
        assert (again.body, again.version, again.created_at, again.updated_at) == (
            "Edited",
            2,
            at(1),
            at(8),
        )
        with uow_factory() as uow:
            again = uow.comments.get(task.id, comment_id, for_update=True)
            assert again is not None
            again.delete(AUTHOR, Role.MEMBER, at(9))
            uow.comments.update(again)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.comments.get(task.id, comment_id) is None
            remaining = uow.comments.page(task.id, PageRequest())
        assert [c.body for c in remaining.items] == ["z", "y", "v", "w"]

    def test_comments_are_listed_by_creation_then_id_per_task(
        self, uow_factory: UowFactory
    ) -> None:
        task, other = self._task_with_comments(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.comments.page(task.id, PageRequest(limit=10))
            others = uow.comments.page(other.id, PageRequest())
        assert [c.body for c in page.items] == SORTED_LABELS
        assert page.next_after is None
        assert [c.body for c in others.items] == ["elsewhere"]

    def test_comments_come_in_pages(self, uow_factory: UowFactory) -> None:
        task, _ = self._task_with_comments(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.comments.page(task.id, PageRequest(limit=4))
            pages = all_pages(lambda p: uow.comments.page(task.id, p), limit=2)
            exact = uow.comments.page(task.id, PageRequest(limit=5))
        last = first.items[-1]
        assert first.next_after == (last.created_at.isoformat(), str(last.id))
        assert [[c.body for c in page] for page in pages] == [["z", "y"], ["v", "x"], ["w"]]
        assert exact.next_after is None
