"""API.md §Work, a task's activity: its audit entries, newest first, each with the changes
as `{field: [old, new]}`."""

import uuid
from typing import Any

import pytest
from falcon import testing

from tests.integration.work_world import Org, make_org
from tests.integration.world import create_api_key, problem

# The audit log's entry shape (API.md §Audit).
ACTIVITY_FIELDS = {
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "ip",
    "user_agent",
    "request_id",
}


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


def activity(org: Org, task: dict[str, Any], query: str = "") -> list[dict[str, Any]]:
    result = org.get(f"/tasks/{task['id']}/activity", by=org.viewer, query_string=query)
    assert result.status_code == 200, result.text
    items: list[dict[str, Any]] = result.json["items"]
    return items


def test_created_then_updated_newest_first(org: Org) -> None:
    project = org.project("ENG")
    created = org.post(
        "/tasks",
        {"project_id": project["id"], "title": "Draft"},
        headers={"X-Request-ID": "create-req-1"},
    )
    task = created.json
    org.patch(
        f"/tasks/{task['id']}",
        {"status": "in_progress", "priority": "high"},
        by=org.admin,
        headers={"X-Request-ID": "patch-req-2"},
    )
    org.patch(
        f"/tasks/{task['id']}",
        {"due_at": "2026-12-24T18:00:00Z", "assignee_ids": [str(org.member.id)]},
    )
    org.patch(f"/tasks/{task['id']}", {"due_at": None, "title": "Final"})
    org.patch(f"/tasks/{task['id']}", {"title": "Final"})  # no change, no entry

    entries = activity(org, task)
    assert all(set(e) == ACTIVITY_FIELDS for e in entries)
    assert [e["action"] for e in entries] == [
        "task.updated",
        "task.updated",
        "task.updated",
        "task.created",
    ]
    latest, assigned, started, born = entries
    assert born["changes"]["title"] == [None, "Draft"]
    assert (born["actor_type"], born["actor_id"], born["request_id"]) == (
        "user",
        str(org.member.id),
        "create-req-1",
    )
    states = {
        s["category"]: s["id"]
        for s in org.get(f"/projects/{task['project_id']}/states").json["items"]
    }
    assert started["changes"] == {
        "status": ["todo", "in_progress"],
        "state_id": [states["todo"], states["in_progress"]],
        "priority": ["medium", "high"],
    }
    assert (started["actor_id"], started["request_id"]) == (str(org.admin.id), "patch-req-2")
    assert assigned["changes"] == {
        "due_at": [None, "2026-12-24T18:00:00Z"],
        "assignee_ids": [[], [str(org.member.id)]],
    }
    assert latest["changes"] == {
        "due_at": ["2026-12-24T18:00:00Z", None],
        "title": ["Draft", "Final"],
    }
    times = [e["occurred_at"] for e in entries]
    assert times == sorted(times, reverse=True)
    assert len({e["id"] for e in entries}) == 4


def test_only_this_tasks_entries(org: Org) -> None:
    project = org.project("ENG")
    task, neighbour = org.task(project, "Mine"), org.task(project, "Neighbour")
    org.patch(f"/tasks/{neighbour['id']}", {"title": "Changed"})
    org.post(f"/tasks/{task['id']}/comments", {"body": "A comment is its own entity"})
    org.label("bug")
    assert [e["action"] for e in activity(org, task)] == ["task.created"]


def test_deleted_and_restored_and_dependencies_show(org: Org) -> None:
    project = org.project("ENG")
    task, blocker = org.task(project), org.task(project)
    org.post(f"/tasks/{task['id']}/dependencies", {"depends_on_id": blocker["id"]})
    org.delete(f"/tasks/{task['id']}")
    problem(org.get(f"/tasks/{task['id']}/activity"), 404)
    org.post(f"/tasks/{task['id']}/restore", by=org.admin)
    actions = [e["action"] for e in activity(org, task)]
    assert actions[0] == "task.restored"
    assert actions[1] == "task.deleted"
    assert actions[-1] == "task.created"
    assert len(actions) == 4


def test_activity_by_an_api_key_names_the_key(org: Org) -> None:
    project = org.project("ENG")
    key = create_api_key(org.client, org.id, org.owner, "member")
    created = org.client.simulate_post(
        org.url("/tasks"),
        json={"project_id": project["id"], "title": "By key"},
        headers={"Authorization": f"Bearer {key['key']}"},
    )
    assert created.status_code == 201, created.text
    (entry,) = activity(org, created.json)
    assert (entry["actor_type"], entry["actor_id"]) == ("api_key", key["id"])


def test_activity_paginates_and_is_private_to_the_org(org: Org) -> None:
    project = org.project("ENG")
    task = org.task(project, "T0")
    for i in range(1, 5):
        org.patch(f"/tasks/{task['id']}", {"title": f"T{i}"})
    everything = activity(org, task, "limit=100")
    assert len(everything) == 5
    page = org.get(f"/tasks/{task['id']}/activity", query_string="limit=2")
    seen = list(page.json["items"])
    while page.json["next_cursor"]:
        page = org.get(
            f"/tasks/{task['id']}/activity",
            params={"limit": 2, "cursor": page.json["next_cursor"]},
        )
        seen.extend(page.json["items"])
    assert seen == everything
    assert [e["changes"].get("title", [None, None])[1] for e in seen] == [
        "T4",
        "T3",
        "T2",
        "T1",
        "T0",
    ]
    other = make_org(org.client)
    problem(
        org.client.simulate_get(org.url(f"/tasks/{task['id']}/activity"), headers=other.owner.auth),
        404,
    )
    problem(other.get(f"/tasks/{task['id']}/activity", by=other.owner), 404)
    problem(org.get(f"/tasks/{uuid.uuid4()}/activity"), 404)


def test_where_a_change_came_from_is_shown_to_admins_only(org: Org) -> None:
    project = org.project("ENG")
    task = org.post(
        "/tasks", {"project_id": project["id"], "title": "T"}, headers={"User-Agent": "cli/2"}
    ).json
    seen_by_viewer = activity(org, task)
    assert [(e["entity_type"], e["entity_id"]) for e in seen_by_viewer] == [("task", task["id"])]
    assert (seen_by_viewer[0]["ip"], seen_by_viewer[0]["user_agent"]) == (None, None)
    result = org.get(f"/tasks/{task['id']}/activity", by=org.admin)
    (seen_by_admin,) = result.json["items"]
    assert seen_by_admin["user_agent"] == "cli/2"
    assert seen_by_admin["ip"] is not None
