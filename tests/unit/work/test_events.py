"""Every work change records the event that the audit trail and the outbox consume.

Task, project and new-comment events are also published, carrying the resource as
the API shows it; label and dependency events stay in the audit log.
"""

from datetime import timedelta

import pytest

from taskhub.contexts.work.application.labels import ChangeLabel
from taskhub.contexts.work.application.projects import ChangeProject
from taskhub.contexts.work.application.task_batches import BatchDelete, BatchUpdate
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.events import WorkEvent
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.contexts.work.public.events import PUBLISHED_TYPES
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.roles import Role
from tests.unit.work.conftest import START, Work


def only(events: list[WorkEvent], action: str) -> WorkEvent:
    (event,) = [e for e in events if e.action == action]
    return event


def test_the_life_of_a_project_and_its_tasks_is_audited(work: Work) -> None:
    project = work.project("ENG")
    work.projects.change(work.admin, project.id, ChangeProject(name="Engineering"))
    task = work.task(project)
    blocker = work.task(project)
    work.tasks.change(work.member, task.id, ChangeTask(title="Renamed"))
    work.dependencies.add(work.member, task.id, blocker.id)
    work.dependencies.remove(work.member, task.id, blocker.id)
    label = work.label("Bug")
    work.labels.change(work.member, label.id, ChangeLabel(color="#000000"))
    work.labels.delete(work.member, label.id, None)
    comment = work.comments.write(work.member, task.id, "Hello")
    work.comments.edit(work.member, task.id, comment.id, "Hello again", None)
    work.comments.delete(work.member, task.id, comment.id, None)
    work.tasks.delete(work.member, task.id, None)
    work.tasks.restore(work.admin, task.id)
    work.projects.delete(work.admin, project.id, None)
    work.projects.restore(work.admin, project.id)

    assert work.actions() == [
        "project.created",
        *["state.created"] * 5,  # a new project's default states
        "project.updated",
        "task.created",
        "task.created",
        "task.updated",
        "task.dependency_added",
        "task.dependency_removed",
        "label.created",
        "label.updated",
        "label.deleted",
        "comment.created",
        "comment.updated",
        "comment.deleted",
        "task.deleted",
        "task.restored",
        "project.deleted",
        "project.restored",
    ]
    for event in work.events():
        facts = event.audit_facts()
        assert (facts.action, facts.entity_type, facts.entity_id, facts.org_id) == (
            event.action,
            event.entity_type,
            event.entity_id,
            work.org_id,
        )
    assert {(e.entity_type, e.entity_id) for e in work.events()} == {
        ("project", project.id),
        ("task", task.id),
        ("task", blocker.id),
        ("label", label.id),
        ("comment", comment.id),
        *(("state", state_id) for state_id in work.store.states),
    }


def test_published_events_are_the_public_types_only(work: Work) -> None:
    project = work.project("ENG")
    task, blocker = work.task(project), work.task(project)
    work.dependencies.add(work.member, task.id, blocker.id)
    work.dependencies.remove(work.member, task.id, blocker.id)
    label = work.label()
    work.labels.change(work.member, label.id, ChangeLabel(name="Defect"))
    work.labels.delete(work.member, label.id, None)
    comment = work.comments.write(work.member, task.id, "Hello")
    work.comments.edit(work.member, task.id, comment.id, "Edited", None)
    work.comments.delete(work.member, task.id, comment.id, None)
    work.tasks.change(work.member, task.id, ChangeTask(priority=Priority.HIGH))
    work.tasks.delete(work.member, task.id, None)
    work.tasks.restore(work.admin, task.id)
    work.projects.change(work.admin, project.id, ChangeProject(status=ProjectStatus.ON_HOLD))
    work.projects.delete(work.admin, project.id, None)
    work.projects.restore(work.admin, project.id)

    published = [
        e.integration_event().type  # type: ignore[union-attr]
        for e in work.events()
        if e.integration_event() is not None
    ]
    assert published == [
        "project.created",
        *["state.created"] * 5,
        "task.created",
        "task.created",
        "dependency.added",
        "dependency.removed",
        "label.created",
        "label.updated",
        "label.deleted",
        "comment.created",
        "comment.updated",
        "comment.deleted",
        "task.updated",
        "task.deleted",
        "task.restored",
        "project.updated",
        "project.deleted",
        "project.restored",
    ]
    # The planning types are exercised in test_planning.py.
    planning = {t for t in PUBLISHED_TYPES if t.split(".")[0] in ("cycle", "milestone")}
    planning |= {"state.updated", "state.deleted", "task.moved"}
    assert set(published) == set(PUBLISHED_TYPES) - planning
    assert all(e.integration_event() is not None for e in work.events())


