"""API.md §Work, projects: creation, keys, the status filter, safe writes, soft delete."""

import urllib.parse
import uuid

import pytest
from falcon import testing

from tests.integration.work_world import PROJECT_FIELDS, invalid, link_target, make_org
from tests.integration.world import problem


def test_an_admin_creates_a_project(client: testing.TestClient) -> None:
    org = make_org(client)
    result = org.post(
        "/projects", {"name": "Engineering", "key": "ENG", "description": "Ship it"}, by=org.admin
    )
    assert result.status_code == 201, result.text
    body = result.json
    assert set(body) == PROJECT_FIELDS
    uuid.UUID(body["id"])
    assert (body["key"], body["name"], body["description"], body["status"], body["version"]) == (
        "ENG",
        "Engineering",
        "Ship it",
        "active",
        1,
    )
    assert body["created_at"].endswith("Z")
    assert body["created_at"] == body["updated_at"]
    assert result.headers["etag"] == '"1"'
    fetched = org.get(f"/projects/{body['id']}", by=org.viewer)
    assert fetched.status_code == 200
    assert fetched.json == body


def test_description_and_status_are_optional_and_status_may_be_given(
    client: testing.TestClient,
) -> None:
    org = make_org(client)
    held = org.project("HOLD", status="on_hold")
    assert (held["status"], held["description"]) == ("on_hold", "")
    bad = org.post("/projects", {"name": "X", "key": "XX", "status": "paused"}, by=org.admin)
    invalid(bad, "status")


@pytest.mark.parametrize(
    "key",
    ["E", "ENGINEERING", "eng", "Eng", "1AB", "9", "A-B", "A B", "ÉNG", "", " ENG", "ENG "],
)
def test_key_rules(client: testing.TestClient, key: str) -> None:
    org = make_org(client)
    result = org.post("/projects", {"name": "X", "key": key}, by=org.admin)
    invalid(result, "key")


def test_keys_that_follow_the_rules_are_accepted(client: testing.TestClient) -> None:
    org = make_org(client)
    for key in ("AB", "A1", "Z123456789", "ENG2"):
        assert org.project(key)["key"] == key


def test_required_fields_and_unknown_fields(client: testing.TestClient) -> None:
    org = make_org(client)
    missing = org.post("/projects", {}, by=org.admin)
    invalid(missing, "key", "name")
    extra = org.post(
        "/projects",
        {"name": "X", "key": "XY", "id": str(uuid.uuid4()), "org_id": org.id, "version": 9},
        by=org.admin,
    )
    invalid(extra, "id", "org_id", "version")
    for name in ("", "   ", "n" * 201):
        result = org.post("/projects", {"name": name, "key": "XY"}, by=org.admin)
        invalid(result, "name")
    long = org.post(
        "/projects", {"name": "X", "key": "XY", "description": "d" * 20_001}, by=org.admin
    )
    invalid(long, "description")
    assert org.project("XY", name="n" * 200, description="d" * 20_000)["key"] == "XY"


def test_a_taken_key_is_409_in_the_same_org_only(client: testing.TestClient) -> None:
    org = make_org(client)
    org.project("ENG")
    problem(
        org.post("/projects", {"name": "Again", "key": "ENG"}, by=org.admin),
        409,
        "project_key_taken",
    )
    other = make_org(client)
    assert other.project("ENG")["key"] == "ENG"
    second = org.project("OPS")
    taken = org.patch(f"/projects/{second['id']}", {"key": "ENG"}, by=org.admin)
    problem(taken, 409, "project_key_taken")
    assert org.get(f"/projects/{second['id']}").json["key"] == "OPS"


def test_only_admins_create_change_and_delete_projects(client: testing.TestClient) -> None:
    org = make_org(client)
    for user in (org.member, org.viewer):
        problem(org.post("/projects", {"name": "X", "key": "XX"}, by=user), 403)
    project = org.project("ENG")
    url = f"/projects/{project['id']}"
    for user in (org.member, org.viewer):
        problem(org.patch(url, {"name": "Nope"}, by=user), 403)
        problem(org.delete(url, by=user), 403)
    assert org.get(url, by=org.viewer).json == project
    assert org.patch(url, {"name": "Owner may"}, by=org.owner).status_code == 200


