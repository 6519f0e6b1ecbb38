"""API.md §Work, tasks one at a time: the shape, validation, references, PATCH semantics,
the dependency rule, soft delete and restore, numbering, safe writes and idempotency."""

import uuid
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from tests.integration.work_world import TASK_FIELDS, Org, invalid, make_org
from tests.integration.world import create_api_key, problem, register


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


@pytest.fixture
def project(org: Org) -> dict[str, Any]:
    return org.project("ENG")


def test_creating_a_task_with_defaults(org: Org, project: dict[str, Any]) -> None:
    result = org.post("/tasks", {"project_id": project["id"], "title": "Write the docs"})
    assert result.status_code == 201, result.text
    task = result.json
    assert set(task) == TASK_FIELDS
    uuid.UUID(task["id"])
    assert task == {
        **task,
        "project_id": project["id"],
        "number": 1,
        "key": "ENG-1",
        "title": "Write the docs",
        "description": "",
        "status": "todo",
        "priority": "medium",
        "due_at": None,
        "parent_id": None,
        "assignee_ids": [],
        "label_ids": [],
        "created_by": str(org.member.id),
        "version": 1,
    }
    assert task["created_at"].endswith("Z")
    assert task["created_at"] == task["updated_at"]
    assert result.headers["etag"] == '"1"'
    fetched = org.get(f"/tasks/{task['id']}", by=org.viewer)
    assert (fetched.status_code, fetched.json) == (200, task)
    assert fetched.headers["etag"] == '"1"'


def test_creating_a_task_with_every_field(org: Org, project: dict[str, Any]) -> None:
    label = org.label("bug")
    parent = org.task(project, "Parent")
    body = {
        "project_id": project["id"],
        "title": "Child",
        "description": "All of it",
        "status": "in_review",
        "priority": "urgent",
        "due_at": "2026-11-22T12:30:00+02:00",
        "parent_id": parent["id"],
        "assignee_ids": [str(org.member.id), str(org.viewer.id), str(org.member.id)],
        "label_ids": [label["id"]],
    }
    task = org.post("/tasks", body).json
    assert (task["number"], task["key"]) == (2, "ENG-2")
    assert (task["description"], task["status"], task["priority"]) == (
        "All of it",
        "in_review",
        "urgent",
    )
    assert task["due_at"] == "2026-11-22T10:30:00Z"
    assert task["parent_id"] == parent["id"]
    assert task["assignee_ids"] == sorted([str(org.member.id), str(org.viewer.id)])
    assert task["label_ids"] == [label["id"]]
    assert org.get(f"/tasks/{task['id']}").json == task


def test_keys_follow_each_projects_own_numbers(org: Org, project: dict[str, Any]) -> None:
    ops = org.project("OPS")
    keys = [org.task(project)["key"], org.task(ops)["key"], org.task(project)["key"]]
    assert keys == ["ENG-1", "OPS-1", "ENG-2"]
    other = make_org(org.client)
    assert other.task(other.project("ENG"))["key"] == "ENG-1"


