"""Planning rules under concurrency, on PostgreSQL with real threads: concurrent moves
never leave two tasks of a project with one rank, and concurrent cycles never overlap."""

from typing import Any

import pytest

from tests.integration.concurrency.races import race
from tests.integration.work_world import Org

pytestmark = pytest.mark.postgres

WRITERS = 12
ROUNDS = 3


def test_moves_to_one_place_at_once_never_tie(org: Org) -> None:
    project = org.project("ENG")
    anchor, *movers = [org.task(project, f"t{n}") for n in range(WRITERS + 2)]
    for _ in range(ROUNDS):
        results = race(
            [
                lambda task=task: org.post(f"/tasks/{task['id']}/move", {"before_id": anchor["id"]})
                for task in movers
            ]
        )
        assert [r.status_code for r in results] == [200] * len(movers), [
            r.text for r in results if r.status_code != 200
        ]
        tasks = org.tasks(f"project_id={project['id']}&sort=rank")
        ranks = [t["rank"] for t in tasks]
        assert len(set(ranks)) == len(ranks) == WRITERS + 2
        assert ranks == sorted(ranks)
        assert tasks[-2]["id"] == anchor["id"] or tasks[-1]["id"] == anchor["id"]
        # Each task is where its move put it: before the anchor.
        before_anchor = [t["id"] for t in tasks[: [t["id"] for t in tasks].index(anchor["id"])]]
        assert {m["id"] for m in movers} <= set(before_anchor)


def test_creates_and_moves_to_the_end_at_once_never_tie(org: Org) -> None:
    project = org.project("ENG")
    last = org.task(project, "last")
    movers = [org.task(project, f"m{n}") for n in range(WRITERS // 2)]
    for round_ in range(ROUNDS):
        jobs: list[Any] = [
            lambda task=task: org.post(f"/tasks/{task['id']}/move", {"after_id": last["id"]})
            for task in movers
        ]
        jobs += [
            lambda n=n, r=round_: org.post(
                "/tasks", {"project_id": project["id"], "title": f"{r}-{n}"}
            )
            for n in range(WRITERS // 2)
        ]
        results = race(jobs)
        assert sorted(r.status_code for r in results) == [200] * len(movers) + [201] * (
            WRITERS // 2
        )
        ranks = [t["rank"] for t in org.tasks(f"project_id={project['id']}&sort=rank")]
        assert len(set(ranks)) == len(ranks)


def test_overlapping_cycles_created_at_once_leave_one(org: Org) -> None:
    project = org.project("ENG")
    url = f"/projects/{project['id']}/cycles"
    for round_ in range(ROUNDS):
        day = 1 + round_ * 10
        results = race(
            [
                lambda n=n, d=day: org.post(
                    url,
                    {
                        "name": f"S{n}",
                        "starts_on": f"2026-03-{d + n % 3:02d}",
                        "ends_on": f"2026-03-{d + 5:02d}",
                    },
                    by=org.admin,
                )
                for n in range(WRITERS)
            ]
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [201] + [409] * (WRITERS - 1), [r.text for r in results]
    cycles = org.get(url, by=org.admin, query_string="limit=100").json["items"]
    assert len(cycles) == ROUNDS
