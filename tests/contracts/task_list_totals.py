"""The task list's contract for totals and keyed searches, kept by the fake and by SQL.

`PageRequest.with_total` makes `find` count the filtered list, whatever the cursor, and
only then; a searched key (`TaskFilter.key`) puts that task first, under every other
filter, and the pages after the first (an empty position after a first page the keyed
task filled) hold every other match exactly once. Subclasses provide `uow_factory`.
"""

import uuid
from typing import Any

import pytest

from taskhub.contexts.work.application.ports import TaskFilter, TaskSort, WorkUnitOfWork
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory
from tests.contracts.work import at, default_states, new_project, new_task

UowFactory = UnitOfWorkFactory[WorkUnitOfWork]


def _walk(
    uow_factory: UowFactory, org: uuid.UUID, task_filter: TaskFilter, limit: int
) -> tuple[list[uuid.UUID], set[int | None]]:
    ids: list[uuid.UUID] = []
    totals: set[int | None] = set()
    after: tuple[str, ...] | None = None
    for _ in range(50):
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(
                org, task_filter, PageRequest(limit=limit, after=after, with_total=True)
            )
        ids.extend(t.id for t in page.items)
        totals.add(page.total)
        if page.next_after is None:
            return ids, totals
        after = page.next_after
    raise AssertionError("the walk did not end")


class TaskListTotalsContract:
    @pytest.fixture
    def board(self, uow_factory: UowFactory) -> dict[str, Any]:
        org = new_id()
        eng, ops = new_project(org, "ENG"), new_project(org, "OPS")
        tasks = {
            "keyed": new_task(eng, 1, title="Eng 1 root", created_at=at(0)),
            "a": new_task(eng, 2, title="About eng 1", created_at=at(1)),
            "b": new_task(eng, 3, title="More on eng 1", status=TaskStatus.DONE, created_at=at(2)),
            "c": new_task(ops, 1, title="Ops says eng 1", created_at=at(3)),
            "other": new_task(eng, 4, title="Unrelated", created_at=at(4)),
        }
        with uow_factory() as uow:
            for project in (eng, ops):
                uow.projects.add(project)
                uow.states.add_all(default_states(project))
            for task in tasks.values():
                uow.tasks.add(task)
            uow.commit()
        return {"org": org, "eng": eng, "ids": {k: t.id for k, t in tasks.items()}}

    def test_no_total_unless_asked(self, uow_factory: UowFactory, board: dict[str, Any]) -> None:
        with uow_factory(read_only=True) as uow:
            page = uow.task_list.find(board["org"], TaskFilter(), PageRequest(limit=1))
        assert page.total is None

    @pytest.mark.parametrize("limit", [1, 2, 3, 100])
    def test_the_total_counts_the_filtered_list_whatever_the_cursor(
        self, uow_factory: UowFactory, board: dict[str, Any], limit: int
    ) -> None:
        org = board["org"]
        for task_filter, size in (
            (TaskFilter(), 5),
            (TaskFilter(project_id=board["eng"].id), 4),
            (TaskFilter(statuses=frozenset({TaskStatus.DONE})), 1),
            (TaskFilter(text="about"), 1),
            (TaskFilter(text="nothing matches this"), 0),
        ):
            found, totals = _walk(uow_factory, org, task_filter, limit)
            assert len(found) == len(set(found)) == size
            assert totals == {size}

    @pytest.mark.parametrize("limit", [1, 2, 3, 100])
    def test_a_keyed_search_pages_every_match_once_keyed_first(
        self, uow_factory: UowFactory, board: dict[str, Any], limit: int
    ) -> None:
        org, ids = board["org"], board["ids"]
        keyed = TaskFilter(text="ENG-1", key=("ENG", 1), sort=TaskSort.CREATED)
        found, totals = _walk(uow_factory, org, keyed, limit)
        assert found == [ids["keyed"], ids["a"], ids["b"], ids["c"]]
        assert totals == {4}
        done = TaskFilter(text="ENG-1", key=("ENG", 1), statuses=frozenset({TaskStatus.DONE}))
        assert _walk(uow_factory, org, done, limit) == ([ids["b"]], {1})
        alone = TaskFilter(text="ENG-4", key=("ENG", 4))
        assert _walk(uow_factory, org, alone, limit) == ([ids["other"]], {1})
