"""API.md §Work, "Planning" and "Task lookup by key": workflow states, board ranks and
moves, cycles and milestones with their progress, estimates, and tasks named by key."""

from typing import Any

import pytest
from falcon import testing

from tests.integration.work_world import Org, invalid, make_org
from tests.integration.world import problem


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


def states_of(org: Org, project: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The project's states by name."""
    result = org.get(f"/projects/{project['id']}/states", by=org.viewer)
    assert result.status_code == 200, result.text
    return {s["name"]: s for s in result.json["items"]}


# workflow states ---------------------------------------------------------------------------


def test_a_new_project_has_one_state_per_category_and_tasks_follow_their_state(org: Org) -> None:
    project = org.project("ENG")
    states = states_of(org, project)
    assert [(s["name"], s["category"], s["position"]) for s in states.values()] == [
        ("Todo", "todo", 0),
        ("In progress", "in_progress", 1),
        ("In review", "in_review", 2),
        ("Done", "done", 3),
        ("Cancelled", "cancelled", 4),
    ]
    qa = org.post(
        f"/projects/{project['id']}/states",
        {"name": "QA", "category": "in_review", "color": "#AABBCC", "position": 2},
        by=org.admin,
    )
    assert qa.status_code == 201, qa.text
    assert set(qa.json) == {"id", "name", "category", "color", "position", "version"}
    assert qa.json["color"] == "#aabbcc"
    problem(
        org.post(f"/projects/{project['id']}/states", {"name": "X", "category": "todo"}),
        403,
    )
    task = org.task(project)
    assert (task["status"], task["state_id"]) == ("todo", states["Todo"]["id"])
    # Writing state_id sets the status; writing the status alone takes the first state.
    moved = org.patch(f"/tasks/{task['id']}", {"state_id": qa.json["id"]})
    assert (moved.json["status"], moved.json["state_id"]) == ("in_review", qa.json["id"])
    back = org.patch(f"/tasks/{task['id']}", {"status": "in_review"})
    assert back.json["state_id"] == qa.json["id"]  # the status it has: it stays
    done = org.patch(f"/tasks/{task['id']}", {"status": "done"})
    assert (done.json["status"], done.json["state_id"]) == ("done", states["Done"]["id"])
    created = org.task(project, state_id=states["In progress"]["id"])
    assert created["status"] == "in_progress"
    invalid(
        org.post(
            "/tasks",
            {
                "project_id": project["id"],
                "title": "x",
                "state_id": states["Done"]["id"],
                "status": "todo",
            },
        ),
        "status",
    )
    other = org.project("OPS")
    invalid(
        org.patch(f"/tasks/{task['id']}", {"state_id": states_of(org, other)["Todo"]["id"]}),
        "state_id",
    )


def test_deleting_a_state_needs_move_to_and_keeps_a_todo_and_a_done(org: Org) -> None:
    project = org.project("ENG")
    states = states_of(org, project)
    task = org.task(project, status="in_progress")
    url = f"/projects/{project['id']}/states"
    problem(org.delete(f"{url}/{states['In progress']['id']}", by=org.admin), 409, "state_in_use")
    result = org.client.simulate_delete(
        org.url(f"{url}/{states['In progress']['id']}"),
        params={"move_to": states["In review"]["id"]},
        headers=org.admin.auth,
    )
    assert result.status_code == 204, result.text
    moved = org.get(f"/tasks/{task['id']}").json
    assert (moved["status"], moved["state_id"], moved["version"]) == (
        "in_review",
        states["In review"]["id"],
        task["version"] + 1,
    )
    assert "In progress" not in states_of(org, project)
    problem(org.delete(f"{url}/{states['Done']['id']}", by=org.admin), 409, "state_required")
    problem(org.delete(f"{url}/{states['Todo']['id']}", by=org.admin), 409, "state_required")
    problem(
        org.patch(f"{url}/{states['Done']['id']}", {"category": "cancelled"}, by=org.admin),
        409,
        "state_required",
    )
    second = org.post(url, {"name": "Shipped", "category": "done"}, by=org.admin).json
    assert org.delete(f"{url}/{states['Done']['id']}", by=org.admin).status_code == 204
    problem(org.delete(f"{url}/{second['id']}", by=org.admin), 409, "state_required")


# ranks and moves ---------------------------------------------------------------------------


def test_new_tasks_go_last_and_a_move_writes_only_the_moved_task(org: Org) -> None:
    project = org.project("ENG")
    a, b, c = (org.task(project, title) for title in "abc")
    assert a["rank"] < b["rank"] < c["rank"]
    query = f"project_id={project['id']}&sort=rank"
    assert org.titles(query) == ["a", "b", "c"]
    moved = org.post(f"/tasks/{c['id']}/move", {"before_id": a["id"]})
    assert moved.status_code == 200, moved.text
    assert moved.json["rank"] < a["rank"]
    assert org.titles(query) == ["c", "a", "b"]
    assert org.get(f"/tasks/{a['id']}").json["version"] == a["version"]
    org.post(f"/tasks/{c['id']}/move", {"after_id": a["id"]})
    assert org.titles(query) == ["a", "c", "b"]
    states = states_of(org, project)
    into = org.post(
        f"/tasks/{a['id']}/move", {"after_id": b["id"], "state_id": states["Done"]["id"]}
    )
    assert (into.json["status"], org.titles(query)) == ("done", ["c", "b", "a"])
    for _ in range(30):  # repeated halving stays ordered
        org.post(f"/tasks/{b['id']}/move", {"before_id": c["id"]})
        org.post(f"/tasks/{c['id']}/move", {"before_id": b["id"]})
    assert org.titles(query)[2] == "a"
    other = org.task(org.project("OPS"))
    invalid(org.post(f"/tasks/{a['id']}/move", {"before_id": other["id"]}), "before_id")
    invalid(org.post(f"/tasks/{a['id']}/move", {}), "before_id")
    invalid(
        org.post(f"/tasks/{a['id']}/move", {"before_id": b["id"], "after_id": c["id"]}), "before_id"
    )
    problem(org.post(f"/tasks/{a['id']}/move", {"before_id": b["id"]}, by=org.viewer), 403)


# lookup by key -----------------------------------------------------------------------------


def test_a_task_key_names_the_task_wherever_a_task_id_does(org: Org) -> None:
    project = org.project("ENG")
    task = org.task(project, "Keyed")
    assert org.get("/tasks/ENG-1").json["id"] == task["id"]
    assert org.get("/tasks/eng-1").json["id"] == task["id"]
    assert org.patch("/tasks/Eng-1", {"title": "Renamed"}).json["title"] == "Renamed"
    assert org.post("/tasks/ENG-1/comments", {"body": "hi"}).status_code == 201
    assert len(org.get("/tasks/ENG-1/comments").json["items"]) == 1
    assert org.get("/tasks/ENG-1/activity").status_code == 200
    assert org.get("/tasks/ENG-1/attachments").status_code == 200
    problem(org.get("/tasks/ENG-2"), 404)
    problem(org.get("/tasks/OPS-1"), 404)
    other = make_org(org.client)
    other.task(other.project("ENG"))
    assert other.get("/tasks/ENG-1").json["id"] != task["id"]
    problem(org.get("/tasks/ENG-1", by=other.member), 404)
    assert org.delete("/tasks/ENG-1").status_code == 204
    problem(org.get("/tasks/ENG-1"), 404)


def test_q_with_a_key_puts_that_task_first(org: Org) -> None:
    project = org.project("ENG")
    org.task(project, "About ENG 2 and more")
    wanted = org.task(project, "Unrelated title")
    found = org.get("/tasks", query_string="q=eng-2").json["items"]
    assert found[0]["id"] == wanted["id"]
    assert len(found) == 2


# cycles and milestones ---------------------------------------------------------------------


def test_cycles_never_overlap_and_report_progress(org: Org) -> None:
    project = org.project("ENG")
    url = f"/projects/{project['id']}/cycles"
    one = org.post(
        url, {"name": "S1", "starts_on": "2026-01-01", "ends_on": "2026-01-14"}, by=org.admin
    )
    assert one.status_code == 201, one.text
    assert one.json["progress"] == {"tasks": 0, "done": 0, "points": 0, "points_done": 0}
    problem(
        org.post(
            url, {"name": "S", "starts_on": "2026-01-14", "ends_on": "2026-01-20"}, by=org.admin
        ),
        409,
        "cycle_overlap",
    )
    invalid(
        org.post(
            url, {"name": "S", "starts_on": "2026-02-10", "ends_on": "2026-02-01"}, by=org.admin
        ),
        "ends_on",
    )
    invalid(
        org.post(
            url, {"name": "S", "starts_on": "2026-2-1", "ends_on": "2026-02-01"}, by=org.admin
        ),
        "starts_on",
    )
    two = org.post(
        url, {"name": "S2", "starts_on": "2026-01-15", "ends_on": "2026-01-28"}, by=org.admin
    ).json
    cycle = one.json["id"]
    done = org.task(project, "done", cycle_id=cycle, estimate=3, status="done")
    open_ = org.task(project, "open", cycle_id=cycle, estimate=5)
    org.task(project, "elsewhere")
    invalid(
        org.post("/tasks", {"project_id": project["id"], "title": "x", "estimate": 1001}),
        "estimate",
    )
    got = org.get(f"{url}/{cycle}", by=org.viewer).json
    assert got["progress"] == {"tasks": 2, "done": 1, "points": 8, "points_done": 3}
    assert {t["title"] for t in org.tasks(f"cycle_id={cycle}")} == {"done", "open"}
    assert org.titles("cycle_id=none") == ["elsewhere"]
    completed = org.post(f"{url}/{cycle}/complete", {"move_open_to": two["id"]}, by=org.admin)
    assert completed.status_code == 200, completed.text
    assert completed.json["completed_at"] is not None
    assert completed.json["progress"] == {"tasks": 1, "done": 1, "points": 3, "points_done": 3}
    assert org.get(f"/tasks/{open_['id']}").json["cycle_id"] == two["id"]
    assert org.get(f"/tasks/{done['id']}").json["cycle_id"] == cycle
    other = org.task(org.project("OPS"))
    invalid(org.patch(f"/tasks/{other['id']}", {"cycle_id": cycle}), "cycle_id")


def test_milestones_count_their_tasks(org: Org) -> None:
    project = org.project("ENG")
    url = f"/projects/{project['id']}/milestones"
    created = org.post(url, {"name": "Beta", "due_on": "2026-03-01"}, by=org.admin)
    assert created.status_code == 201, created.text
    milestone = created.json
    task = org.task(project, "part", milestone_id=milestone["id"], estimate=2)
    org.patch(f"/tasks/{task['id']}", {"status": "done", "start_at": "2026-02-01T09:00:00Z"})
    got = org.get(f"{url}/{milestone['id']}", by=org.viewer).json
    assert got["progress"] == {"tasks": 1, "done": 1, "points": 2, "points_done": 2}
    assert [t["id"] for t in org.tasks(f"milestone_id={milestone['id']}")] == [task["id"]]
    cleared = org.patch(f"/tasks/{task['id']}", {"milestone_id": None, "estimate": None})
    assert (cleared.json["milestone_id"], cleared.json["estimate"]) == (None, None)
    assert cleared.json["start_at"] == "2026-02-01T09:00:00Z"
    assert (
        org.patch(f"{url}/{milestone['id']}", {"due_on": None}, by=org.admin).json["due_on"] is None
    )
    assert org.delete(f"{url}/{milestone['id']}", by=org.admin).status_code == 204
    problem(org.get(f"{url}/{milestone['id']}"), 404)
