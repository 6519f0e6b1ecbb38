"""Comments on tasks: the author edits them; the author or an admin deletes them."""

import copy

import pytest

from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.errors import (
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
)
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.unit.work.conftest import START, Work


def a_task(work: Work) -> Task:
    return work.task(work.project("ENG"))


def test_a_written_comment_is_stored_and_listed(work: Work) -> None:
    task = a_task(work)
    comment = work.comments.write(work.member, task.id, "Looks good")
    stored = work.store.comments[comment.id]
    assert (stored.org_id, stored.task_id, stored.author_id, stored.body) == (
        work.org_id,
        task.id,
        work.member.user_id,
        "Looks good",
    )
    assert (stored.created_at, stored.version) == (START, 1)
    assert work.comments.page(work.member, task.id, PageRequest()).items == [stored]


def test_comments_are_listed_oldest_first_per_task(work: Work) -> None:
    task, other = a_task(work), work.task(work.project("OPS"))
    for body in ("one", "two", "three"):
        work.comments.write(work.member, task.id, body)
        work.clock.advance(minutes=1)
    work.comments.write(work.member, other.id, "elsewhere")
    first = work.comments.page(work.member, task.id, PageRequest(limit=2))
    rest = work.comments.page(work.member, task.id, PageRequest(limit=2, after=first.next_after))
    assert [c.body for c in first.items + rest.items] == ["one", "two", "three"]
    assert rest.next_after is None


def test_a_blank_body_is_refused_on_the_body_field(work: Work) -> None:
    task = a_task(work)
    with pytest.raises(ValidationFailed) as caught:
        work.comments.write(work.member, task.id, " \n ")
    assert [e.field for e in caught.value.errors] == ["body"]
    assert work.store.comments == {}


def test_comments_need_a_live_task_of_the_organization(work: Work) -> None:
    task = a_task(work)
    stranger = work.join(org_id=new_id())
    with pytest.raises(NotFound):
        work.comments.write(stranger, task.id, "Hello")
    with pytest.raises(NotFound):
        work.comments.write(work.member, new_id(), "Hello")
    work.comments.write(work.member, task.id, "Before")
    work.tasks.delete(work.member, task.id, expected_version=None)
    with pytest.raises(NotFound):
        work.comments.write(work.member, task.id, "After")
    with pytest.raises(NotFound):
        work.comments.page(work.member, task.id, PageRequest())
    assert [c.body for c in work.store.comments.values()] == ["Before"]


def test_only_the_author_edits_a_comment(work: Work) -> None:
    task = a_task(work)
    comment = work.comments.write(work.member, task.id, "Original")
    before = copy.deepcopy(work.store)
    for other in (work.admin, work.join(Role.OWNER), work.join(Role.MEMBER)):
        with pytest.raises(PermissionDenied):
            work.comments.edit(other, task.id, comment.id, "Hijacked", expected_version=None)
    assert work.store.comments == before.comments
    assert work.store.events == before.events
    work.clock.advance(minutes=2)
    edited = work.comments.edit(work.member, task.id, comment.id, "Edited", expected_version=1)
    stored = work.store.comments[comment.id]
    assert edited == stored
    assert (stored.body, stored.version, stored.created_at) == ("Edited", 2, START)
    assert stored.updated_at != START


def test_a_comment_is_edited_only_under_its_task_at_its_version(work: Work) -> None:
    task, other = a_task(work), work.task(work.project("OPS"))
    comment = work.comments.write(work.member, task.id, "Original")
    with pytest.raises(NotFound):
        work.comments.edit(work.member, other.id, comment.id, "Moved", expected_version=None)
    with pytest.raises(PreconditionFailed):
        work.comments.edit(work.member, task.id, comment.id, "Stale", expected_version=2)
    with pytest.raises(ValidationFailed):
        work.comments.edit(work.member, task.id, comment.id, "  ", expected_version=None)
    assert work.store.comments[comment.id].body == "Original"
    assert work.store.comments[comment.id].version == 1


@pytest.mark.parametrize("deleter", ["author", "admin", "owner"])
def test_the_author_or_an_admin_deletes_a_comment(work: Work, deleter: str) -> None:
    task = a_task(work)
    comment = work.comments.write(work.member, task.id, "Bye")
    actor = {
        "author": work.member,
        "admin": work.admin,
        "owner": work.join(Role.OWNER),
    }[deleter]
    work.comments.delete(actor, task.id, comment.id, expected_version=1)
    assert work.store.comments[comment.id].deleted_at is not None
    assert work.comments.page(work.member, task.id, PageRequest()).items == []
    with pytest.raises(NotFound):
        work.comments.edit(work.member, task.id, comment.id, "Back", expected_version=None)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_others_may_not_delete_a_comment(work: Work, role: Role) -> None:
    task = a_task(work)
    comment = work.comments.write(work.member, task.id, "Mine")
    before = copy.deepcopy(work.store)
    with pytest.raises(PermissionDenied):
        work.comments.delete(work.join(role), task.id, comment.id, expected_version=None)
    assert work.store.comments == before.comments
    assert work.store.events == before.events