def test_listing_with_a_status_filter_and_pagination(client: testing.TestClient) -> None:
    org = make_org(client)
    active = [org.project(f"A{i}")["id"] for i in range(3)]
    held = [org.project(f"H{i}", status="on_hold")["id"] for i in range(2)]
    archived = [org.project("Z1", status="archived")["id"]]
    other = make_org(client)
    other.project("A0")

    def ids(query: str) -> list[str]:
        seen: list[str] = []
        result = org.get("/projects", by=org.viewer, query_string=query)
        while True:
            assert result.status_code == 200, result.text
            seen.extend(item["id"] for item in result.json["items"])
            if result.json["next_cursor"] is None:
                assert "link" not in result.headers
                return seen
            path, query_string = link_target(result)
            assert urllib.parse.parse_qs(query_string)["limit"] == ["2"]
            result = client.simulate_get(path, query_string=query_string, headers=org.viewer.auth)

    everything = ids("limit=2")
    assert sorted(everything) == sorted(active + held + archived)
    assert len(everything) == len(set(everything))
    assert sorted(ids("status=active&limit=2")) == sorted(active)
    assert sorted(ids("status=on_hold&limit=2")) == sorted(held)
    assert ids("status=archived&limit=2") == archived
    bad = org.get("/projects", query_string="status=paused")
    invalid(bad, "status")
    for limit in ("0", "101", "x"):
        result = org.get("/projects", query_string=f"limit={limit}")
        invalid(result, "limit")