@pytest.mark.parametrize(
    "field", ["number", "id", "org_id", "key", "created_by", "version", "created_at", "deleted_at"]
)
def test_server_fields_cannot_be_assigned(org: Org, project: dict[str, Any], field: str) -> None:
    value: Any = 7 if field in ("number", "version") else str(uuid.uuid4())
    result = org.post("/tasks", {"project_id": project["id"], "title": "T", field: value})
    invalid(result, field)
    assert org.tasks() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"title": None}, "title"),
        ({"description": "d" * 20_001}, "description"),
        ({"status": "open"}, "status"),
        ({"status": "TODO"}, "status"),
        ({"priority": "critical"}, "priority"),
        ({"priority": None}, "priority"),
        ({"due_at": "tomorrow"}, "due_at"),
        ({"due_at": "2026-11-22T10:00:00"}, "due_at"),
        ({"parent_id": "not-a-uuid"}, "parent_id"),
        ({"assignee_ids": 5}, "assignee_ids"),
        ({"assignee_ids": None}, "assignee_ids"),
        ({"assignee_ids": ["me"]}, "assignee_ids[0]"),
        ({"label_ids": [str(uuid.UUID(int=1)), 7]}, "label_ids[1]"),
    ],
)
def test_invalid_fields_on_create_are_422_naming_the_field(
    org: Org, project: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    body = {"project_id": project["id"], "title": "T", **changes}
    result = org.post("/tasks", body)
    assert invalid(result, field)["errors"][0]["message"]
    assert org.tasks() == []


@pytest.mark.parametrize("kind", ["empty string", "uuid string", "object"])
def test_id_lists_must_be_json_arrays(org: Org, project: dict[str, Any], kind: str) -> None:
    member = str(org.member.id)
    value = {"empty string": "", "uuid string": member, "object": {member: True}}[kind]
    result = org.post("/tasks", {"project_id": project["id"], "title": "T", "assignee_ids": value})
    invalid(result, "assignee_ids")
    assert org.tasks() == []


def test_lengths_are_limits(org: Org, project: dict[str, Any]) -> None:
    task = org.task(project, "t" * 200, description="d" * 20_000)
    assert (len(task["title"]), len(task["description"])) == (200, 20_000)
    invalid(org.post("/tasks", {"title": "T"}), "project_id")
    invalid(org.post("/tasks", {"project_id": project["id"]}), "title")


def test_a_project_of_another_org_is_422_without_a_hint(org: Org) -> None:
    other = make_org(org.client)
    theirs = other.project("ENG")
    foreign = invalid(org.post("/tasks", {"project_id": theirs["id"], "title": "T"}), "project_id")
    unknown = invalid(
        org.post("/tasks", {"project_id": str(uuid.uuid4()), "title": "T"}), "project_id"
    )
    assert foreign["errors"] == unknown["errors"]
    assert foreign["detail"] == unknown["detail"]
    assert other.tasks() == []


def test_parent_must_be_a_live_task_of_the_same_project(org: Org, project: dict[str, Any]) -> None:
    ops = org.project("OPS")
    elsewhere = org.task(ops, "In OPS")
    gone = org.task(project, "Gone")
    org.delete(f"/tasks/{gone['id']}")
    other = make_org(org.client)
    foreign = other.task(other.project("ENG"))
    for parent_id in (elsewhere["id"], gone["id"], foreign["id"], str(uuid.uuid4())):
        result = org.post(
            "/tasks", {"project_id": project["id"], "title": "C", "parent_id": parent_id}
        )
        invalid(result, "parent_id")
    task = org.task(project)
    invalid(org.patch(f"/tasks/{task['id']}", {"parent_id": elsewhere["id"]}), "parent_id")


def test_a_parent_cycle_is_409(org: Org, project: dict[str, Any]) -> None:
    root = org.task(project, "Root")
    child = org.task(project, "Child", parent_id=root["id"])
    grandchild = org.task(project, "Grandchild", parent_id=child["id"])
    problem(org.patch(f"/tasks/{root['id']}", {"parent_id": child["id"]}), 409, "parent_cycle")
    problem(org.patch(f"/tasks/{root['id']}", {"parent_id": grandchild["id"]}), 409, "parent_cycle")
    own = org.patch(f"/tasks/{root['id']}", {"parent_id": root["id"]})
    assert own.status_code in (409, 422), own.text
    assert org.get(f"/tasks/{root['id']}").json["parent_id"] is None
    # Re-parenting without a cycle is fine.
    moved = org.patch(f"/tasks/{grandchild['id']}", {"parent_id": root["id"]})
    assert moved.json["parent_id"] == root["id"]


def test_assignees_must_be_members(org: Org, project: dict[str, Any]) -> None:
    stranger = register(org.client, "stranger")
    other = make_org(org.client)
    for user_id in (stranger.id, other.member.id, uuid.uuid4()):
        result = org.post(
            "/tasks",
            {"project_id": project["id"], "title": "T", "assignee_ids": [str(user_id)]},
        )
        assert str(user_id) in invalid(result, "assignee_ids")["errors"][0]["message"]
    task = org.task(project, assignee_ids=[str(org.owner.id)])
    invalid(
        org.patch(f"/tasks/{task['id']}", {"assignee_ids": [str(org.owner.id), str(stranger.id)]}),
        "assignee_ids",
    )
    assert org.get(f"/tasks/{task['id']}").json["assignee_ids"] == [str(org.owner.id)]


def test_labels_must_be_the_orgs_live_labels(org: Org, project: dict[str, Any]) -> None:
    other = make_org(org.client)
    foreign = other.label("bug")
    gone = org.label("gone")
    org.delete(f"/labels/{gone['id']}")
    for label_id in (foreign["id"], gone["id"], str(uuid.uuid4())):
        result = org.post(
            "/tasks", {"project_id": project["id"], "title": "T", "label_ids": [label_id]}
        )
        invalid(result, "label_ids")
    mine = org.label("mine")
    task = org.task(project, label_ids=[mine["id"]])
    invalid(org.patch(f"/tasks/{task['id']}", {"label_ids": [foreign["id"]]}), "label_ids")


def test_patch_changes_only_what_is_sent(org: Org, project: dict[str, Any]) -> None:
    label = org.label("bug")
    parent = org.task(project, "Parent")
    task = org.task(
        project,
        "Original",
        description="Keep",
        priority="high",
        due_at="2026-12-01T09:00:00Z",
        parent_id=parent["id"],
        assignee_ids=[str(org.member.id)],
        label_ids=[label["id"]],
    )
    url = f"/tasks/{task['id']}"
    result = org.patch(url, {"title": "Renamed"})
    assert result.status_code == 200, result.text
    changed = result.json
    assert changed == {
        **task,
        "title": "Renamed",
        "version": 2,
        "updated_at": changed["updated_at"],
    }
    assert changed["updated_at"] > task["updated_at"]
    assert result.headers["etag"] == '"2"'

    cleared = org.patch(url, {"due_at": None, "parent_id": None}).json
    assert (cleared["due_at"], cleared["parent_id"], cleared["version"]) == (None, None, 3)
    assert cleared["description"] == "Keep"
    emptied = org.patch(url, {"assignee_ids": [], "label_ids": []}).json
    assert (emptied["assignee_ids"], emptied["label_ids"]) == ([], [])

    same = org.patch(url, {"title": "Renamed"})
    assert same.json["version"] == emptied["version"]
    assert org.patch(url, {}).json == same.json


@pytest.mark.parametrize(
    "body",
    [
        {"title": None},
        {"description": None},
        {"status": None},
        {"assignee_ids": None},
        {"label_ids": None},
        {"project_id": "00000000-0000-0000-0000-000000000000"},
        {"number": 9},
        {"key": "ENG-9"},
        {"org_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_patch_refuses_nulls_and_fixed_fields(
    org: Org, project: dict[str, Any], body: dict[str, Any]
) -> None:
    task = org.task(project)
    invalid(org.patch(f"/tasks/{task['id']}", body), *body)
    assert org.get(f"/tasks/{task['id']}").json == task


def test_project_id_cannot_move_a_task(org: Org, project: dict[str, Any]) -> None:
    ops = org.project("OPS")
    task = org.task(project)
    invalid(org.patch(f"/tasks/{task['id']}", {"project_id": ops["id"]}), "project_id")
    assert org.get(f"/tasks/{task['id']}").json["project_id"] == project["id"]


def test_done_is_blocked_by_an_open_dependency(org: Org, project: dict[str, Any]) -> None:
    blocker = org.task(project, "Blocker")
    other_blocker = org.task(project, "Other blocker")
    task = org.task(project, "Blocked")
    for dep in (blocker, other_blocker):
        assert (
            org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": dep["id"]}).status_code
            == 201
        )
    url = f"/tasks/{task['id']}"
    problem(org.patch(url, {"status": "done"}), 409, "blocked_by_dependencies")
    assert org.get(url).json["status"] == "todo"
    # Other statuses are allowed while blocked.
    assert org.patch(url, {"status": "in_progress"}).json["status"] == "in_progress"
    org.patch(f"/tasks/{blocker['id']}", {"status": "done"})
    problem(org.patch(url, {"status": "done"}), 409, "blocked_by_dependencies")
    org.patch(f"/tasks/{other_blocker['id']}", {"status": "cancelled"})
    assert org.patch(url, {"status": "done"}).json["status"] == "done"


def test_a_deleted_blocker_no_longer_blocks(org: Org, project: dict[str, Any]) -> None:
    blocker = org.task(project, "Blocker")
    task = org.task(project, "Blocked")
    org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": blocker["id"]})
    problem(org.patch(f"/tasks/{task['id']}", {"status": "done"}), 409)
    assert org.delete(f"/tasks/{blocker['id']}").status_code == 204
    assert org.patch(f"/tasks/{task['id']}", {"status": "done"}).status_code == 200


def test_soft_delete_and_restore(org: Org, project: dict[str, Any]) -> None:
    task = org.task(project, "Doomed", assignee_ids=[str(org.member.id)])
    keep = org.task(project, "Kept")
    url = f"/tasks/{task['id']}"
    assert org.delete(url).status_code == 204
    problem(org.get(url), 404, "not_found")
    problem(org.patch(url, {"title": "X"}), 404)
    problem(org.delete(url), 404)
    problem(org.get(f"{url}/comments"), 404)
    problem(org.get(f"{url}/dependencies"), 404)
    problem(org.get(f"{url}/activity"), 404)
    assert [t["id"] for t in org.tasks()] == [keep["id"]]
    assert org.tasks(f"assignee_id={org.member.id}") == []

    problem(org.post(f"{url}/restore", by=org.member), 403)
    problem(org.post(f"{url}/restore", by=org.viewer), 403)
    restored = org.post(f"{url}/restore", by=org.admin)
    assert restored.status_code == 200, restored.text
    body = restored.json
    assert set(body) == TASK_FIELDS
    assert (body["id"], body["number"], body["key"], body["title"], body["assignee_ids"]) == (
        task["id"],
        1,
        "ENG-1",
        "Doomed",
        [str(org.member.id)],
    )
    assert body["version"] > task["version"]
    assert org.get(url).json == body
    assert sorted(t["id"] for t in org.tasks()) == sorted([task["id"], keep["id"]])
    problem(org.post(f"/tasks/{uuid.uuid4()}/restore", by=org.admin), 404)


def test_numbers_are_never_reused(org: Org, project: dict[str, Any]) -> None:
    first, second, third = (org.task(project) for _ in range(3))
    org.delete(f"/tasks/{third['id']}")
    org.delete(f"/tasks/{second['id']}")
    assert org.task(project)["number"] == 4
    invalid(org.post("/tasks", {"project_id": project["id"], "title": ""}), "title")
    invalid(
        org.post(
            "/tasks",
            {"project_id": project["id"], "title": "T", "assignee_ids": [str(uuid.uuid4())]},
        ),
        "assignee_ids",
    )
    assert org.task(project)["number"] == 5
    restored = org.post(f"/tasks/{third['id']}/restore", by=org.admin).json
    assert restored["number"] == 3
    assert first["number"] == 1


def test_a_task_of_another_org_is_404(org: Org) -> None:
    other = make_org(org.client)
    theirs = other.task(other.project("ENG"))
    url = f"/tasks/{theirs['id']}"
    foreign = problem(org.get(url, by=org.owner), 404)
    missing = problem(org.get(f"/tasks/{uuid.uuid4()}", by=org.owner), 404)
    assert foreign["detail"] == missing["detail"]
    problem(org.patch(url, {"title": "Mine"}, by=org.owner), 404)
    problem(org.delete(url, by=org.owner), 404)
    problem(org.post(f"{url}/restore", by=org.owner), 404)
    assert other.get(url).json == theirs


def test_viewers_read_but_do_not_write(org: Org, project: dict[str, Any]) -> None:
    task = org.task(project)
    url = f"/tasks/{task['id']}"
    problem(org.post("/tasks", {"project_id": project["id"], "title": "T"}, by=org.viewer), 403)
    problem(org.patch(url, {"title": "X"}, by=org.viewer), 403)
    problem(org.delete(url, by=org.viewer), 403)
    assert org.get(url, by=org.viewer).status_code == 200
    assert len(org.tasks()) == 1


def test_if_match_on_patch_and_delete(org: Org, project: dict[str, Any]) -> None:
    task = org.task(project)
    url = f"/tasks/{task['id']}"
    assert org.get(url, headers={"If-None-Match": '"1"'}).status_code == 304
    problem(org.patch(url, {"title": "X"}, headers={"If-Match": '"2"'}), 412, "precondition_failed")
    assert org.get(url).json["title"] == task["title"]
    ok = org.patch(url, {"title": "X"}, headers={"If-Match": '"1"'})
    assert (ok.status_code, ok.json["version"], ok.headers["etag"]) == (200, 2, '"2"')
    assert org.get(url, headers={"If-None-Match": '"1"'}).status_code == 200
    assert org.get(url, headers={"If-None-Match": '"2"'}).status_code == 304
    # Last writer wins without If-Match.
    assert org.patch(url, {"title": "Y"}).json["version"] == 3
    problem(org.delete(url, headers={"If-Match": '"2"'}), 412)
    assert org.get(url).status_code == 200
    assert org.delete(url, headers={"If-Match": '"3"'}).status_code == 204


def test_idempotency_key_replays_the_creation(org: Org, project: dict[str, Any]) -> None:
    body = {"project_id": project["id"], "title": "Once"}
    headers = {"Idempotency-Key": "create-once-1"}
    first = org.post("/tasks", body, headers=headers)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    again = org.post("/tasks", body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json == first.json
    assert again.headers["etag"] == first.headers["etag"]
    assert [t["id"] for t in org.tasks()] == [first.json["id"]]
    problem(org.post("/tasks", {**body, "title": "Twice"}, headers=headers), 422)
    # Another key is another task, numbered next.
    other = org.post("/tasks", body, headers={"Idempotency-Key": "create-once-2"})
    assert (other.status_code, other.json["number"]) == (201, 2)
    # The same key from another principal is its own request.
    theirs = org.post("/tasks", body, by=org.admin, headers=headers)
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json["number"] == 3


def test_bad_ids_in_the_path_are_404(org: Org) -> None:
    problem(org.get("/tasks/not-a-uuid"), 404)
    problem(org.get("/projects/123"), 404)


@pytest.mark.parametrize(
    "write",
    ["project name", "task title", "task description", "task patch", "label name", "comment"],
)
def test_a_nul_character_is_never_a_server_error(
    org: Org,
    project: dict[str, Any],
    engine: Engine,
    request: pytest.FixtureRequest,
    write: str,
) -> None:
    task = org.task(project)
    text = "before\u0000after"
    result = {
        "project name": lambda: org.post("/projects", {"name": text, "key": "NUL"}, by=org.admin),
        "task title": lambda: org.post("/tasks", {"project_id": project["id"], "title": text}),
        "task description": lambda: org.post(
            "/tasks", {"project_id": project["id"], "title": "T", "description": text}
        ),
        "task patch": lambda: org.patch(f"/tasks/{task['id']}", {"title": text}),
        "label name": lambda: org.post("/labels", {"name": text, "color": "#000000"}),
        "comment": lambda: org.post(f"/tasks/{task['id']}/comments", {"body": text}),
    }[write]()
    assert result.status_code in (200, 201, 422), result.text
    if result.status_code == 422:
        problem(result, 422, "validation_error")


def test_credentials_media_type_and_syntax(org: Org, project: dict[str, Any]) -> None:
    url = org.url("/tasks")
    body = {"project_id": project["id"], "title": "T"}
    anonymous = org.client.simulate_post(url, json=body)
    problem(anonymous, 401)
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    problem(org.client.simulate_get(url, headers={"Authorization": "Bearer nope"}), 401)
    as_text = org.client.simulate_post(
        url, body="title=T", headers={**org.member.auth, "Content-Type": "text/plain"}
    )
    problem(as_text, 415)
    broken = org.client.simulate_post(
        url, body='{"title": ', headers={**org.member.auth, "Content-Type": "application/json"}
    )
    problem(broken, 400)
    problem(org.post("/tasks", ["not", "an", "object"]), 422)
    assert org.tasks() == []


def test_api_keys_act_with_their_role(org: Org, project: dict[str, Any]) -> None:
    keys = {
        role: create_api_key(org.client, org.id, org.owner, role) for role in ("viewer", "member")
    }
    body = {"project_id": project["id"], "title": "By key"}

    def as_key(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[role]['key']}"}

    problem(org.client.simulate_post(org.url("/tasks"), json=body, headers=as_key("viewer")), 403)
    created = org.client.simulate_post(org.url("/tasks"), json=body, headers=as_key("member"))
    assert created.status_code == 201, created.text
    listed = org.client.simulate_get(org.url("/tasks"), headers=as_key("viewer"))
    assert [t["id"] for t in listed.json["items"]] == [created.json["id"]]
    other = make_org(org.client)
    problem(
        org.client.simulate_get(other.url("/tasks"), headers=as_key("member")),
        404,
    )
