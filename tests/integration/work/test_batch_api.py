"""API.md §Work, batches: up to 100 operations, applied in order, all or nothing, and a
failure that names the operation (`operations[3].title`)."""

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


def create(project: dict[str, Any], title: str, **fields: Any) -> dict[str, Any]:
    return {"op": "create", "data": {"project_id": project["id"], "title": title, **fields}}


def snapshot(org: Org) -> list[dict[str, Any]]:
    return sorted(org.tasks("limit=100"), key=lambda t: t["id"])


def test_mixed_operations_apply_in_order(org: Org, project: dict[str, Any]) -> None:
    keep = org.task(project, "Keep")
    doomed = org.task(project, "Doomed")
    label = org.label("bug")
    operations = [
        create(project, "First", priority="high"),
        {"op": "update", "id": keep["id"], "data": {"title": "Kept", "label_ids": [label["id"]]}},
        {"op": "delete", "id": doomed["id"]},
        create(project, "Second", assignee_ids=[str(org.member.id)]),
        {"op": "update", "id": keep["id"], "data": {"status": "in_progress", "due_at": None}},
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    assert result.status_code == 200, result.text
    results = result.json["results"]
    assert [r["op"] for r in results] == ["create", "update", "delete", "create", "update"]
    first, kept, deleted, second, kept_again = results
    assert set(first["task"]) == TASK_FIELDS
    assert (first["task"]["number"], first["task"]["key"], first["task"]["priority"]) == (
        3,
        "ENG-3",
        "high",
    )
    assert first["id"] == first["task"]["id"]
    assert (kept["id"], kept["task"]["title"], kept["task"]["label_ids"]) == (
        keep["id"],
        "Kept",
        [label["id"]],
    )
    assert (deleted["id"], deleted.get("task")) == (doomed["id"], None)
    assert (second["task"]["number"], second["task"]["assignee_ids"]) == (4, [str(org.member.id)])
    assert (kept_again["task"]["status"], kept_again["task"]["title"]) == ("in_progress", "Kept")
    assert kept_again["task"]["version"] == 3

    problem(org.get(f"/tasks/{doomed['id']}"), 404)
    for item in (first, second, kept_again):
        assert org.get(f"/tasks/{item['id']}").json == item["task"]
    assert {t["title"] for t in org.tasks()} == {"First", "Kept", "Second"}


def test_an_operation_may_use_a_task_an_earlier_one_changed(
    org: Org, project: dict[str, Any]
) -> None:
    blocker = org.task(project, "Blocker")
    task = org.task(project, "Blocked")
    org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": blocker["id"]})
    operations = [
        {"op": "update", "id": blocker["id"], "data": {"status": "done"}},
        {"op": "update", "id": task["id"], "data": {"status": "done"}},
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    assert result.status_code == 200, result.text
    assert [r["task"]["status"] for r in result.json["results"]] == ["done", "done"]


@pytest.mark.parametrize(
    ("bad", "status", "field"),
    [
        ({"op": "create", "data": {"title": "No project"}}, 422, "operations[3].project_id"),
        ("create-empty-title", 422, "operations[3].title"),
        ("create-unknown-field", 422, "operations[3].number"),
        ("update-null-title", 422, "operations[3].title"),
        ("update-stranger", 422, "operations[3].assignee_ids"),
        ("update-project-id", 422, "operations[3].project_id"),
        ({"op": "update", "data": {"title": "X"}}, 422, "operations[3].id"),
        ({"op": "delete"}, 422, "operations[3].id"),
        ({"op": "create"}, 422, "operations[3].data"),
        ({"op": "archive", "id": "{task}"}, 422, "operations[3].op"),
        ({"op": "delete", "id": "{task}", "extra": 1}, 422, "operations[3].extra"),
        ({"op": "update", "id": "{missing}", "data": {"title": "X"}}, 404, None),
        ({"op": "delete", "id": "{missing}"}, 404, None),
        ("create-archived", 409, None),
        ("update-blocked", 409, None),
    ],
)
def test_one_failure_applies_nothing(
    org: Org, project: dict[str, Any], bad: Any, status: int, field: str | None
) -> None:
    target = org.task(project, "Target")
    blocker = org.task(project, "Blocker")
    spare = org.task(project, "Spare")
    org.post(f"/tasks/{target['id']}/dependencies", {"depends_on_id": blocker["id"]})
    archived = org.project("OLD", status="archived")
    named = {
        "create-empty-title": create(project, ""),
        "create-unknown-field": create(project, "T", number=99),
        "update-null-title": {"op": "update", "id": target["id"], "data": {"title": None}},
        "update-stranger": {
            "op": "update",
            "id": target["id"],
            "data": {"assignee_ids": [str(uuid.uuid4())]},
        },
        "update-project-id": {
            "op": "update",
            "id": target["id"],
            "data": {"project_id": archived["id"]},
        },
        "create-archived": create(archived, "Late"),
        "update-blocked": {"op": "update", "id": target["id"], "data": {"status": "done"}},
    }
    if isinstance(bad, str):
        bad = named[bad]
    else:
        bad = {
            k: (
                v.replace("{task}", target["id"]).replace("{missing}", str(uuid.uuid4()))
                if isinstance(v, str)
                else v
            )
            for k, v in bad.items()
        }
    before = snapshot(org)
    operations = [
        create(project, "Applied first?"),
        {"op": "update", "id": target["id"], "data": {"title": "Changed?"}},
        {"op": "delete", "id": spare["id"]},
        bad,
        create(project, "After"),
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    body = problem(result, status)
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field], body
    else:
        assert "operations[3]" in body["detail"], body
        assert "errors" not in body
    assert snapshot(org) == before
    # The numbers the failed batch allocated were never taken.
    assert org.task(project, "Next")["number"] == 4


def test_every_invalid_operation_is_reported(org: Org, project: dict[str, Any]) -> None:
    operations = [
        create(project, ""),
        create(project, "Fine"),
        {"op": "update", "data": {"title": "X"}},
        create(project, "T", status="open", org_id=str(uuid.uuid4())),
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    invalid(
        result,
        "operations[0].title",
        "operations[2].id",
        "operations[3].org_id",
        "operations[3].status",
    )
    assert org.tasks() == []


def test_at_most_100_operations(org: Org, project: dict[str, Any]) -> None:
    too_many = [create(project, f"T{i}") for i in range(101)]
    invalid(org.post("/tasks/batch", {"operations": too_many}), "operations")
    assert org.tasks() == []
    result = org.post("/tasks/batch", {"operations": too_many[:100]})
    assert result.status_code == 200, result.text
    numbers = [r["task"]["number"] for r in result.json["results"]]
    assert numbers == list(range(1, 101))
    assert len(org.tasks("limit=100")) == 100


def test_malformed_batches(org: Org, project: dict[str, Any]) -> None:
    invalid(org.post("/tasks/batch", {}), "operations")
    invalid(org.post("/tasks/batch", {"operations": None}), "operations")
    invalid(org.post("/tasks/batch", {"operations": [], "atomic": False}), "atomic")
    invalid(org.post("/tasks/batch", {"operations": [7]}), "operations[0]")
    problem(org.post("/tasks/batch", [create(project, "T")]), 422)
    assert org.tasks() == []


def test_error_messages_speak_the_api_not_python(org: Org, project: dict[str, Any]) -> None:
    for operations in ([{"op": "archive", "id": str(uuid.uuid4())}], ["create"]):
        body = problem(org.post("/tasks/batch", {"operations": operations}), 422)
        for error in body["errors"]:
            message = error["message"]
            assert not any(
                word in message for word in ("typing", "unknown error", "attribute", "'str'")
            ), message


def test_viewers_cannot_batch_and_other_orgs_tasks_are_404(
    org: Org, project: dict[str, Any]
) -> None:
    problem(org.post("/tasks/batch", {"operations": [create(project, "T")]}, by=org.viewer), 403)
    other = make_org(org.client)
    theirs = other.task(other.project("ENG"), "Theirs")
    for operation in (
        {"op": "update", "id": theirs["id"], "data": {"title": "Mine"}},
        {"op": "delete", "id": theirs["id"]},
    ):
        problem(org.post("/tasks/batch", {"operations": [operation]}), 404)
    invalid(
        org.post("/tasks/batch", {"operations": [create(other.project("OPS"), "T")]}),
        "operations[0].project_id",
    )
    assert other.get(f"/tasks/{theirs['id']}").json == theirs
    assert org.tasks() == []


def test_a_deleted_task_cannot_be_updated_later_in_the_same_batch(
    org: Org, project: dict[str, Any]
) -> None:
    task = org.task(project)
    operations = [
        {"op": "delete", "id": task["id"]},
        {"op": "update", "id": task["id"], "data": {"title": "Ghost"}},
    ]
    body = problem(org.post("/tasks/batch", {"operations": operations}), 404)
    assert "operations[1]" in body["detail"]
    assert org.get(f"/tasks/{task['id']}").json == task