def test_patch_changes_only_what_is_sent(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG", description="Keep me")
    result = org.patch(f"/projects/{project['id']}", {"name": "Renamed"}, by=org.admin)
    assert result.status_code == 200, result.text
    body = result.json
    assert (body["name"], body["description"], body["key"], body["version"]) == (
        "Renamed",
        "Keep me",
        "ENG",
        2,
    )
    assert body["updated_at"] > project["updated_at"]
    assert body["created_at"] == project["created_at"]
    assert result.headers["etag"] == '"2"'
    for body_ in ({"name": None}, {"key": None}, {"id": str(uuid.uuid4())}, {"key": "bad"}):
        problem(org.patch(f"/projects/{project['id']}", body_, by=org.admin), 422)


def test_renaming_the_key_renames_task_keys(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    task = org.task(project)
    assert task["key"] == "ENG-1"
    org.patch(f"/projects/{project['id']}", {"key": "CORE"}, by=org.admin)
    assert org.get(f"/tasks/{task['id']}").json["key"] == "CORE-1"
    assert org.task(project)["key"] == "CORE-2"


def test_etags_if_match_and_if_none_match(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    url = f"/projects/{project['id']}"
    got = org.get(url)
    assert got.headers["etag"] == '"1"'
    not_modified = org.get(url, headers={"If-None-Match": '"1"'})
    assert not_modified.status_code == 304
    assert not_modified.text == ""
    assert org.get(url, headers={"If-None-Match": '"2"'}).status_code == 200

    problem(org.patch(url, {"name": "X"}, by=org.admin, headers={"If-Match": '"5"'}), 412)
    assert org.get(url).json["name"] == project["name"]
    changed = org.patch(url, {"name": "X"}, by=org.admin, headers={"If-Match": '"1"'})
    assert (changed.status_code, changed.json["version"]) == (200, 2)
    problem(org.delete(url, by=org.admin, headers={"If-Match": '"1"'}), 412)
    assert org.get(url).status_code == 200
    assert org.delete(url, by=org.admin, headers={"If-Match": '"2"'}).status_code == 204


def test_delete_is_soft_and_an_admin_restores(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    keep = org.project("OPS")
    url = f"/projects/{project['id']}"
    assert org.delete(url, by=org.admin).status_code == 204
    problem(org.get(url), 404, "not_found")
    listed = [p["id"] for p in org.get("/projects").json["items"]]
    assert listed == [keep["id"]]
    problem(org.patch(url, {"name": "X"}, by=org.admin), 404)
    problem(org.delete(url, by=org.admin), 404)
    problem(org.post("/tasks", {"project_id": project["id"], "title": "T"}), 422)

    problem(org.post(f"{url}/restore", by=org.member), 403)
    problem(org.post(f"{url}/restore", by=org.viewer), 403)
    problem(org.get(url), 404)
    restored = org.post(f"{url}/restore", by=org.admin)
    assert restored.status_code == 200, restored.text
    assert set(restored.json) == PROJECT_FIELDS
    assert (restored.json["id"], restored.json["key"], restored.json["name"]) == (
        project["id"],
        "ENG",
        project["name"],
    )
    assert restored.json["version"] > project["version"]
    assert org.get(url).status_code == 200
    assert sorted(p["id"] for p in org.get("/projects").json["items"]) == sorted(
        [project["id"], keep["id"]]
    )
    problem(org.post(f"/projects/{uuid.uuid4()}/restore", by=org.admin), 404)


def test_an_archived_project_takes_no_new_tasks(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    task = org.task(project)
    org.patch(f"/projects/{project['id']}", {"status": "archived"}, by=org.admin)
    problem(org.post("/tasks", {"project_id": project["id"], "title": "Late"}), 409)
    born_archived = org.project("OLD", status="archived")
    problem(org.post("/tasks", {"project_id": born_archived["id"], "title": "Late"}), 409)
    # Existing tasks stay readable; taking the project out of the archive reopens it.
    assert org.get(f"/tasks/{task['id']}").status_code == 200
    org.patch(f"/projects/{project['id']}", {"status": "on_hold"}, by=org.admin)
    assert org.task(project)["number"] == 2


def test_another_orgs_project_is_404(client: testing.TestClient) -> None:
    org, other = make_org(client), make_org(client)
    theirs = other.project("ENG")
    url = f"/projects/{theirs['id']}"
    unknown = problem(org.get(url, by=org.owner), 404)
    nothing = problem(org.get(f"/projects/{uuid.uuid4()}", by=org.owner), 404)
    assert {k: v for k, v in unknown.items() if k != "request_id"} == {
        k: v for k, v in nothing.items() if k != "request_id"
    }
    problem(org.patch(url, {"name": "Mine"}, by=org.owner), 404)
    problem(org.delete(url, by=org.owner), 404)
    problem(org.post(f"{url}/restore", by=org.owner), 404)
    assert other.get(url).json["name"] == theirs["name"]


def test_a_deleted_projects_tasks_go_and_come_back_with_it(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    keep = org.project("OPS")
    task = org.task(project, "Inside")
    other = org.task(keep, "Outside")
    org.delete(f"/projects/{project['id']}", by=org.admin)
    problem(org.get(f"/tasks/{task['id']}"), 404)
    problem(org.patch(f"/tasks/{task['id']}", {"title": "X"}), 404)
    assert [t["id"] for t in org.tasks()] == [other["id"]]
    assert org.tasks(f"project_id={project['id']}") == []
    org.post(f"/projects/{project['id']}/restore", by=org.admin)
    assert org.get(f"/tasks/{task['id']}").json == task
    assert sorted(t["id"] for t in org.tasks()) == sorted([task["id"], other["id"]])
    assert org.task(project)["number"] == 2


def test_a_task_deleted_with_its_project_is_restored_after_it(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    task = org.task(project)
    org.delete(f"/tasks/{task['id']}")
    org.delete(f"/projects/{project['id']}", by=org.admin)
    problem(org.post(f"/tasks/{task['id']}/restore", by=org.admin), 409)
    org.post(f"/projects/{project['id']}/restore", by=org.admin)
    restored = org.post(f"/tasks/{task['id']}/restore", by=org.admin)
    assert (restored.status_code, restored.json["number"]) == (200, 1)