def test_dependency_events_publish_both_tasks(work: Work) -> None:
    project = work.project("ENG")
    task, blocker = work.task(project), work.task(project)
    work.dependencies.add(work.member, task.id, blocker.id)
    published = only(work.events(), "task.dependency_added").integration_event()
    assert published is not None
    assert (published.type, published.ordering_key) == ("dependency.added", str(task.id))
    assert published.data == {"task_id": str(task.id), "depends_on_id": str(blocker.id)}


def test_task_events_publish_the_task_as_it_became(work: Work) -> None:
    project = work.project("ENG")
    assignee = work.join(Role.VIEWER)
    task = work.task(project, "Write it", assignee_ids=[assignee.user_id])
    created = only(work.events(), "task.created")
    published = created.integration_event()
    assert published is not None
    assert (published.type, published.org_id, published.ordering_key) == (
        "task.created",
        work.org_id,
        str(task.id),
    )
    assert (published.event_id, published.occurred_at) == (created.event_id, START)
    assert published.data == {
        "id": str(task.id),
        "project_id": str(project.id),
        "number": 1,
        "key": "ENG-1",
        "title": "Write it",
        "description": "",
        "status": "todo",
        "priority": "medium",
        "due_at": None,
        "parent_id": None,
        "assignee_ids": [str(assignee.user_id)],
        "label_ids": [],
        "created_by": str(work.member.user_id),
        "created_at": "2026-11-22T10:00:00Z",
        "updated_at": "2026-11-22T10:00:00Z",
        "version": 1,
        "state_id": str(task.state_id),
        "rank": task.rank,
        "estimate": None,
        "start_at": None,
        "cycle_id": None,
        "milestone_id": None,
    }
    assert created.changes == {"title": (None, "Write it")}

    work.clock.advance(minutes=5)
    work.tasks.change(
        work.member,
        task.id,
        ChangeTask(status=TaskStatus.IN_PROGRESS, due_at=START + timedelta(days=1)),
    )
    updated = only(work.events(), "task.updated")
    in_progress = next(
        s for s in work.store.states.values() if s.category is TaskStatus.IN_PROGRESS
    )
    assert updated.changes == {
        "status": ("todo", "in_progress"),
        "state_id": (str(task.state_id), str(in_progress.id)),
        "due_at": (None, "2026-11-23T10:00:00Z"),
    }
    data = updated.integration_event().data  # type: ignore[union-attr]
    assert (data["status"], data["due_at"], data["version"], data["updated_at"]) == (
        "in_progress",
        "2026-11-23T10:00:00Z",
        2,
        "2026-11-22T10:05:00Z",
    )
    assert data == work.stored_task(task.id).snapshot()

    work.tasks.delete(work.member, task.id, None)
    deleted = only(work.events(), "task.deleted").integration_event()
    assert deleted is not None
    assert deleted.data == work.stored_task(task.id).snapshot()
    assert deleted.data["version"] == 3
    work.tasks.restore(work.admin, task.id)
    restored = only(work.events(), "task.restored").integration_event()
    assert restored is not None
    assert restored.data["version"] == 4


