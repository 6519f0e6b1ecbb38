"""A command names the only fields a caller may change: no command, and no aggregate's
`change`, accepts an id, an organization or a version, and nothing else sets one."""

import inspect
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from taskhub.contexts.work.application.labels import ChangeLabel
from taskhub.contexts.work.application.projects import ChangeProject
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.ids import new_id
from tests.unit.work.conftest import Work

NEVER_CHANGED = ("id", "org_id", "version", "project_id", "number", "created_by", "created_at")
COMMANDS = (ChangeProject, ChangeLabel, ChangeTask, CreateTask)
CHANGES: tuple[Callable[..., Any], ...] = (Project.change, Label.change, Task.change, Comment.edit)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("field", ["id", "org_id", "version"])
def test_no_command_takes_an_id_an_organization_or_a_version(command: type, field: str) -> None:
    assert field not in attrs.fields_dict(command)
    with pytest.raises(TypeError):
        command(**{field: new_id() if field != "version" else 99})


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__qualname__)
def test_no_aggregate_change_takes_a_field_it_does_not_own(change: Callable[..., Any]) -> None:
    assert not set(inspect.signature(change).parameters) & set(NEVER_CHANGED)


def test_a_change_with_a_foreign_field_is_refused_and_changes_nothing(work: Work) -> None:
    task = work.task(work.project("ENG"))
    stored = work.stored_task(task.id)
    with pytest.raises(TypeError):
        stored.change(org_id=new_id(), version=99, now=work.clock.now())  # type: ignore[call-arg]
    assert (stored.org_id, stored.version, stored.id) == (work.org_id, 1, task.id)


def test_changes_through_every_command_keep_id_organization_and_version_step(work: Work) -> None:
    project = work.project("ENG")
    task = work.task(project)
    label = work.label()
    changed_project = work.projects.change(work.admin, project.id, ChangeProject(name="Core"))
    changed_task = work.tasks.change(work.member, task.id, ChangeTask(title="Renamed"))
    changed_label = work.labels.change(work.member, label.id, ChangeLabel(color="#000000"))
    for before, after in ((project, changed_project), (task, changed_task), (label, changed_label)):
        assert (after.id, after.org_id, after.version) == (before.id, before.org_id, 2)
