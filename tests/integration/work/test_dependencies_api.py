"""API.md §Work, dependencies: `{depends_on_id}` → 201; 422 on self or another project's
task; 409 on a cycle, direct or transitive; listed, removed (204), then gone (404)."""

import uuid
from typing import Any

import pytest
from falcon import testing

from tests.integration.work_world import TASK_FIELDS, Org, invalid, make_org
from tests.integration.world import problem


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


@pytest.fixture
def project(org: Org) -> dict[str, Any]:
    return org.project("ENG")


def depend(org: Org, task: dict[str, Any], on: dict[str, Any] | str) -> Any:
    depends_on_id = on if isinstance(on, str) else on["id"]
    return org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": depends_on_id})


def blockers(org: Org, task: dict[str, Any]) -> list[str]:
    result = org.get(f"/tasks/{task['id']}/dependencies", by=org.viewer)
    assert result.status_code == 200, result.text
    assert result.json["next_cursor"] is None
    return sorted(t["id"] for t in result.json["items"])


def test_adding_listing_and_removing(org: Org, project: dict[str, Any]) -> None:
    task, first, second = (org.task(project, t) for t in ("Task", "First", "Second"))
    added = depend(org, task, first)
    assert added.status_code == 201, added.text
    assert set(added.json) == TASK_FIELDS
    assert added.json["id"] == first["id"]
    assert depend(org, task, second).status_code == 201
    assert blockers(org, task) == sorted([first["id"], second["id"]])
    assert blockers(org, first) == []
    listed = org.get(f"/tasks/{task['id']}/dependencies").json["items"]
    assert all(set(item) == TASK_FIELDS for item in listed)

    url = f"/tasks/{task['id']}/dependencies/{first['id']}"
    assert org.delete(url).status_code == 204
    assert blockers(org, task) == [second["id"]]
    problem(org.delete(url), 404)
    problem(org.delete(f"/tasks/{task['id']}/dependencies/{uuid.uuid4()}"), 404)


def test_the_same_dependency_twice_is_a_conflict(org: Org, project: dict[str, Any]) -> None:
    task, blocker = org.task(project), org.task(project)
    assert depend(org, task, blocker).status_code == 201
    problem(depend(org, task, blocker), 409)
    assert blockers(org, task) == [blocker["id"]]


def test_self_and_other_projects_are_422(org: Org, project: dict[str, Any]) -> None:
    task = org.task(project)
    invalid(depend(org, task, task), "depends_on_id")
    elsewhere = org.task(org.project("OPS"))
    invalid(depend(org, task, elsewhere), "depends_on_id")
    other = make_org(org.client)
    foreign = other.task(other.project("ENG"))
    foreign_problem = invalid(depend(org, task, foreign), "depends_on_id")
    unknown_problem = invalid(depend(org, task, str(uuid.uuid4())), "depends_on_id")
    assert foreign_problem["errors"] == unknown_problem["errors"]
    gone = org.task(project)
    org.delete(f"/tasks/{gone['id']}")
    invalid(depend(org, task, gone), "depends_on_id")
    invalid(org.post(f"/tasks/{task['id']}/dependencies", {}), "depends_on_id")
    invalid(org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": "x"}), "depends_on_id")
    invalid(
        org.post(
            f"/tasks/{task['id']}/dependencies",
            {"depends_on_id": str(uuid.uuid4()), "kind": "blocks"},
        ),
        "kind",
    )
    assert blockers(org, task) == []


def test_cycles_are_409(org: Org, project: dict[str, Any]) -> None:
    a, b, c, d = (org.task(project, name) for name in "abcd")
    assert depend(org, a, b).status_code == 201
    problem(depend(org, b, a), 409, "dependency_cycle")
    assert depend(org, b, c).status_code == 201
    assert depend(org, c, d).status_code == 201
    problem(depend(org, d, a), 409, "dependency_cycle")
    problem(depend(org, c, a), 409, "dependency_cycle")
    problem(depend(org, d, b), 409, "dependency_cycle")
    # A diamond is not a cycle.
    assert depend(org, a, c).status_code == 201
    assert depend(org, a, d).status_code == 201
    assert blockers(org, a) == sorted([b["id"], c["id"], d["id"]])
    assert blockers(org, d) == []
    # Breaking the chain allows what was refused.
    assert org.delete(f"/tasks/{b['id']}/dependencies/{c['id']}").status_code == 204
    problem(depend(org, d, a), 409)  # a still waits on d directly
    org.delete(f"/tasks/{a['id']}/dependencies/{d['id']}")
    org.delete(f"/tasks/{a['id']}/dependencies/{c['id']}")
    assert depend(org, d, a).status_code == 201


def test_roles_and_other_orgs(org: Org, project: dict[str, Any]) -> None:
    task, blocker = org.task(project), org.task(project)
    problem(
        org.post(
            f"/tasks/{task['id']}/dependencies", {"depends_on_id": blocker["id"]}, by=org.viewer
        ),
        403,
    )
    depend(org, task, blocker)
    problem(org.delete(f"/tasks/{task['id']}/dependencies/{blocker['id']}", by=org.viewer), 403)
    assert blockers(org, task) == [blocker["id"]]
    other = make_org(org.client)
    url = f"{org.base}/tasks/{task['id']}/dependencies"
    for user in (other.owner, other.member):
        problem(org.client.simulate_get(url, headers=user.auth), 404)
        problem(
            org.client.simulate_delete(f"{url}/{blocker['id']}", headers=user.auth),
            404,
        )
    theirs = other.task(other.project("ENG"))
    problem(org.get(f"/tasks/{theirs['id']}/dependencies", by=org.owner), 404)
    problem(org.post(f"/tasks/{theirs['id']}/dependencies", {"depends_on_id": task["id"]}), 404)


def test_a_deleted_blocker_leaves_the_list(org: Org, project: dict[str, Any]) -> None:
    task, blocker = org.task(project), org.task(project)
    depend(org, task, blocker)
    org.delete(f"/tasks/{blocker['id']}")
    assert blockers(org, task) == []
    org.post(f"/tasks/{blocker['id']}/restore", by=org.admin)
    assert blockers(org, task) == [blocker["id"]]