def test_project_events_publish_the_project(work: Work) -> None:
    project = work.project("ENG")
    created = only(work.events(), "project.created")
    assert created.changes == {
        "key": (None, "ENG"),
        "name": (None, "Project ENG"),
        "status": (None, "active"),
    }
    published = created.integration_event()
    assert published is not None
    assert published.data == {
        "id": str(project.id),
        "key": "ENG",
        "name": "Project ENG",
        "description": "",
        "status": "active",
        "created_at": "2026-11-22T10:00:00Z",
        "updated_at": "2026-11-22T10:00:00Z",
        "version": 1,
    }
    work.projects.change(
        work.admin, project.id, ChangeProject(key="CORE", status=ProjectStatus.ARCHIVED)
    )
    updated = only(work.events(), "project.updated")
    assert updated.changes == {"key": ("ENG", "CORE"), "status": ("active", "archived")}
    data = updated.integration_event().data  # type: ignore[union-attr]
    assert (data["key"], data["status"], data["version"]) == ("CORE", "archived", 2)
    work.projects.delete(work.admin, project.id, None)
    deleted = only(work.events(), "project.deleted").integration_event()
    assert deleted is not None
    assert (deleted.type, deleted.ordering_key, deleted.data["version"]) == (
        "project.deleted",
        str(project.id),
        3,
    )


def test_a_new_comment_is_published_in_its_tasks_order(work: Work) -> None:
    task = work.task(work.project("ENG"))
    comment = work.comments.write(work.member, task.id, "Hello")
    event = only(work.events(), "comment.created")
    assert event.changes == {"task_id": (None, str(task.id))}
    published = event.integration_event()
    assert published is not None
    assert published.ordering_key == str(task.id)
    assert published.data == {
        "id": str(comment.id),
        "task_id": str(task.id),
        "author_id": str(work.member.user_id),
        "body": "Hello",
        "created_at": "2026-11-22T10:00:00Z",
        "updated_at": "2026-11-22T10:00:00Z",
        "version": 1,
    }


def test_audited_changes_carry_old_and_new_values(work: Work) -> None:
    project = work.project("ENG")
    task, blocker = work.task(project), work.task(project)
    work.dependencies.add(work.member, task.id, blocker.id)
    assert only(work.events(), "task.dependency_added").changes == {
        "depends_on": (None, str(blocker.id))
    }
    work.dependencies.remove(work.member, task.id, blocker.id)
    assert only(work.events(), "task.dependency_removed").changes == {
        "depends_on": (str(blocker.id), None)
    }
    label = work.label("Bug", "#D73A4A")
    assert only(work.events(), "label.created").changes == {
        "name": (None, "Bug"),
        "color": (None, "#d73a4a"),
    }
    work.labels.change(work.member, label.id, ChangeLabel(name="Defect"))
    assert only(work.events(), "label.updated").changes == {"name": ("Bug", "Defect")}
    comment = work.comments.write(work.member, task.id, "Hello")
    work.comments.edit(work.member, task.id, comment.id, "Bye", None)
    assert only(work.events(), "comment.updated").changes == {"body": ("Hello", "Bye")}
    other = work.join()
    work.tasks.change(
        work.member, task.id, ChangeTask(assignee_ids=[other.user_id], label_ids=[label.id])
    )
    assert only(work.events(), "task.updated").changes == {
        "assignee_ids": ([], [str(other.user_id)]),
        "label_ids": ([], [str(label.id)]),
    }


def test_a_batch_records_one_event_per_operation_and_a_failed_one_none(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    work.tasks.batch(
        work.member,
        [
            CreateTask(project_id=project.id, title="New"),
            BatchUpdate(task_id=task.id, change=ChangeTask(title="Changed")),
        ],
    )
    assert work.actions()[-2:] == ["task.created", "task.updated"]
    count = len(work.store.events)
    with pytest.raises(ValidationFailed):
        work.tasks.batch(
            work.member,
            [
                BatchDelete(task_id=task.id),
                CreateTask(project_id=project.id, title=""),
            ],
        )
    assert len(work.store.events) == count
    assert work.stored_task(task.id).deleted_at is None
