"""A task's id lists have a stated maximum, checked before any database work, and the
ids within it are checked with one lookup, so no body can hold a worker.

A create with 24,000 `assignee_ids` once did one membership lookup per id.
"""

import uuid
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from tests.integration.work.test_query_count import counting
from tests.integration.work_world import Org, make_org
from tests.integration.world import add_member, problem, register


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


def _strangers(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def _fields(result: testing.Result) -> dict[str, str]:
    body = problem(result, 422, "validation_error")
    return {error["field"]: error["message"] for error in body["errors"]}


def _statements(engine: Engine, org: Org, body: dict[str, Any]) -> tuple[int, testing.Result]:
    with counting(engine) as statements:
        result = org.post("/tasks", body)
    return len(statements), result


@pytest.mark.parametrize("field", ["assignee_ids", "label_ids"])
@pytest.mark.parametrize("count", [21, 24_000])
def test_more_than_20_ids_is_a_422_before_any_lookup(
    org: Org, engine: Engine, field: str, count: int
) -> None:
    project = org.project()
    # What a request costs when its body is refused before the handler: the caller's
    # session and role, nothing more.
    baseline, refused = _statements(engine, org, {"project_id": project["id"], "title": ""})
    assert _fields(refused) == {"title": "must not be empty"}
    spent, result = _statements(
        engine, org, {"project_id": project["id"], "title": "Too many", field: _strangers(count)}
    )
    assert _fields(result) == {field: "must have at most 20 items"}
    assert spent == baseline


@pytest.mark.parametrize("field", ["assignee_ids", "label_ids"])
def test_the_maximum_holds_on_patch_and_in_a_batch(org: Org, field: str) -> None:
    project = org.project()
    task = org.task(project)
    result = org.patch(f"/tasks/{task['id']}", {field: _strangers(21)})
    assert _fields(result) == {field: "must have at most 20 items"}
    operations = [
        {"op": "create", "data": {"project_id": project["id"], "title": "ok"}},
        {"op": "update", "id": task["id"], "data": {field: _strangers(21)}},
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    assert _fields(result) == {f"operations[1].{field}": "must have at most 20 items"}


def test_twenty_assignees_cost_the_statements_of_one(
    client: testing.TestClient, org: Org, engine: Engine
) -> None:
    people = [org.member.id]
    for i in range(19):
        user = register(client, f"person{i}")
        add_member(client, org.id, org.owner, user, "member")
        people.append(user.id)
    project = org.project()
    one, created = _statements(
        engine, org, {"project_id": project["id"], "title": "1", "assignee_ids": [str(people[0])]}
    )
    assert created.status_code == 201, created.text
    twenty, created = _statements(
        engine,
        org,
        {"project_id": project["id"], "title": "20", "assignee_ids": [str(p) for p in people]},
    )
    assert created.status_code == 201, created.text
    assert sorted(created.json["assignee_ids"]) == sorted(str(p) for p in people)
    assert twenty == one


def test_strangers_among_assignees_are_named_in_one_answer(org: Org) -> None:
    project = org.project()
    strangers = sorted(_strangers(3))
    result = org.post(
        "/tasks",
        {
            "project_id": project["id"],
            "title": "Mixed",
            "assignee_ids": [str(org.member.id), *strangers, strangers[0]],
        },
    )
    assert _fields(result) == {
        "assignee_ids": f"must be members of the organization: {', '.join(strangers)}"
    }
